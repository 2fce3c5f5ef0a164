import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditAction, AuditPurpose, conflict, type FieldError, invalid, notFound, OccasionState, unprocessable } from '#domain';
import { type Actor, Permission, scopeFor, type UnitScope } from '#access';
import { recordAudit } from '#audit';
import { writeOutbox } from '#jobs';
import { EpisodeRepository, type EpisodeRow, type JsonDocument, NoteRepository, type NoteRow } from '#persistence';
import { Clock } from '../common/clock.js';
import { episodeNotFound } from '../episodes/episodes.service.js';
import type { CreateOccasionNoteDto } from './note.dto.js';

const occasionNotFound = () =>
  notFound('OCCASION.NOT_FOUND', 'Mättillfället finns inte eller du saknar behörighet.', 'The occasion does not exist or you do not have access.');

const field = (name: string, sv: string, en: string): FieldError => ({ field: name, sv: `${name}: ${sv}`, en: `${name}: ${en}` });
const notForKind = (name: string, kind: string) => field(name, `Hör inte till anteckningstypen ${kind}.`, `does not belong to a ${kind} note.`);
const required = (name: string) => field(name, 'Måste anges.', 'is required.');
const blank = (s: string | undefined) => s === undefined || s.trim() === '';

/** The kind-specific columns of an occasion-level note, or every field that is wrong for its kind. */
function shape(dto: CreateOccasionNoteDto): { errors: FieldError[]; adjusted: boolean | null; details: JsonDocument } {
  const errors: FieldError[] = [];
  if (dto.kind === 'discussed_with_client') {
    if (!dto.withWhom) errors.push(required('withWhom'));
    for (const k of ['adjusted', 'what', 'why'] as const) if (dto[k] !== undefined) errors.push(notForKind(k, dto.kind));
    return { errors, adjusted: null, details: { withWhom: dto.withWhom ?? null } };
  }
  if (dto.adjusted === undefined) errors.push(required('adjusted'));
  if (blank(dto.why)) errors.push(field('why', 'Motivera beslutet, även när insatsen inte justeras.', 'give the reason, also when the intervention is not adjusted.'));
  if (dto.adjusted === true && blank(dto.what)) errors.push(field('what', 'Ange vad som justerades.', 'say what was adjusted.'));
  if (dto.adjusted === false && dto.what !== undefined) errors.push(field('what', 'Insatsen justerades inte.', 'the intervention was not adjusted.'));
  for (const k of ['withWhom', 'clientComment'] as const) if (dto[k] !== undefined) errors.push(notForKind(k, dto.kind));
  return { errors, adjusted: dto.adjusted ?? null, details: { ...(dto.adjusted ? { what: dto.what ?? null } : {}), why: dto.why ?? null } };
}

/**
 * Occasion-level follow-up notes (element 11 evidence): "discussed with the client/relative" and the adjustment
 * decision. Client data: every access is audited. Append-only: a correction is a new note naming the one it corrects.
 */
@Injectable()
export class OccasionNotesService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  private async audit(m: EntityManager, scope: UnitScope, requestId: string, action: AuditAction, e: EpisodeRow) {
    await recordAudit(m, { scope, requestId }, [
      { action, resource: 'follow_up_note', purpose: AuditPurpose.FollowUp, clientId: e.clientId, clientPseudonym: e.clientPseudonym, orgUnitId: e.orgUnitId },
    ]);
  }

  async create(actor: Actor, requestId: string, occasionId: string, dto: CreateOccasionNoteDto): Promise<NoteRow> {
    const scope = scopeFor(actor, Permission.ClientWrite);
    const today = this.clock.today();
    const { errors, adjusted, details } = shape(dto);
    if (dto.heldOn > today) errors.push(field('heldOn', 'Datumet får inte ligga i framtiden.', 'must not be in the future.'));
    return this.dataSource.transaction(async (m) => {
      const occasion = await new EpisodeRepository(m).findVisibleOccasion(scope, occasionId);
      if (!occasion) throw occasionNotFound();
      if (dto.heldOn < occasion.episode.startDate) errors.push(field('heldOn', 'Före insatsens start.', 'is before the intervention start.'));
      if (errors.length > 0) throw invalid('NOTE.INVALID', 'Anteckningen har felaktiga uppgifter.', 'The note has invalid fields.', errors);
      // Done, or due/overdue by its window (the nightly job may not have moved the state yet).
      const open = [OccasionState.Planned, OccasionState.Due, OccasionState.Overdue].includes(occasion.state) && occasion.windowStart <= today;
      if (occasion.state !== OccasionState.Done && !open) {
        throw conflict(
          'OCCASION.NOT_OPEN_FOR_NOTES',
          'Anteckningar görs vid genomförda eller aktuella mättillfällen, inte vid missade, inställda eller framtida.',
          'Notes are recorded at done or due occasions, not at missed, cancelled or future ones.',
        );
      }
      const notes = new NoteRepository(m);
      if (dto.correctsNoteId) {
        const corrected = await notes.findOnOccasion(occasion.id, dto.correctsNoteId);
        if (!corrected || corrected.kind !== dto.kind) {
          throw unprocessable('NOTE.CORRECTS_UNKNOWN', 'Rättelsen måste gälla en anteckning av samma typ vid samma mättillfälle.', 'A correction must name a note of the same kind at the same occasion.', [
            field('correctsNoteId', 'Ingen sådan anteckning vid mättillfället.', 'no such note at this occasion.'),
          ]);
        }
      }
      const note = await notes.insert(scope, {
        kind: dto.kind,
        occasionId: occasion.id,
        orgUnitId: null,
        methodId: null,
        text: dto.text ?? '',
        clientComment: dto.kind === 'discussed_with_client' ? (dto.clientComment ?? null) : null,
        adjusted,
        details,
        heldOn: dto.heldOn,
        correctsNoteId: dto.correctsNoteId ?? null,
      });
      await writeOutbox(m, scope.municipalityId, [{ topic: 'note.recorded', payload: { noteId: note.id, occasionId: occasion.id, episodeId: occasion.episodeId } }]);
      await this.audit(m, scope, requestId, AuditAction.Create, occasion.episode);
      return note;
    });
  }

  /** Every occasion-level note of an episode, oldest first (corrections included: the history stays readable). */
  async listForEpisode(actor: Actor, requestId: string, episodeId: string): Promise<{ episodeId: string; items: NoteRow[] }> {
    const scope = scopeFor(actor, Permission.ClientRead);
    return this.dataSource.transaction(async (m) => {
      const episode = await new EpisodeRepository(m).findVisible(scope, episodeId);
      if (!episode) throw episodeNotFound();
      await this.audit(m, scope, requestId, AuditAction.List, episode);
      return { episodeId, items: await new NoteRepository(m).listForEpisode(episode.id) };
    });
  }
}
