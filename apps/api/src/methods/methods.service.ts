import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { conflict, DEFAULT_PLAN_TIMING, EvidenceStatus, invalid, notFound, type OccasionKind } from '#domain';
import { type Actor, Permission, scopeFor } from '#access';
import { InstrumentRepository, MethodRepository, type MethodRow } from '#persistence';
import type { CreateMethodDto, CreatePlanDto } from './method.dto.js';

/** Methods (arbetssätt) and measurement plans: organisation data, read by everyone in the municipality. */
@Injectable()
export class MethodsService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async list(actor: Actor): Promise<MethodRow[]> {
    const scope = scopeFor(actor, Permission.OrgRead);
    return new MethodRepository(this.dataSource).listMethods(scope.municipalityId);
  }

  async get(actor: Actor, id: string): Promise<MethodRow> {
    const scope = scopeFor(actor, Permission.OrgRead);
    const [method] = await new MethodRepository(this.dataSource).listMethods(scope.municipalityId, id);
    if (!method) throw notFound('METHOD.NOT_FOUND', 'Arbetssättet finns inte.', 'The method does not exist.');
    return method;
  }

  async create(actor: Actor, dto: CreateMethodDto): Promise<MethodRow> {
    const scope = scopeFor(actor, Permission.MethodAdmin);
    const id = await new MethodRepository(this.dataSource).insertMethod(scope.municipalityId, {
      code: dto.code,
      name: dto.name,
      description: dto.description ?? '',
      evidenceStatus: dto.evidenceStatus ?? EvidenceStatus.NotAssessed,
    });
    if (!id) {
      throw conflict('METHOD.CODE_TAKEN', 'Det finns redan ett arbetssätt med den koden.', 'A method with that code already exists.', [
        { field: 'code', sv: 'code: Koden används redan.', en: 'code is already in use.' },
      ]);
    }
    return this.get(actor, id);
  }

  /** A new plan version; episodes keep the plan they started under. */
  async createPlan(actor: Actor, methodId: string, dto: CreatePlanDto): Promise<MethodRow> {
    const scope = scopeFor(actor, Permission.MethodAdmin);
    await this.dataSource.transaction(async (m) => {
      const methods = new MethodRepository(m);
      const [method] = await methods.listMethods(scope.municipalityId, methodId);
      if (!method) throw notFound('METHOD.NOT_FOUND', 'Arbetssättet finns inte.', 'The method does not exist.');
      const instruments = new InstrumentRepository(m);
      const resolved: { occasionKind: OccasionKind; instrumentId: string }[] = [];
      const errors = [];
      for (const [i, item] of dto.instruments.entries()) {
        const version = await instruments.findVersion(scope.municipalityId, item.instrumentCode);
        if (!version) {
          errors.push({ field: `instruments[${i}].instrumentCode`, sv: `Formuläret ${item.instrumentCode} finns inte.`, en: `Instrument ${item.instrumentCode} does not exist.` });
        } else if (!resolved.some((r) => r.occasionKind === item.occasionKind && r.instrumentId === version.instrumentId)) {
          resolved.push({ occasionKind: item.occasionKind, instrumentId: version.instrumentId });
        }
      }
      if (errors.length > 0) throw invalid('PLAN.UNKNOWN_INSTRUMENT', 'Mätplanen nämner formulär som inte finns.', 'The plan names instruments that do not exist.', errors);
      await methods.insertPlan(method.id, { ...DEFAULT_PLAN_TIMING, ...stripUndefined(dto), requiresAdjustmentDecision: dto.requiresAdjustmentDecision ?? true }, resolved);
    });
    return this.get(actor, methodId);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k !== 'instruments')) as Partial<T>;
}
