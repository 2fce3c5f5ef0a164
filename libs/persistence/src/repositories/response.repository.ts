import type { EntityManager } from 'typeorm';
import type { IsoDate, Respondent, ResponseMode } from '#domain';
import type { UnitScope } from '#access';
import type { InstrumentDefinition } from '#instruments';
import { returnedRows } from '../sql.js';

/** One stored response revision, with what a view needs from its episode, client, instrument and recorder. */
export interface ResponseRow {
  id: string;
  occasionId: string;
  episodeId: string;
  orgUnitId: string;
  clientId: string;
  clientPseudonym: string;
  instrumentId: string;
  instrumentCode: string;
  instrumentVersionId: string;
  instrumentVersion: number;
  definition: InstrumentDefinition;
  revision: number;
  supersedesId: string | null;
  isCurrent: boolean;
  correctionReason: string | null;
  answeredOn: IsoDate;
  respondent: Respondent;
  mode: ResponseMode;
  recordedBy: string;
  recordedByName: string;
  recordedAt: Date;
}

/** An answer as stored: numbers (options, numeric items, yes/no as 1/0) in `valueNumeric`, free text in `valueText`. */
export interface StoredAnswer {
  itemId: string;
  valueNumeric: number | null;
  valueText: string | null;
}

export interface StoredScaleScore {
  scaleId: string;
  raw: number | null;
  valid: boolean;
  /** The scoring problem's code, e.g. `TOO_MANY_MISSING`. */
  invalidReason: string | null;
  /** The band's Swedish label (as the demo seed and import store it). */
  band: string | null;
  isCase: boolean | null;
  prorated: boolean;
}

export interface NewResponse {
  occasionId: string;
  episodeId: string;
  clientId: string;
  instrumentId: string;
  instrumentVersionId: string;
  answeredOn: IsoDate;
  respondent: Respondent;
  mode: ResponseMode;
  recordedBy: string;
  /** For a correction: the revision it replaces (which must already be marked not current). */
  supersedes?: { id: string; revision: number; reason: string };
}

const COLUMNS = `r.id, r.occasion_id, r.episode_id, e.org_unit_id, r.client_id, c.pseudonym AS client_pseudonym, r.instrument_id,
  i.code AS instrument_code, r.instrument_version_id, v.version AS instrument_version, v.definition, r.revision, r.supersedes_id,
  r.is_current, r.correction_reason, r.answered_on::text AS answered_on, r.respondent, r.mode, r.recorded_by,
  usr.display_name AS recorded_by_name, r.recorded_at`;
const FROM = `response r
  JOIN episode e ON e.id = r.episode_id
  JOIN org_unit u ON u.id = e.org_unit_id
  JOIN client c ON c.id = r.client_id
  JOIN instrument i ON i.id = r.instrument_id
  JOIN instrument_version v ON v.id = r.instrument_version_id
  JOIN app_user usr ON usr.id = r.recorded_by`;
/** A response is in scope when its episode's unit is (as for episodes). */
const VISIBLE = `r.municipality_id = $1 AND u.path LIKE ANY($2)`;

function toRow(r: Record<string, any>): ResponseRow {
  return {
    id: r.id,
    occasionId: r.occasion_id,
    episodeId: r.episode_id,
    orgUnitId: r.org_unit_id,
    clientId: r.client_id,
    clientPseudonym: r.client_pseudonym,
    instrumentId: r.instrument_id,
    instrumentCode: r.instrument_code,
    instrumentVersionId: r.instrument_version_id,
    instrumentVersion: r.instrument_version,
    definition: r.definition,
    revision: r.revision,
    supersedesId: r.supersedes_id,
    isCurrent: r.is_current,
    correctionReason: r.correction_reason,
    answeredOn: r.answered_on,
    respondent: r.respondent,
    mode: r.mode,
    recordedBy: r.recorded_by,
    recordedByName: r.recorded_by_name,
    recordedAt: r.recorded_at,
  };
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Questionnaire responses (formulärsvar), their answers and scale scores; reads always within a unit scope. */
export class ResponseRepository {
  constructor(private readonly db: EntityManager) {}

  /**
   * Stores a response revision as current. Null when another current response for the occasion and
   * instrument exists (the partial unique index `response_current_uq` decided a race).
   */
  async insert(scope: UnitScope, r: NewResponse): Promise<string | null> {
    try {
      const [row] = await this.db.query(
        `INSERT INTO response (municipality_id, occasion_id, episode_id, client_id, instrument_id, instrument_version_id,
           revision, supersedes_id, correction_reason, answered_on, respondent, mode, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
        [
          scope.municipalityId,
          r.occasionId,
          r.episodeId,
          r.clientId,
          r.instrumentId,
          r.instrumentVersionId,
          r.supersedes ? r.supersedes.revision + 1 : 1,
          r.supersedes?.id ?? null,
          r.supersedes?.reason ?? null,
          r.answeredOn,
          r.respondent,
          r.mode,
          r.recordedBy,
        ],
      );
      return row.id;
    } catch (e) {
      const err = e as { code?: string; constraint?: string; driverError?: { constraint?: string } };
      if (err.code === '23505' && (err.constraint ?? err.driverError?.constraint) === 'response_current_uq') return null;
      throw e;
    }
  }

  /** All answers of a response in one statement. */
  async insertAnswers(responseId: string, answers: StoredAnswer[]): Promise<void> {
    if (answers.length === 0) return;
    await this.db.query(
      `INSERT INTO response_answer (response_id, item_id, value_numeric, value_text)
       SELECT $1, unnest($2::text[]), unnest($3::numeric[]), unnest($4::text[])`,
      [responseId, answers.map((a) => a.itemId), answers.map((a) => a.valueNumeric), answers.map((a) => a.valueText)],
    );
  }

  /** All scale scores of a response in one statement. */
  async insertScaleScores(responseId: string, scores: StoredScaleScore[]): Promise<void> {
    if (scores.length === 0) return;
    await this.db.query(
      `INSERT INTO scale_score (response_id, scale_id, raw, valid, invalid_reason, band, is_case, prorated)
       SELECT $1, unnest($2::text[]), unnest($3::numeric[]), unnest($4::boolean[]), unnest($5::text[]), unnest($6::text[]),
              unnest($7::boolean[]), unnest($8::boolean[])`,
      [
        responseId,
        scores.map((s) => s.scaleId),
        scores.map((s) => s.raw),
        scores.map((s) => s.valid),
        scores.map((s) => s.invalidReason),
        scores.map((s) => s.band),
        scores.map((s) => s.isCase),
        scores.map((s) => s.prorated),
      ],
    );
  }

  /** A response revision in scope; `forUpdate` locks it (corrections of one revision run one at a time). */
  async findVisible(scope: UnitScope, id: string, opts: { forUpdate?: boolean } = {}): Promise<ResponseRow | null> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE ${VISIBLE} AND r.id = $3 ${opts.forUpdate ? 'FOR UPDATE OF r' : ''}`, [
      scope.municipalityId,
      scope.likePatterns,
      id,
    ]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** The id of the current response for an occasion and instrument, if any. */
  async findCurrentId(occasionId: string, instrumentId: string): Promise<string | null> {
    const rows = await this.db.query(`SELECT id FROM response WHERE occasion_id = $1 AND instrument_id = $2 AND is_current`, [occasionId, instrumentId]);
    return rows[0]?.id ?? null;
  }

  /** Every revision for one occasion and instrument, oldest first. */
  async listRevisions(scope: UnitScope, occasionId: string, instrumentId: string): Promise<ResponseRow[]> {
    const rows = await this.db.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE ${VISIBLE} AND r.occasion_id = $3 AND r.instrument_id = $4 ORDER BY r.revision`,
      [scope.municipalityId, scope.likePatterns, occasionId, instrumentId],
    );
    return rows.map(toRow);
  }

  /** The current revisions of an episode's responses, by answer date. */
  async listCurrentForEpisode(scope: UnitScope, episodeId: string): Promise<ResponseRow[]> {
    const rows = await this.db.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE ${VISIBLE} AND r.episode_id = $3 AND r.is_current ORDER BY r.answered_on, i.code`,
      [scope.municipalityId, scope.likePatterns, episodeId],
    );
    return rows.map(toRow);
  }

  /** Instruments with a current response at an occasion, and the date each was answered. */
  async listCurrentAtOccasion(occasionId: string): Promise<{ instrumentId: string; answeredOn: IsoDate }[]> {
    const rows = await this.db.query(`SELECT instrument_id, answered_on::text AS answered_on FROM response WHERE occasion_id = $1 AND is_current`, [
      occasionId,
    ]);
    return rows.map((r: any) => ({ instrumentId: r.instrument_id, answeredOn: r.answered_on }));
  }

  /** Takes a revision out of the current set (a correction inserts its successor in the same transaction). */
  async markSuperseded(id: string): Promise<void> {
    await this.db.query(`UPDATE response SET is_current = false WHERE id = $1 AND is_current`, [id]);
  }

  /**
   * Marks an occasion done on `doneOn` (or moves its done date after a correction). Missed and cancelled
   * occasions are left alone: they never take responses.
   */
  async markOccasionDone(occasionId: string, doneOn: IsoDate): Promise<void> {
    await this.db.query(
      `UPDATE occasion SET state = 'done', done_on = $2, updated_at = now()
        WHERE id = $1 AND state NOT IN ('missed', 'cancelled') AND (state <> 'done' OR done_on IS DISTINCT FROM $2::date)`,
      [occasionId, doneOn],
    );
  }

  async listAnswers(responseIds: string[]): Promise<Map<string, StoredAnswer[]>> {
    const map = new Map<string, StoredAnswer[]>(responseIds.map((id) => [id, []]));
    if (responseIds.length === 0) return map;
    const rows = await this.db.query(
      `SELECT response_id, item_id, value_numeric, value_text FROM response_answer WHERE response_id = ANY($1) ORDER BY response_id, item_id`,
      [responseIds],
    );
    for (const r of rows) map.get(r.response_id)!.push({ itemId: r.item_id, valueNumeric: num(r.value_numeric), valueText: r.value_text });
    return map;
  }

  async listScaleScores(responseIds: string[]): Promise<Map<string, StoredScaleScore[]>> {
    const map = new Map<string, StoredScaleScore[]>(responseIds.map((id) => [id, []]));
    if (responseIds.length === 0) return map;
    const rows = returnedRows<Record<string, any>>(
      await this.db.query(
        `SELECT response_id, scale_id, raw, valid, invalid_reason, band, is_case, prorated FROM scale_score WHERE response_id = ANY($1)`,
        [responseIds],
      ),
    );
    for (const r of rows) {
      map.get(r.response_id)!.push({
        scaleId: r.scale_id,
        raw: num(r.raw),
        valid: r.valid,
        invalidReason: r.invalid_reason,
        band: r.band,
        isCase: r.is_case,
        prorated: r.prorated,
      });
    }
    return map;
  }
}
