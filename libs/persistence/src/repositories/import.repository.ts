import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';
import type { EpisodeCloseReason, IsoDate, OccasionKind, OccasionState, Sex } from '#domain';
import type { UnitScope } from '#access';
import type { ImportFormat, ImportJobPhase, ImportJobState } from '../entities/import-job.entity.js';
import { returnedRows } from '../sql.js';

export interface ImportRowError {
  row: number;
  column: string;
  reason: { sv: string; en: string };
}

export interface ImportJobRow {
  id: string;
  municipalityId: string;
  orgUnitId: string;
  createdBy: string;
  dryRun: boolean;
  format: ImportFormat;
  fileSha256: string;
  fileSize: number;
  state: ImportJobState;
  phase: ImportJobPhase | null;
  rowsTotal: number;
  rowsProcessed: number;
  rowsImported: number;
  rowsFailed: number;
  errorCount: number;
  errors: ImportRowError[];
  result: Record<string, unknown>;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const JOB_COLUMNS = `j.id, j.municipality_id, j.org_unit_id, j.created_by, j.dry_run, j.format, j.file_sha256, j.file_size, j.state, j.phase,
  j.rows_total, j.rows_processed, j.rows_imported, j.rows_failed, j.error_count, j.errors, j.result, j.attempts, j.created_at, j.started_at, j.finished_at`;

function toJob(r: Record<string, any>): ImportJobRow {
  return {
    id: r.id,
    municipalityId: r.municipality_id,
    orgUnitId: r.org_unit_id,
    createdBy: r.created_by,
    dryRun: r.dry_run,
    format: r.format,
    fileSha256: r.file_sha256,
    fileSize: r.file_size,
    state: r.state,
    phase: r.phase,
    rowsTotal: r.rows_total,
    rowsProcessed: r.rows_processed,
    rowsImported: r.rows_imported,
    rowsFailed: r.rows_failed,
    errorCount: r.error_count,
    errors: r.errors,
    result: r.result,
    attempts: r.attempts,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

export interface ImportedClientRow {
  id: string;
  pseudonym: string;
  homeUnitId: string;
  sex: Sex;
  identityIndex: string | null;
  /** False when the client exists but lies outside the scope (it may not be used). */
  visible: boolean;
}

export interface ImportEpisodeRow {
  id: string;
  clientId: string;
  methodId: string;
  orgUnitId: string;
  planId: string;
  startDate: IsoDate;
  closeDate: IsoDate | null;
  closeReason: EpisodeCloseReason | null;
}

/** Escapes one value for COPY's text format (\N is NULL). */
function copyText(value: string | number | boolean | null): string {
  if (value === null) return '\\N';
  const s = String(value);
  return /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
}

/** Rows as COPY text, produced in chunks so a million answers never become one giant string. */
function* copyLines(rows: Iterable<(string | number | boolean | null)[]>): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += row.map(copyText).join('\t') + '\n';
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/**
 * Import jobs and the set-based writes of a bulk import: every write is one statement per table
 * (multi-row INSERT … SELECT unnest(…), or COPY for the answer and score rows), never one per row.
 * Natural keys make a re-run add nothing: client reference, episode (client, method, start),
 * occasion (episode, kind, sequence), response (occasion, instrument).
 */
export class ImportRepository {
  constructor(private readonly db: EntityManager) {}

  async createJob(
    scope: UnitScope,
    j: { orgUnitId: string; createdBy: string; dryRun: boolean; format: ImportFormat; sha256: string; content: Buffer },
  ): Promise<ImportJobRow> {
    const rows = await this.db.query(
      `INSERT INTO import_job (municipality_id, org_unit_id, created_by, dry_run, format, file_sha256, file_size, file_content)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${JOB_COLUMNS.replace(/j\./g, '')}`,
      [scope.municipalityId, j.orgUnitId, j.createdBy, j.dryRun, j.format, j.sha256, j.content.length, j.content],
    );
    return toJob(rows[0]);
  }

  /** A job whose unit lies in scope. */
  async findJobInScope(scope: UnitScope, id: string): Promise<ImportJobRow | null> {
    const rows = await this.db.query(
      `SELECT ${JOB_COLUMNS} FROM import_job j JOIN org_unit u ON u.id = j.org_unit_id
        WHERE j.municipality_id = $1 AND u.path LIKE ANY($2) AND j.id = $3`,
      [scope.municipalityId, scope.likePatterns, id],
    );
    return rows[0] ? toJob(rows[0]) : null;
  }

  /** Whether a real import of the same file into the same unit has already succeeded (shown in the result). */
  async findSucceededWithHash(municipalityId: string, orgUnitId: string, sha256: string, exceptId: string): Promise<string | null> {
    const rows = await this.db.query(
      `SELECT id FROM import_job WHERE municipality_id = $1 AND org_unit_id = $2 AND file_sha256 = $3 AND NOT dry_run
          AND state = 'succeeded' AND id <> $4 ORDER BY finished_at LIMIT 1`,
      [municipalityId, orgUnitId, sha256, exceptId],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Marks a queued (or interrupted running) job running and returns it with its file; null when it
   * has already ended (a retried queue job then does nothing).
   */
  async startJob(id: string): Promise<(ImportJobRow & { fileContent: Buffer }) | null> {
    const rows = returnedRows<Record<string, any>>(
      await this.db.query(
        `UPDATE import_job j SET state = 'running', phase = 'parsing', attempts = attempts + 1, started_at = coalesce(started_at, now()),
                rows_processed = 0
          WHERE j.id = $1 AND j.state IN ('queued', 'running') AND j.file_content IS NOT NULL
          RETURNING ${JOB_COLUMNS}, j.file_content`,
        [id],
      ),
    );
    return rows[0] ? { ...toJob(rows[0]), fileContent: rows[0].file_content } : null;
  }

  async progress(id: string, p: { phase?: ImportJobPhase; rowsTotal?: number; rowsProcessed?: number }): Promise<void> {
    await this.db.query(
      `UPDATE import_job SET phase = coalesce($2, phase), rows_total = coalesce($3, rows_total), rows_processed = coalesce($4, rows_processed)
        WHERE id = $1 AND state = 'running'`,
      [id, p.phase ?? null, p.rowsTotal ?? null, p.rowsProcessed ?? null],
    );
  }

  /** Ends a job: counts, the first errors, the result; the file is dropped in the same statement. */
  async finishJob(
    id: string,
    f: { state: 'succeeded' | 'failed'; rowsTotal: number; rowsImported: number; rowsFailed: number; errorCount: number; errors: ImportRowError[]; result: Record<string, unknown> },
  ): Promise<void> {
    await this.db.query(
      `UPDATE import_job SET state = $2, phase = NULL, rows_total = $3, rows_processed = $3, rows_imported = $4, rows_failed = $5,
              error_count = $6, errors = $7::jsonb, result = $8::jsonb, finished_at = now(), file_content = NULL
        WHERE id = $1`,
      [id, f.state, f.rowsTotal, f.rowsImported, f.rowsFailed, f.errorCount, JSON.stringify(f.errors), JSON.stringify(f.result)],
    );
  }

  /**
   * Serialises imports per municipality until the transaction ends: natural-key look-ups and
   * inserts of two imports must not interleave (pseudonyms, episodes without a unique key).
   */
  async lockMunicipality(scope: UnitScope): Promise<void> {
    await this.db.query(`SELECT pg_advisory_xact_lock(7367878, hashtext($1))`, [scope.municipalityId]);
  }

  /** Unit code → id for the units below (and including) `unitPath` that lie in scope. */
  async unitCodesUnder(scope: UnitScope, unitPath: string): Promise<Map<string, string>> {
    const rows = await this.db.query(
      `SELECT code, id FROM org_unit WHERE municipality_id = $1 AND path LIKE ANY($2) AND path LIKE $3`,
      [scope.municipalityId, scope.likePatterns, `${unitPath}%`],
    );
    return new Map(rows.map((r: { code: string; id: string }) => [r.code, r.id]));
  }

  private async clientsBy(scope: UnitScope, join: string, keys: string[]): Promise<Map<string, ImportedClientRow>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db.query(
      `SELECT k.key, c.id, c.pseudonym, c.home_unit_id, c.sex, c.identity_blind_index,
              (EXISTS (SELECT 1 FROM org_unit hu WHERE hu.id = c.home_unit_id AND hu.path LIKE ANY($2))
               OR EXISTS (SELECT 1 FROM episode e JOIN org_unit eu ON eu.id = e.org_unit_id WHERE e.client_id = c.id AND eu.path LIKE ANY($2))) AS visible
         FROM unnest($3::text[]) AS k(key) ${join}
        WHERE c.municipality_id = $1`,
      [scope.municipalityId, scope.likePatterns, keys],
    );
    return new Map(
      rows.map((r: Record<string, any>) => [
        r.key,
        { id: r.id, pseudonym: r.pseudonym, homeUnitId: r.home_unit_id, sex: r.sex, identityIndex: r.identity_blind_index, visible: r.visible },
      ]),
    );
  }

  /** Clients imported before under these reference indexes. */
  async clientsByRefIndex(scope: UnitScope, refIndexes: string[]): Promise<Map<string, ImportedClientRow>> {
    return this.clientsBy(
      scope,
      `JOIN import_client_ref r ON r.municipality_id = $1 AND r.ref_index = k.key JOIN client c ON c.id = r.client_id`,
      refIndexes,
    );
  }

  /** Clients of the municipality with these personnummer blind indexes. */
  async clientsByIdentityIndex(scope: UnitScope, identityIndexes: string[]): Promise<Map<string, ImportedClientRow>> {
    return this.clientsBy(scope, `JOIN client c ON c.municipality_id = $1 AND c.identity_blind_index = k.key`, identityIndexes);
  }

  /** Every episode of these (visible) clients. */
  async episodesOfClients(scope: UnitScope, clientIds: string[]): Promise<ImportEpisodeRow[]> {
    if (clientIds.length === 0) return [];
    const rows = await this.db.query(
      `SELECT id, client_id, method_id, org_unit_id, plan_id, start_date::text AS start_date, close_date::text AS close_date, close_reason
         FROM episode WHERE municipality_id = $1 AND client_id = ANY($2::uuid[])`,
      [scope.municipalityId, clientIds],
    );
    return rows.map((r: Record<string, any>) => ({
      id: r.id,
      clientId: r.client_id,
      methodId: r.method_id,
      orgUnitId: r.org_unit_id,
      planId: r.plan_id,
      startDate: r.start_date,
      closeDate: r.close_date,
      closeReason: r.close_reason,
    }));
  }

  /** Reserves `count` consecutive pseudonym numbers in one statement; returns the formatted pseudonyms. */
  async reservePseudonyms(scope: UnitScope, count: number): Promise<string[]> {
    if (count === 0) return [];
    const rows = returnedRows<{ first: number; prefix: string }>(
      await this.db.query(
        `UPDATE municipality SET next_client_number = next_client_number + $2 WHERE id = $1
         RETURNING next_client_number - $2 AS first, client_code_prefix AS prefix`,
        [scope.municipalityId, count],
      ),
    );
    const { first, prefix } = rows[0]!;
    return Array.from({ length: count }, (_, i) => `${prefix}-${String(first + i).padStart(6, '0')}`);
  }

  async insertClients(
    scope: UnitScope,
    clients: { id: string; pseudonym: string; homeUnitId: string; birthYear: number | null; sex: Sex; identityKind: string | null; identityCiphertext: Buffer | null; identityBlindIndex: string | null }[],
  ): Promise<void> {
    if (clients.length === 0) return;
    await this.db.query(
      `INSERT INTO client (id, municipality_id, pseudonym, home_unit_id, birth_year, sex, identity_kind, identity_ciphertext, identity_blind_index)
       SELECT id, $1, pseudonym, home_unit_id, birth_year, sex, identity_kind, identity_ciphertext, identity_blind_index
         FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::int[], $6::text[], $7::text[], $8::bytea[], $9::text[])
           AS t(id, pseudonym, home_unit_id, birth_year, sex, identity_kind, identity_ciphertext, identity_blind_index)`,
      [
        scope.municipalityId,
        clients.map((c) => c.id),
        clients.map((c) => c.pseudonym),
        clients.map((c) => c.homeUnitId),
        clients.map((c) => c.birthYear),
        clients.map((c) => c.sex),
        clients.map((c) => c.identityKind),
        clients.map((c) => c.identityCiphertext),
        clients.map((c) => c.identityBlindIndex),
      ],
    );
  }

  /** Records reference → client for new references (an existing mapping is kept). Returns how many were new. */
  async insertClientRefs(scope: UnitScope, refs: { refIndex: string; clientId: string }[]): Promise<number> {
    if (refs.length === 0) return 0;
    const rows = await this.db.query(
      `INSERT INTO import_client_ref (municipality_id, ref_index, client_id)
       SELECT $1, unnest($2::text[]), unnest($3::uuid[]) ON CONFLICT DO NOTHING RETURNING ref_index`,
      [scope.municipalityId, refs.map((r) => r.refIndex), refs.map((r) => r.clientId)],
    );
    return rows.length;
  }

  async insertEpisodes(
    scope: UnitScope,
    episodes: { id: string; clientId: string; methodId: string; orgUnitId: string; planId: string; caseworkerUserId: string; startDate: IsoDate; closeDate: IsoDate | null; closeReason: string | null }[],
  ): Promise<void> {
    if (episodes.length === 0) return;
    await this.db.query(
      `INSERT INTO episode (id, municipality_id, client_id, method_id, org_unit_id, plan_id, caseworker_user_id, start_date, close_date, close_reason)
       SELECT id, $1, client_id, method_id, org_unit_id, plan_id, caseworker_user_id, start_date, close_date, close_reason
         FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::uuid[], $8::date[], $9::date[], $10::text[])
           AS t(id, client_id, method_id, org_unit_id, plan_id, caseworker_user_id, start_date, close_date, close_reason)`,
      [
        scope.municipalityId,
        episodes.map((e) => e.id),
        episodes.map((e) => e.clientId),
        episodes.map((e) => e.methodId),
        episodes.map((e) => e.orgUnitId),
        episodes.map((e) => e.planId),
        episodes.map((e) => e.caseworkerUserId),
        episodes.map((e) => e.startDate),
        episodes.map((e) => e.closeDate),
        episodes.map((e) => e.closeReason),
      ],
    );
  }

  /**
   * Adds the occasions that do not exist yet and returns the id of every one asked for (new or
   * existing), with whether this statement inserted it.
   */
  async upsertOccasions(
    scope: UnitScope,
    occasions: { episodeId: string; kind: OccasionKind; seq: number; dueDate: IsoDate; windowStart: IsoDate; windowEnd: IsoDate; state: OccasionState; doneOn: IsoDate | null; missedReason: string | null }[],
  ): Promise<{ id: string; episodeId: string; kind: OccasionKind; seq: number; inserted: boolean }[]> {
    if (occasions.length === 0) return [];
    // The outer SELECT reads the snapshot from before the INSERT, so "existing" and "inserted" never overlap.
    const rows = await this.db.query(
      `WITH input AS (
         SELECT * FROM unnest($2::uuid[], $3::text[], $4::int[], $5::date[], $6::date[], $7::date[], $8::text[], $9::date[], $10::text[])
           AS t(episode_id, kind, seq, due_date, window_start, window_end, state, done_on, missed_reason)
       ), inserted AS (
         INSERT INTO occasion (municipality_id, episode_id, kind, seq, due_date, window_start, window_end, state, done_on, missed_reason)
         SELECT $1, episode_id, kind, seq, due_date, window_start, window_end, state, done_on, missed_reason FROM input
         ON CONFLICT (episode_id, kind, seq) DO NOTHING
         RETURNING id, episode_id, kind, seq
       )
       SELECT id, episode_id, kind, seq, true AS inserted FROM inserted
       UNION ALL
       SELECT o.id, o.episode_id, o.kind, o.seq, false FROM occasion o JOIN input i ON o.episode_id = i.episode_id AND o.kind = i.kind AND o.seq = i.seq`,
      [
        scope.municipalityId,
        occasions.map((o) => o.episodeId),
        occasions.map((o) => o.kind),
        occasions.map((o) => o.seq),
        occasions.map((o) => o.dueDate),
        occasions.map((o) => o.windowStart),
        occasions.map((o) => o.windowEnd),
        occasions.map((o) => o.state),
        occasions.map((o) => o.doneOn),
        occasions.map((o) => o.missedReason),
      ],
    );
    return rows.map((r: Record<string, any>) => ({ id: r.id, episodeId: r.episode_id, kind: r.kind, seq: r.seq, inserted: r.inserted }));
  }

  /** Existing open (or missed) occasions that now have a response become done on its date. */
  async markOccasionsDone(occasions: { id: string; doneOn: IsoDate }[]): Promise<number> {
    if (occasions.length === 0) return 0;
    const rows = returnedRows(
      await this.db.query(
        `UPDATE occasion o SET state = 'done', done_on = t.done_on, missed_reason = NULL, updated_at = now()
           FROM unnest($1::uuid[], $2::date[]) AS t(id, done_on)
          WHERE o.id = t.id AND o.state IN ('planned', 'due', 'overdue', 'missed')
          RETURNING o.id`,
        [occasions.map((o) => o.id), occasions.map((o) => o.doneOn)],
      ),
    );
    return rows.length;
  }

  /** Inserts responses that have no current one for their occasion and instrument; returns the ids inserted. */
  async insertResponses(
    scope: UnitScope,
    responses: { id: string; occasionId: string; episodeId: string; clientId: string; instrumentId: string; versionId: string; answeredOn: IsoDate; respondent: string }[],
    recordedBy: string,
  ): Promise<Set<string>> {
    if (responses.length === 0) return new Set();
    const rows = await this.db.query(
      `INSERT INTO response (id, municipality_id, occasion_id, episode_id, client_id, instrument_id, instrument_version_id, answered_on, respondent, mode, recorded_by)
       SELECT id, $1, occasion_id, episode_id, client_id, instrument_id, version_id, answered_on, respondent, 'imported', $2
         FROM unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::uuid[], $8::uuid[], $9::date[], $10::text[])
           AS t(id, occasion_id, episode_id, client_id, instrument_id, version_id, answered_on, respondent)
       ON CONFLICT (occasion_id, instrument_id) WHERE is_current DO NOTHING
       RETURNING id`,
      [
        scope.municipalityId,
        recordedBy,
        responses.map((r) => r.id),
        responses.map((r) => r.occasionId),
        responses.map((r) => r.episodeId),
        responses.map((r) => r.clientId),
        responses.map((r) => r.instrumentId),
        responses.map((r) => r.versionId),
        responses.map((r) => r.answeredOn),
        responses.map((r) => r.respondent),
      ],
    );
    return new Set(rows.map((r: { id: string }) => r.id));
  }

  /** COPY FROM STDIN on the transaction's own connection. */
  private async copy(sql: string, rows: Iterable<(string | number | boolean | null)[]>): Promise<void> {
    const runner = this.db.queryRunner;
    if (!runner) throw new Error('COPY needs a transaction (EntityManager with a query runner)');
    const client = await runner.connect();
    await pipeline(Readable.from(copyLines(rows)), client.query(copyFrom(sql)));
  }

  /** Item answers of new responses (COPY: their ids are fresh, so nothing can conflict). */
  async copyAnswers(answers: Iterable<[responseId: string, itemId: string, numeric: number | null, text: string | null]>): Promise<void> {
    await this.copy(`COPY response_answer (response_id, item_id, value_numeric, value_text) FROM STDIN`, answers);
  }

  /** Scale scores of new responses, computed in TypeScript. */
  async copyScaleScores(
    scores: Iterable<[responseId: string, scaleId: string, raw: number | null, valid: boolean, invalidReason: string | null, band: string | null, isCase: boolean | null, prorated: boolean]>,
  ): Promise<void> {
    await this.copy(`COPY scale_score (response_id, scale_id, raw, valid, invalid_reason, band, is_case, prorated) FROM STDIN`, scores);
  }
}
