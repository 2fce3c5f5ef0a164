import type { EntityManager } from 'typeorm';
import type { IsoDate } from '#domain';
import type { UnitScope } from '#access';
import type { JsonDocument } from '../entities/columns.js';
import type { FollowUpNoteKind } from '../entities/follow-up-note.entity.js';

/** Kinds recorded at an occasion: client data, audited. */
export const OCCASION_NOTE_KINDS = ['discussed_with_client', 'adjustment_decision'] as const;
export type OccasionNoteKind = (typeof OCCASION_NOTE_KINDS)[number];

/** Kinds recorded for a unit and/or method: organisation data, never about a client. */
export const UNIT_NOTE_KINDS = ['staff_meeting', 'method_adjusted', 'partner_discussion', 'method_review'] as const;
export type UnitNoteKind = (typeof UNIT_NOTE_KINDS)[number];

/**
 * A follow-up note as stored. Kind-specific fields live in `details` (jsonb):
 * - `discussed_with_client`: `{ withWhom: 'client' | 'relative' | 'both' }` (+ `clientComment`, `text`)
 * - `adjustment_decision`: `{ what?: string, why: string }` (+ the `adjusted` column)
 * - `method_adjusted`: `{ prompt: { scope: 'unit' | 'method' | 'group', scopeId, period, figure, value? } }` — the aggregate that prompted it
 * - `staff_meeting`, `partner_discussion`, `method_review`: optional `prompt` as above; `partners` (partner_discussion);
 *   `scheduledFor` (method_review: the due date of the review it records as done)
 */
export interface NoteRow {
  id: string;
  kind: FollowUpNoteKind;
  occasionId: string | null;
  orgUnitId: string | null;
  methodId: string | null;
  text: string;
  clientComment: string | null;
  adjusted: boolean | null;
  details: JsonDocument;
  heldOn: IsoDate;
  correctsNoteId: string | null;
  createdBy: string;
  createdAt: Date;
}

const NOTE_COLUMNS = `n.id, n.kind, n.occasion_id, n.org_unit_id, n.method_id, n.text, n.client_comment, n.adjusted, n.details,
  n.held_on::text AS held_on, n.corrects_note_id, n.created_by, n.created_at`;

function toNote(r: Record<string, any>): NoteRow {
  return {
    id: r.id,
    kind: r.kind,
    occasionId: r.occasion_id,
    orgUnitId: r.org_unit_id,
    methodId: r.method_id,
    text: r.text,
    clientComment: r.client_comment,
    adjusted: r.adjusted,
    details: r.details,
    heldOn: r.held_on,
    correctsNoteId: r.corrects_note_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

/** Follow-up notes (element 11 evidence). Append-only: there is no update or delete here (a trigger refuses UPDATE). */
export class NoteRepository {
  constructor(private readonly db: EntityManager) {}

  async insert(
    scope: UnitScope,
    n: {
      kind: FollowUpNoteKind;
      occasionId: string | null;
      orgUnitId: string | null;
      methodId: string | null;
      text: string;
      clientComment: string | null;
      adjusted: boolean | null;
      details: JsonDocument;
      heldOn: IsoDate;
      correctsNoteId: string | null;
    },
  ): Promise<NoteRow> {
    const [row] = await this.db.query(
      `INSERT INTO follow_up_note AS n (municipality_id, kind, occasion_id, org_unit_id, method_id, text, client_comment, adjusted, details,
         held_on, corrects_note_id, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12) RETURNING ${NOTE_COLUMNS}`,
      [
        scope.municipalityId,
        n.kind,
        n.occasionId,
        n.orgUnitId,
        n.methodId,
        n.text,
        n.clientComment,
        n.adjusted,
        JSON.stringify(n.details),
        n.heldOn,
        n.correctsNoteId,
        scope.actor.userId,
      ],
    );
    return toNote(row);
  }

  /** Occasion-level notes of an episode the caller has already found in scope, oldest first. */
  async listForEpisode(episodeId: string): Promise<NoteRow[]> {
    const rows = await this.db.query(
      `SELECT ${NOTE_COLUMNS} FROM follow_up_note n JOIN occasion o ON o.id = n.occasion_id
        WHERE o.episode_id = $1 ORDER BY n.held_on, n.created_at`,
      [episodeId],
    );
    return rows.map(toNote);
  }

  /** One occasion-level note of an occasion (to check what a correction corrects). */
  async findOnOccasion(occasionId: string, noteId: string): Promise<NoteRow | null> {
    const rows = await this.db.query(`SELECT ${NOTE_COLUMNS} FROM follow_up_note n WHERE n.occasion_id = $1 AND n.id = $2`, [occasionId, noteId]);
    return rows[0] ? toNote(rows[0]) : null;
  }

  /** A unit/method-level note whose unit lies in the scope. */
  async findVisibleUnitNote(scope: UnitScope, noteId: string): Promise<NoteRow | null> {
    const rows = await this.db.query(
      `SELECT ${NOTE_COLUMNS} FROM follow_up_note n JOIN org_unit u ON u.id = n.org_unit_id
        WHERE n.municipality_id = $1 AND u.path LIKE ANY($2) AND n.occasion_id IS NULL AND n.id = $3`,
      [scope.municipalityId, scope.likePatterns, noteId],
    );
    return rows[0] ? toNote(rows[0]) : null;
  }

  /**
   * Unit/method-level notes whose unit lies in the scope (and under `unitPath` when given), newest first.
   * Occasion-level notes (client data) are never returned here.
   */
  async listUnitNotes(
    scope: UnitScope,
    f: { unitPath?: string; methodId?: string; kind?: UnitNoteKind; from?: IsoDate; to?: IsoDate; limit: number },
  ): Promise<NoteRow[]> {
    const rows = await this.db.query(
      `SELECT ${NOTE_COLUMNS} FROM follow_up_note n JOIN org_unit u ON u.id = n.org_unit_id
        WHERE n.municipality_id = $1 AND u.path LIKE ANY($2) AND n.occasion_id IS NULL
          AND ($3::text IS NULL OR u.path LIKE $3) AND ($4::uuid IS NULL OR n.method_id = $4) AND ($5::text IS NULL OR n.kind = $5)
          AND ($6::date IS NULL OR n.held_on >= $6) AND ($7::date IS NULL OR n.held_on <= $7)
        ORDER BY n.held_on DESC, n.created_at DESC
        LIMIT $8`,
      [scope.municipalityId, scope.likePatterns, f.unitPath ? `${f.unitPath}%` : null, f.methodId ?? null, f.kind ?? null, f.from ?? null, f.to ?? null, f.limit],
    );
    return rows.map(toNote);
  }

  /** Whether a client group (a possible aggregate scope) lies in the scope. */
  async groupInScope(scope: UnitScope, groupId: string): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT 1 FROM client_group g JOIN org_unit u ON u.id = g.org_unit_id
        WHERE g.municipality_id = $1 AND u.path LIKE ANY($2) AND g.id = $3`,
      [scope.municipalityId, scope.likePatterns, groupId],
    );
    return rows.length > 0;
  }
}
