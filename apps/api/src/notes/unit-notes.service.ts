import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type FieldError, invalid, notFound, unprocessable } from '#domain';
import { type Actor, Permission, scopeFor, type UnitScope } from '#access';
import { writeOutbox } from '#jobs';
import { type JsonDocument, MethodRepository, NoteRepository, type NoteRow, OrgUnitRepository } from '#persistence';
import { Clock } from '../common/clock.js';
import type { AggregatePromptDto, CreateUnitNoteDto, UnitNotesQuery } from './note.dto.js';

/** A unit/method-level note as shown: organisation data only (no client fields). */
export type UnitNoteView = Omit<NoteRow, 'occasionId' | 'clientComment' | 'adjusted'>;

function view(n: NoteRow): UnitNoteView {
  const { occasionId: _o, clientComment: _c, adjusted: _a, ...rest } = n;
  return rest;
}

const unitNotFound = () => notFound('ORG_UNIT.NOT_FOUND', 'Enheten finns inte eller du saknar behörighet.', 'The unit does not exist or you do not have access.');
const field = (name: string, sv: string, en: string): FieldError => ({ field: name, sv: `${name}: ${sv}`, en: `${name}: ${en}` });

/**
 * Unit- and method-level follow-up notes (element 11: staff meetings, method adjustments tied to the aggregates that
 * prompted them, partner discussions, method reviews). They hold no client data, so they are not audited; they are
 * scoped to the writer's and reader's unit subtrees like everything else.
 */
@Injectable()
export class UnitNotesService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** The note's unit: the one given (in scope, else 404), or the writer's only unit. */
  private async unitFor(m: EntityManager, scope: UnitScope, orgUnitId: string | undefined): Promise<string> {
    if (orgUnitId) {
      const unit = await new OrgUnitRepository(m).findInScope(scope, orgUnitId);
      if (!unit) throw unitNotFound();
      return unit.id;
    }
    if (scope.unitPaths.length === 1) return scope.unitPaths[0]!.split('/').filter(Boolean).at(-1)!;
    throw invalid('NOTE.UNIT_REQUIRED', 'Ange enheten: du är enhetschef för flera enheter.', 'Give the unit: you are unit head of several units.', [
      field('orgUnitId', 'Måste anges.', 'is required.'),
    ]);
  }

  private async promptErrors(m: EntityManager, scope: UnitScope, prompt: AggregatePromptDto): Promise<FieldError[]> {
    const exists =
      prompt.scope === 'unit'
        ? (await new OrgUnitRepository(m).findInScope(scope, prompt.scopeId)) !== null
        : prompt.scope === 'group'
          ? await new NoteRepository(m).groupInScope(scope, prompt.scopeId)
          : (await new MethodRepository(m).listMethods(scope.municipalityId, prompt.scopeId)).length > 0;
    return exists ? [] : [field('details.prompt.scopeId', `Ingen sådan ${prompt.scope} inom dina enheter.`, `no such ${prompt.scope} within your units.`)];
  }

  async create(actor: Actor, dto: CreateUnitNoteDto): Promise<UnitNoteView> {
    const scope = scopeFor(actor, Permission.NoteWrite);
    const today = this.clock.today();
    const details = dto.details ?? {};
    const errors: FieldError[] = [];
    if (dto.heldOn > today) errors.push(field('heldOn', 'Datumet får inte ligga i framtiden.', 'must not be in the future.'));
    if ((dto.kind === 'method_adjusted' || dto.kind === 'method_review') && !dto.methodId) errors.push(field('methodId', 'Måste anges för denna typ.', 'is required for this kind.'));
    if (dto.kind === 'method_adjusted' && !details.prompt) {
      errors.push(field('details.prompt', 'Ange vilken sammanställning som ledde till justeringen.', 'say which aggregate prompted the adjustment.'));
    }
    if (details.partners !== undefined && dto.kind !== 'partner_discussion') errors.push(field('details.partners', 'Bara för partner_discussion.', 'only for partner_discussion.'));
    if (details.scheduledFor !== undefined && dto.kind !== 'method_review') errors.push(field('details.scheduledFor', 'Bara för method_review.', 'only for method_review.'));
    return this.dataSource.transaction(async (m) => {
      const orgUnitId = await this.unitFor(m, scope, dto.orgUnitId);
      if (dto.methodId && (await new MethodRepository(m).listMethods(scope.municipalityId, dto.methodId)).length === 0) {
        errors.push(field('methodId', 'Arbetssättet finns inte.', 'the method does not exist.'));
      }
      if (details.prompt) errors.push(...(await this.promptErrors(m, scope, details.prompt)));
      if (errors.length > 0) throw invalid('NOTE.INVALID', 'Anteckningen har felaktiga uppgifter.', 'The note has invalid fields.', errors);
      const notes = new NoteRepository(m);
      if (dto.correctsNoteId) {
        const corrected = await notes.findVisibleUnitNote(scope, dto.correctsNoteId);
        if (!corrected || corrected.kind !== dto.kind) {
          throw unprocessable('NOTE.CORRECTS_UNKNOWN', 'Rättelsen måste gälla en anteckning av samma typ inom dina enheter.', 'A correction must name a note of the same kind within your units.', [
            field('correctsNoteId', 'Ingen sådan anteckning.', 'no such note.'),
          ]);
        }
      }
      const note = await notes.insert(scope, {
        kind: dto.kind,
        occasionId: null,
        orgUnitId,
        methodId: dto.methodId ?? null,
        text: dto.text,
        clientComment: null,
        adjusted: null,
        details: JSON.parse(JSON.stringify(details)) as JsonDocument,
        heldOn: dto.heldOn,
        correctsNoteId: dto.correctsNoteId ?? null,
      });
      await writeOutbox(m, scope.municipalityId, [
        { topic: 'note.recorded', payload: { noteId: note.id, orgUnitId, ...(note.methodId ? { methodId: note.methodId } : {}) } },
      ]);
      return view(note);
    });
  }

  async list(actor: Actor, q: UnitNotesQuery): Promise<{ items: UnitNoteView[] }> {
    const scope = scopeFor(actor, Permission.NoteRead);
    if (q.from && q.to && q.from > q.to) {
      throw invalid('NOTE.PERIOD_REVERSED', 'Från-datum ligger efter till-datum.', 'The from date is after the to date.', [field('from', 'Efter to.', 'is after to.')]);
    }
    return this.dataSource.transaction(async (m) => {
      let unitPath: string | undefined;
      if (q.orgUnitId) {
        const unit = await new OrgUnitRepository(m).findInScope(scope, q.orgUnitId);
        if (!unit) throw unitNotFound();
        unitPath = unit.path;
      }
      const notes = await new NoteRepository(m).listUnitNotes(scope, { unitPath, methodId: q.methodId, kind: q.kind, from: q.from, to: q.to, limit: q.limit ?? 200 });
      return { items: notes.map(view) };
    });
  }
}
