import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Actor, Permission, scopeFor } from '#access';
import { AggregateReadRepository } from '#aggregation';
import { recordAudit } from '#audit';
import { AuditAction, AuditPurpose, invalid, notFound } from '#domain';
import { JobName, JobProducer } from '#jobs';
import { assertReportablePeriod, latestCompletedPeriod, REPORT_SECTIONS, type ReportDefinition, ReportRepository } from '#reports';
import { Clock } from '../common/clock.js';
import { coversReportScope } from './report-access.js';
import type { CreateReportDefinitionDto, UpdateReportDefinitionDto } from './reports.dto.js';

const definitionNotFound = () => notFound('REPORT.DEFINITION_NOT_FOUND', 'Rapportdefinitionen finns inte eller du saknar behörighet.', 'The report definition does not exist or you do not have access.');

/** Report definitions (admins and unit heads, within their units) and "generate now". */
@Injectable()
export class ReportDefinitionsService {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(JobProducer) private readonly producer: JobProducer,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async create(actor: Actor, requestId: string, dto: CreateReportDefinitionDto): Promise<ReportDefinition> {
    const scope = scopeFor(actor, Permission.ReportAdmin);
    const repo = new AggregateReadRepository(this.ds);
    let scopeId = dto.scopeId ?? null;
    const scopeField = (sv: string, en: string) => invalid('REPORT.BAD_SCOPE', sv, en, [{ field: 'scopeId', sv, en }]);
    if (dto.scopeKind === 'municipality') {
      scopeId = actor.municipalityId;
      if (!(await repo.coversMunicipality(scope))) throw scopeField('Du har inte behörighet för hela kommunen.', 'You do not have access to the whole municipality.');
    } else if (!scopeId) {
      throw scopeField('Ange enhet eller arbetssätt.', 'Give the unit or method.');
    } else if (dto.scopeKind === 'method') {
      if (!(await repo.findMethod(actor.municipalityId, scopeId))) throw scopeField('Arbetssättet finns inte.', 'The method does not exist.');
      // A method's figures cover the whole municipality.
      if (!(await repo.coversMunicipality(scope))) throw scopeField('Arbetssättets siffror gäller hela kommunen: du saknar behörighet för den.', "A method's figures cover the whole municipality, which you do not have access to.");
    } else {
      const unit = await repo.findUnit(scope, scopeId);
      if (!unit) throw scopeField('Enheten finns inte eller ligger utanför dina enheter.', 'The unit does not exist or is outside your units.');
      if (dto.scopeKind === 'administration' && unit.kind !== 'administration') throw scopeField('Enheten är inte en förvaltning.', 'The unit is not an administration.');
      if (dto.scopeKind === 'unit' && unit.kind === 'administration') throw scopeField('Välj omfånget förvaltning för en förvaltning.', 'Choose the scope administration for an administration.');
      if (dto.scopeKind === 'unit' && dto.audience === 'politicians') {
        throw invalid(
          'REPORT.LEVEL_NOT_ALLOWED',
          'Rapporter till förtroendevalda gäller kommunen, en förvaltning eller ett arbetssätt, aldrig en enskild enhet.',
          'Reports for elected members cover the municipality, an administration or a method, never a single unit.',
          [{ field: 'audience', sv: 'Välj ledningen som mottagare för en enhet.', en: 'Choose management as the audience for a unit.' }],
        );
      }
    }
    return this.ds.transaction(async (m) => {
      const created = await new ReportRepository(m).createDefinition({
        municipalityId: actor.municipalityId,
        name: dto.name,
        scopeKind: dto.scopeKind,
        scopeId: scopeId!,
        audience: dto.audience,
        periodKind: dto.periodKind,
        sections: dto.sections ? REPORT_SECTIONS.filter((s) => dto.sections!.includes(s)) : [...REPORT_SECTIONS],
        language: dto.language ?? 'sv',
        createdBy: actor.userId,
      });
      await recordAudit(m, { scope, requestId }, [{ action: AuditAction.Create, resource: `report_definition:${created.id}`, purpose: AuditPurpose.Administration }]);
      return created;
    });
  }

  async list(actor: Actor): Promise<ReportDefinition[]> {
    const scope = scopeFor(actor, Permission.ReportAdmin);
    const all = await new ReportRepository(this.ds).listDefinitions(actor.municipalityId);
    const out: ReportDefinition[] = [];
    for (const d of all) if (await coversReportScope(this.ds, scope, d)) out.push(d);
    return out;
  }

  async get(actor: Actor, id: string): Promise<ReportDefinition> {
    const scope = scopeFor(actor, Permission.ReportAdmin);
    const d = await new ReportRepository(this.ds).findDefinition(actor.municipalityId, id);
    if (!d || !(await coversReportScope(this.ds, scope, d))) throw definitionNotFound();
    return d;
  }

  async update(actor: Actor, requestId: string, id: string, dto: UpdateReportDefinitionDto): Promise<ReportDefinition> {
    await this.get(actor, id);
    const scope = scopeFor(actor, Permission.ReportAdmin);
    return this.ds.transaction(async (m) => {
      const updated = await new ReportRepository(m).updateDefinition(actor.municipalityId, id, {
        ...dto,
        sections: dto.sections ? REPORT_SECTIONS.filter((s) => dto.sections!.includes(s)) : undefined,
      });
      if (!updated) throw definitionNotFound();
      await recordAudit(m, { scope, requestId }, [{ action: AuditAction.Update, resource: `report_definition:${id}`, purpose: AuditPurpose.Administration }]);
      return updated;
    });
  }

  /**
   * "Generate now": enqueues the generation in the worker (which prints the PDF). A repeated request while the job
   * waits is the same job; when the data have not changed since the stored version, the worker stores nothing new.
   */
  async generate(actor: Actor, requestId: string, id: string, period: string | undefined) {
    const d = await this.get(actor, id);
    const periodKey = period ?? latestCompletedPeriod(d.periodKind, this.clock.today());
    assertReportablePeriod(d, periodKey, this.clock.today());
    const scope = scopeFor(actor, Permission.ReportAdmin);
    const jobId = `report.${d.id}.${periodKey}.manual`;
    await this.producer.enqueue(
      { name: JobName.ReportGenerate, data: { municipalityId: actor.municipalityId, definitionId: d.id, periodKey, trigger: 'manual', requestedBy: actor.userId, regenerate: true } },
      // Removed when done, so a later "generate now" (after a data correction) can use the same id again.
      { jobId, removeOnComplete: true, removeOnFail: true },
    );
    await recordAudit(this.ds.manager, { scope, requestId }, [{ action: AuditAction.Create, resource: `report_definition:${d.id}:generate:${periodKey}`, purpose: AuditPurpose.Administration }]);
    return { definitionId: d.id, period: periodKey, jobId, state: 'queued' as const };
  }
}
