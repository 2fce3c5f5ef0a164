import type { EntityManager } from 'typeorm';
import type { RetentionRule, RetentionRunState } from '../entities/retention-run.entity.js';
import { returnedRows } from '../sql.js';

/** A client whose last entry lies before the cutoff (docs/retention.md). */
export interface RetentionCandidate {
  id: string;
  pseudonym: string;
  homeUnitId: string;
  identityKind: 'personnummer' | 'samordningsnummer' | null;
  identityCiphertext: Buffer | null;
  /** The Swedish calendar day of the last entry in the client's record. */
  lastEntry: string;
}

export interface RetentionRunRow {
  id: string;
  municipalityId: string;
  trigger: 'schedule' | 'manual';
  referenceDate: string;
  cutoffDate: string;
  rule: RetentionRule;
  state: RetentionRunState;
  expected: number;
  deleted: number;
  kept: number;
  keptByReason: Record<string, number>;
  skipped: number;
  heldByOpenEpisode: number;
  deletedRows: Record<string, number>;
  difference: number | null;
  remainingDue: number | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** Client-level tables in the order the job deletes from them (children first); `client` last. */
export const RETENTION_TABLES = [
  'response_answer',
  'scale_score',
  'response',
  'goal_attainment',
  'follow_up_note',
  'goal',
  'group_membership',
  'occasion',
  'aggregate_client_scale',
  'aggregate_client_episode',
  'aggregate_scope_state',
  'episode',
  'import_client_ref',
  'idempotency_record',
  'client',
] as const;
export type RetentionTable = (typeof RETENTION_TABLES)[number];

const sv = (column: string) => `(${column} AT TIME ZONE 'Europe/Stockholm')::date`;

/**
 * The last entry in client `c`'s record, as a Swedish calendar day: the latest date a person wrote
 * into it. GREATEST ignores NULLs. Planned dates (due dates, goal target dates) are not entries, and
 * occasion.updated_at only counts for a missed occasion (the nightly schedule job touches the others).
 */
const LAST_ENTRY = `GREATEST(
  ${sv('c.created_at')}, ${sv('c.updated_at')},
  (SELECT max(GREATEST(e.start_date, e.close_date, ${sv('e.created_at')})) FROM episode e WHERE e.client_id = c.id),
  (SELECT max(GREATEST(o.done_on, CASE WHEN o.state = 'missed' THEN ${sv('o.updated_at')} END))
     FROM occasion o JOIN episode e ON e.id = o.episode_id WHERE e.client_id = c.id),
  (SELECT max(GREATEST(r.answered_on, ${sv('r.recorded_at')})) FROM response r WHERE r.client_id = c.id),
  (SELECT max(${sv('g.created_at')}) FROM goal g JOIN episode e ON e.id = g.episode_id WHERE e.client_id = c.id),
  (SELECT max(${sv('ga.recorded_at')}) FROM goal_attainment ga JOIN occasion o ON o.id = ga.occasion_id
     JOIN episode e ON e.id = o.episode_id WHERE e.client_id = c.id),
  (SELECT max(GREATEST(n.held_on, ${sv('n.created_at')})) FROM follow_up_note n JOIN occasion o ON o.id = n.occasion_id
     JOIN episode e ON e.id = o.episode_id WHERE e.client_id = c.id),
  (SELECT max(GREATEST(gm.joined_on, gm.left_on)) FROM group_membership gm JOIN episode e ON e.id = gm.episode_id WHERE e.client_id = c.id)
)`;

const OPEN_EPISODE = `EXISTS (SELECT 1 FROM episode e WHERE e.client_id = c.id AND e.close_date IS NULL)`;

function affected(result: unknown): number {
  return Array.isArray(result) && result.length === 2 && typeof result[1] === 'number' ? result[1] : 0;
}

function toRun(r: Record<string, any>): RetentionRunRow {
  return {
    id: r.id,
    municipalityId: r.municipality_id,
    trigger: r.trigger,
    referenceDate: r.reference_date,
    cutoffDate: r.cutoff_date,
    rule: r.rule,
    state: r.state,
    expected: r.expected,
    deleted: r.deleted,
    kept: r.kept,
    keptByReason: r.kept_by_reason,
    skipped: r.skipped,
    heldByOpenEpisode: r.held_by_open_episode,
    deletedRows: r.deleted_rows,
    difference: r.difference,
    remainingDue: r.remaining_due,
    error: r.error,
    startedAt: new Date(r.started_at).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
  };
}

const RUN_COLUMNS = `id, municipality_id, trigger, reference_date::text AS reference_date, cutoff_date::text AS cutoff_date, rule, state,
  expected, deleted, kept, kept_by_reason, skipped, held_by_open_episode, deleted_rows, difference, remaining_due, error, started_at, finished_at`;

/**
 * Retention (gallring): finds clients whose record is due for deletion and deletes everything
 * client-level about them. Not unit-scoped: it is a system job over a whole municipality, and its
 * API report shows counts only. Aggregate tables and audit_event are never written here, except the
 * one `delete` audit event per deleted client.
 */
export class RetentionRepository {
  constructor(private readonly db: EntityManager) {}

  async listMunicipalities(only?: string): Promise<{ id: string; code: string; name: string }[]> {
    return this.db.query(`SELECT id, code, name FROM municipality WHERE $1::uuid IS NULL OR id = $1 ORDER BY code`, [only ?? null]);
  }

  /** Clients whose last entry is before `cutoff` and who have no open episode, oldest first. */
  async listDueClients(municipalityId: string, cutoff: string): Promise<RetentionCandidate[]> {
    const rows = await this.db.query(
      `SELECT x.id, x.pseudonym, x.home_unit_id, x.identity_kind, x.identity_ciphertext, x.last_entry::text AS last_entry FROM (
         SELECT c.id, c.pseudonym, c.home_unit_id, c.identity_kind, c.identity_ciphertext, ${LAST_ENTRY} AS last_entry
           FROM client c WHERE c.municipality_id = $1 AND NOT ${OPEN_EPISODE}) x
        WHERE x.last_entry < $2::date ORDER BY x.last_entry, x.pseudonym`,
      [municipalityId, cutoff],
    );
    return rows.map((r: Record<string, any>) => ({
      id: r.id,
      pseudonym: r.pseudonym,
      homeUnitId: r.home_unit_id,
      identityKind: r.identity_kind,
      identityCiphertext: r.identity_ciphertext,
      lastEntry: r.last_entry,
    }));
  }

  /** Clients whose last entry is before `cutoff` but who still have an open episode (not due; worth a look). */
  async countHeldByOpenEpisode(municipalityId: string, cutoff: string): Promise<number> {
    const [r] = await this.db.query(
      `SELECT count(*)::int AS n FROM client c WHERE c.municipality_id = $1 AND ${OPEN_EPISODE} AND ${LAST_ENTRY} < $2::date`,
      [municipalityId, cutoff],
    );
    return r.n;
  }

  /** Rows each client-level table holds for these clients (the dry run's "what would be deleted"). */
  async countRows(municipalityId: string, clientIds: string[]): Promise<Record<RetentionTable, number>> {
    const [r] = await this.db.query(
      `WITH ep AS (SELECT id FROM episode WHERE municipality_id = $1 AND client_id = ANY($2::uuid[])),
            oc AS (SELECT id FROM occasion WHERE episode_id IN (SELECT id FROM ep)),
            re AS (SELECT id FROM response WHERE municipality_id = $1 AND client_id = ANY($2::uuid[]))
       SELECT (SELECT count(*) FROM response_answer WHERE response_id IN (SELECT id FROM re))::int AS response_answer,
              (SELECT count(*) FROM scale_score WHERE response_id IN (SELECT id FROM re))::int AS scale_score,
              (SELECT count(*) FROM re)::int AS response,
              (SELECT count(*) FROM goal_attainment WHERE occasion_id IN (SELECT id FROM oc)
                 OR goal_id IN (SELECT id FROM goal WHERE episode_id IN (SELECT id FROM ep)))::int AS goal_attainment,
              (SELECT count(*) FROM follow_up_note WHERE occasion_id IN (SELECT id FROM oc))::int AS follow_up_note,
              (SELECT count(*) FROM goal WHERE episode_id IN (SELECT id FROM ep))::int AS goal,
              (SELECT count(*) FROM group_membership WHERE episode_id IN (SELECT id FROM ep))::int AS group_membership,
              (SELECT count(*) FROM oc)::int AS occasion,
              (SELECT count(*) FROM aggregate_client_scale WHERE municipality_id = $1 AND client_id = ANY($2::uuid[]))::int AS aggregate_client_scale,
              (SELECT count(*) FROM aggregate_client_episode WHERE municipality_id = $1 AND client_id = ANY($2::uuid[]))::int AS aggregate_client_episode,
              (SELECT count(*) FROM aggregate_scope_state WHERE scope_key = ANY(ARRAY(SELECT 'client:' || unnest($2::uuid[])::text)))::int AS aggregate_scope_state,
              (SELECT count(*) FROM ep)::int AS episode,
              (SELECT count(*) FROM import_client_ref WHERE municipality_id = $1 AND client_id = ANY($2::uuid[]))::int AS import_client_ref,
              (SELECT count(*) FROM idempotency_record WHERE response_body->>'clientId' = ANY($2::text[]))::int AS idempotency_record,
              cardinality($2::uuid[]) AS client`,
      [municipalityId, clientIds],
    );
    return r;
  }

  /**
   * Locks these clients and returns those still due (a client may have got a new entry, or an episode,
   * since the run was planned). Locking the client row makes a concurrent write to it wait or fail.
   */
  async lockStillDue(municipalityId: string, clientIds: string[], cutoff: string): Promise<{ id: string; pseudonym: string; homeUnitId: string }[]> {
    const locked: { id: string }[] = await this.db.query(
      `SELECT id FROM client WHERE municipality_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
      [municipalityId, clientIds],
    );
    if (locked.length === 0) return [];
    const rows = await this.db.query(
      `SELECT c.id, c.pseudonym, c.home_unit_id FROM client c
        WHERE c.municipality_id = $1 AND c.id = ANY($2::uuid[]) AND NOT ${OPEN_EPISODE} AND ${LAST_ENTRY} < $3::date`,
      [municipalityId, locked.map((l) => l.id), cutoff],
    );
    return rows.map((r: Record<string, any>) => ({ id: r.id, pseudonym: r.pseudonym, homeUnitId: r.home_unit_id }));
  }

  /**
   * Deletes everything client-level about these clients, children before parents, including the
   * per-client (level-1) aggregate rows and the client's recompute state: they hold client ids, sex,
   * age band and scores, so they are individual-level data and go with the record. Group figures
   * (level 2) are anonymous and stay; their next recompute no longer counts the deleted clients.
   * Idempotency records are matched by the client id their stored response carries.
   */
  async deleteClients(municipalityId: string, clientIds: string[]): Promise<Record<RetentionTable, number>> {
    const p = [municipalityId, clientIds];
    const ep = `SELECT id FROM episode WHERE municipality_id = $1 AND client_id = ANY($2::uuid[])`;
    const oc = `SELECT o.id FROM occasion o WHERE o.episode_id IN (${ep})`;
    const re = `SELECT id FROM response WHERE municipality_id = $1 AND client_id = ANY($2::uuid[])`;
    const counts = {} as Record<RetentionTable, number>;
    const run = async (table: RetentionTable, sql: string, params: unknown[] = p) => {
      counts[table] = (counts[table] ?? 0) + affected(await this.db.query(sql, params));
    };
    await run('response_answer', `DELETE FROM response_answer WHERE response_id IN (${re})`);
    await run('scale_score', `DELETE FROM scale_score WHERE response_id IN (${re})`);
    // Revisions point at the ones they supersede; one statement removes the whole chain.
    await run('response', `DELETE FROM response WHERE municipality_id = $1 AND client_id = ANY($2::uuid[])`);
    await run('goal_attainment', `DELETE FROM goal_attainment WHERE occasion_id IN (${oc}) OR goal_id IN (SELECT id FROM goal WHERE episode_id IN (${ep}))`);
    await run('follow_up_note', `DELETE FROM follow_up_note WHERE occasion_id IN (${oc})`);
    await run('goal', `DELETE FROM goal WHERE episode_id IN (${ep})`);
    await run('group_membership', `DELETE FROM group_membership WHERE episode_id IN (${ep})`);
    await run('occasion', `DELETE FROM occasion WHERE episode_id IN (${ep})`);
    await run('aggregate_client_scale', `DELETE FROM aggregate_client_scale WHERE municipality_id = $1 AND client_id = ANY($2::uuid[])`);
    await run('aggregate_client_episode', `DELETE FROM aggregate_client_episode WHERE municipality_id = $1 AND client_id = ANY($2::uuid[])`);
    await run('aggregate_scope_state', `DELETE FROM aggregate_scope_state WHERE scope_key = ANY($1::text[])`, [clientIds.map((id) => `client:${id}`)]);
    await run('episode', `DELETE FROM episode WHERE municipality_id = $1 AND client_id = ANY($2::uuid[])`);
    await run('import_client_ref', `DELETE FROM import_client_ref WHERE municipality_id = $1 AND client_id = ANY($2::uuid[])`);
    await run('idempotency_record', `DELETE FROM idempotency_record WHERE response_body->>'clientId' = ANY($1::text[])`, [clientIds]);
    await run('client', `DELETE FROM client WHERE municipality_id = $1 AND id = ANY($2::uuid[])`);
    return counts;
  }

  /** One `delete` audit event per deleted client: no actor (the system), purpose administration, the pseudonym kept. */
  async recordDeletions(municipalityId: string, clients: { id: string; pseudonym: string; homeUnitId: string }[], requestId: string): Promise<void> {
    if (clients.length === 0) return;
    await this.db.query(
      `INSERT INTO audit_event (municipality_id, actor_user_id, actor_role, org_unit_id, client_id, client_pseudonym, action, resource, purpose, request_id)
       SELECT $1, NULL, NULL, u.unit_id, u.client_id, u.pseudonym, 'delete', 'client', 'administration', $5
         FROM unnest($2::uuid[], $3::text[], $4::uuid[]) AS u(client_id, pseudonym, unit_id)`,
      [municipalityId, clients.map((c) => c.id), clients.map((c) => c.pseudonym), clients.map((c) => c.homeUnitId), requestId],
    );
  }

  /** Runs left 'running' by a crashed process (the caller holds the run lock, so none is really running). */
  async abandonRunning(): Promise<number> {
    return affected(
      await this.db.query(`UPDATE retention_run SET state = 'abandoned', finished_at = now(), error = 'process ended before the run finished' WHERE state = 'running'`),
    );
  }

  async insertRun(r: {
    municipalityId: string;
    trigger: 'schedule' | 'manual';
    referenceDate: string;
    cutoffDate: string;
    rule: RetentionRule;
    expected: number;
    kept: number;
    keptByReason: Record<string, number>;
    heldByOpenEpisode: number;
  }): Promise<string> {
    const [row] = await this.db.query(
      `INSERT INTO retention_run (municipality_id, trigger, reference_date, cutoff_date, rule, expected, kept, kept_by_reason, held_by_open_episode)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8::jsonb, $9) RETURNING id`,
      [r.municipalityId, r.trigger, r.referenceDate, r.cutoffDate, JSON.stringify(r.rule), r.expected, r.kept, JSON.stringify(r.keptByReason), r.heldByOpenEpisode],
    );
    return row.id;
  }

  /** Adds one committed batch to the run (in the batch's transaction, so the counts never run ahead of the data). */
  async addBatch(runId: string, deleted: number, skipped: number, rows: Record<string, number>): Promise<void> {
    await this.db.query(
      `UPDATE retention_run SET deleted = deleted + $2, skipped = skipped + $3,
         deleted_rows = (SELECT coalesce(jsonb_object_agg(k, coalesce((deleted_rows->>k)::int, 0) + coalesce((($4::jsonb)->>k)::int, 0)), '{}'::jsonb)
                           FROM (SELECT jsonb_object_keys(deleted_rows || $4::jsonb) AS k) keys)
        WHERE id = $1`,
      [runId, deleted, skipped, JSON.stringify(rows)],
    );
  }

  async finishRun(runId: string, remainingDue: number): Promise<RetentionRunRow> {
    const rows = returnedRows<Record<string, any>>(
      await this.db.query(
        `UPDATE retention_run SET state = 'succeeded', finished_at = now(), difference = expected - deleted - kept, remaining_due = $2
          WHERE id = $1 RETURNING ${RUN_COLUMNS}`,
        [runId, remainingDue],
      ),
    );
    return toRun(rows[0]!);
  }

  async failRun(runId: string, error: string): Promise<void> {
    await this.db.query(`UPDATE retention_run SET state = 'failed', finished_at = now(), difference = expected - deleted - kept, error = $2 WHERE id = $1 AND state = 'running'`, [
      runId,
      error.slice(0, 2000),
    ]);
  }

  /** The municipality's runs, newest first. */
  async listRuns(municipalityId: string, limit: number): Promise<RetentionRunRow[]> {
    const rows = await this.db.query(`SELECT ${RUN_COLUMNS} FROM retention_run WHERE municipality_id = $1 ORDER BY started_at DESC, id LIMIT $2`, [
      municipalityId,
      limit,
    ]);
    return rows.map(toRun);
  }
}
