import type { DataSource, EntityManager } from 'typeorm';
import { AGGREGATE_TABLES, type AggregateTables, recomputeClientLevel } from './client-level.js';
import { recomputeGroupLevel, type ScopeTarget } from './group-level.js';
import { loadRules } from './rules.js';
import { parseScopeKey } from './scope.js';
import { markComputed, readScopeState, requestScopes, type ScopeRequest } from './scope-state.js';

/** Advisory-lock classes: a rebuild holds its municipality exclusively, scope jobs share it and hold their scope. */
const LOCK_MUNICIPALITY = 7367900;
const LOCK_SCOPE = 7367901;

/** Enqueues "recompute scope past computed_seq N" jobs; the worker passes the JobProducer-backed one. */
export type ScopeEnqueuer = (requests: readonly ScopeRequest[]) => Promise<void>;

export interface Difference {
  table: string;
  key: string;
  side: 'stored_only' | 'fresh_only';
}

/** Today's date in Sweden, the reference date of periods (R12) and of "due so far". */
export function swedishToday(now = new Date()): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** SQL: a payload field as uuid, or NULL when absent or malformed (a bad row must not block the relay). */
export const uuidField = (payload: string, field: string) =>
  `(CASE WHEN ${payload}->>'${field}' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN (${payload}->>'${field}')::uuid END)`;

/**
 * The group scopes one or more clients' episodes fall in: every unit from the episode's unit up to the root,
 * the method, the groups and the municipality. From the source rows, or from the stored level-1 rows (where the
 * client was counted before this recompute, so a moved episode also leaves its old unit).
 */
export async function groupScopesOfClients(m: EntityManager, clientIds: readonly string[], from: 'source' | 'level1'): Promise<{ scopeKey: string; municipalityId: string }[]> {
  if (clientIds.length === 0) return [];
  const ep = from === 'source' ? 'episode' : 'aggregate_client_episode';
  const id = from === 'source' ? 'id' : 'episode_id';
  const rows: { k: string; municipality_id: string }[] = await m.query(
    `WITH e AS (SELECT ${id} AS episode_id, municipality_id, org_unit_id, method_id FROM ${ep} WHERE client_id = ANY($1))
     SELECT DISTINCT k, municipality_id FROM (
       SELECT 'unit:' || unnest(string_to_array(trim(BOTH '/' FROM u.path), '/')) AS k, e.municipality_id FROM e JOIN org_unit u ON u.id = e.org_unit_id
       UNION ALL SELECT 'method:' || e.method_id, e.municipality_id FROM e
       UNION ALL SELECT 'group:' || gm.group_id, e.municipality_id FROM e JOIN group_membership gm ON gm.episode_id = e.episode_id
       UNION ALL SELECT 'municipality:' || e.municipality_id, e.municipality_id FROM e) s`,
    [clientIds],
  );
  return rows.map((r) => ({ scopeKey: r.k, municipalityId: r.municipality_id }));
}

/** Every level-2 scope of a municipality: its units, methods, groups and itself. */
export async function allGroupScopes(m: EntityManager, municipalityId: string): Promise<string[]> {
  const rows: { k: string }[] = await m.query(
    `SELECT 'unit:' || id AS k FROM org_unit WHERE municipality_id = $1
     UNION ALL SELECT 'method:' || id FROM method WHERE municipality_id = $1
     UNION ALL SELECT 'group:' || id FROM client_group WHERE municipality_id = $1
     UNION ALL SELECT 'municipality:' || $1::text`,
    [municipalityId],
  );
  return rows.map((r) => r.k);
}

/**
 * Recomputes aggregates from source rows — never increments — so a job may run twice, or concurrently with
 * a rebuild, and the stored result is still the function of the source rows (docs/aggregation.md, consistency).
 */
export class AggregationEngine {
  constructor(
    private readonly ds: DataSource,
    private readonly enqueueScopes: ScopeEnqueuer,
    private readonly today: () => string = () => swedishToday(),
  ) {}

  enqueue(requests: readonly ScopeRequest[]): Promise<void> {
    return requests.length ? this.enqueueScopes(requests) : Promise.resolve();
  }

  /**
   * One scope job. Snapshots requested_seq before reading any source row, stores the result with computed_seq =
   * snapshot, and afterwards re-enqueues itself if requests arrived meanwhile; a client scope then requests (and
   * enqueues) the group scopes the client was and is counted in.
   */
  async recompute(municipalityId: string, key: string): Promise<'noop' | 'computed'> {
    const { kind, id } = parseScopeKey(key);
    let followUps: ScopeRequest[] = [];
    let snapshot: string | null = null;
    await this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock_shared(${LOCK_MUNICIPALITY}, hashtext($1)), pg_advisory_xact_lock(${LOCK_SCOPE}, hashtext($2))`, [
        municipalityId,
        key,
      ]);
      const st = await readScopeState(m, key);
      if (!st || BigInt(st.requestedSeq) <= BigInt(st.computedSeq)) return;
      snapshot = st.requestedSeq;
      await loadRules(m, municipalityId);
      if (kind === 'client') {
        const before = await groupScopesOfClients(m, [id], 'level1');
        await recomputeClientLevel(m, { kind: 'client', municipalityId, clientId: id });
        const after = await groupScopesOfClients(m, [id], 'source');
        followUps = await requestScopes(m, [...before, ...after].map((s) => ({ ...s, sourceAt: st.requestedSourceAt })));
      } else {
        await recomputeGroupLevel(m, municipalityId, this.today(), [{ scopeKey: key, seq: snapshot, sourceAt: st.requestedSourceAt }]);
      }
      await markComputed(m, key, snapshot, st.requestedSourceAt);
    });
    if (snapshot === null) return 'noop';
    await this.enqueue(followUps);
    const now = await readScopeState(this.ds.manager, key);
    if (now && BigInt(now.requestedSeq) > BigInt(now.computedSeq)) {
      await this.enqueue([{ scopeKey: key, municipalityId, computedSeq: now.computedSeq }]);
    }
    return 'computed';
  }

  /** Rebuilds every aggregate of a municipality from source rows in one transaction; pending requests stay pending. */
  async rebuild(municipalityId: string): Promise<{ scopes: number; ms: number }> {
    const started = Date.now();
    let scopes = 0;
    await this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(${LOCK_MUNICIPALITY}, hashtext($1))`, [municipalityId]);
      // One large set-based pass: hash aggregates in memory rather than spilling to disk (this transaction only).
      await m.query(`SET LOCAL work_mem = '256MB'`);
      const keys = await allGroupScopes(m, municipalityId);
      await m.query(
        `INSERT INTO aggregate_scope_state (scope_key, municipality_id) SELECT unnest($1::text[]), $2 ON CONFLICT (scope_key) DO NOTHING`,
        [keys, municipalityId],
      );
      await m.query(
        `CREATE TEMP TABLE agg_snap ON COMMIT DROP AS
           SELECT scope_key, requested_seq, requested_source_at FROM aggregate_scope_state WHERE municipality_id = $1`,
        [municipalityId],
      );
      const snap: { scope_key: string; requested_seq: string; requested_source_at: Date | null }[] = await m.query(
        `SELECT scope_key, requested_seq, requested_source_at FROM agg_snap WHERE scope_key = ANY($1)`,
        [keys],
      );
      await loadRules(m, municipalityId);
      await recomputeClientLevel(m, { kind: 'municipality', municipalityId });
      await m.query(`DELETE FROM aggregate_figure WHERE municipality_id = $1`, [municipalityId]);
      const targets: ScopeTarget[] = snap.map((s) => ({ scopeKey: s.scope_key, seq: String(s.requested_seq), sourceAt: s.requested_source_at }));
      await recomputeGroupLevel(m, municipalityId, this.today(), targets);
      await m.query(
        `UPDATE aggregate_scope_state s SET computed_seq = GREATEST(s.computed_seq, x.requested_seq), computed_at = now(),
                computed_source_at = x.requested_source_at
           FROM agg_snap x WHERE x.scope_key = s.scope_key`,
      );
      scopes = targets.length;
    });
    return { scopes, ms: Date.now() - started };
  }

  async rebuildAll(): Promise<{ municipalities: number; scopes: number; ms: number }> {
    const started = Date.now();
    const ids: { id: string }[] = await this.ds.query(`SELECT id FROM municipality ORDER BY id`);
    let scopes = 0;
    for (const { id } of ids) scopes += (await this.rebuild(id)).scopes;
    return { municipalities: ids.length, scopes, ms: Date.now() - started };
  }

  /**
   * Recomputes a municipality into scratch tables in one snapshot and lists every row where stored and fresh
   * differ (computed_at, computed_seq and source_changed_at excepted). Nothing is written.
   */
  async check(municipalityId: string, limit = 50): Promise<{ differences: Difference[]; total: number; pending: number }> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      const m = runner.manager;
      await m.query(`SET LOCAL work_mem = '256MB'`);
      const scratch: AggregateTables = { clientScale: 'agg_chk_scale', clientEpisode: 'agg_chk_episode', figure: 'agg_chk_figure' };
      await m.query(`
        CREATE TEMP TABLE agg_chk_scale (LIKE aggregate_client_scale INCLUDING DEFAULTS) ON COMMIT DROP;
        CREATE TEMP TABLE agg_chk_episode (LIKE aggregate_client_episode INCLUDING DEFAULTS) ON COMMIT DROP;
        CREATE TEMP TABLE agg_chk_figure (LIKE aggregate_figure INCLUDING DEFAULTS) ON COMMIT DROP;`);
      await loadRules(m, municipalityId);
      await recomputeClientLevel(m, { kind: 'municipality', municipalityId }, scratch);
      const keys = await allGroupScopes(m, municipalityId);
      await recomputeGroupLevel(m, municipalityId, this.today(), keys.map((k) => ({ scopeKey: k, seq: '0', sourceAt: null })), scratch);
      const differences: Difference[] = [];
      let total = 0;
      const compare = async (table: string, fresh: string, cols: string, key: string) => {
        for (const [side, a, b] of [
          ['stored_only', table, fresh],
          ['fresh_only', fresh, table],
        ] as const) {
          const rows: { key: string; n: string }[] = await m.query(
            `WITH d AS (SELECT ${cols} FROM ${a} WHERE municipality_id = $1 EXCEPT SELECT ${cols} FROM ${b} WHERE municipality_id = $1)
             SELECT ${key} AS key, count(*) OVER () AS n FROM d LIMIT ${limit}`,
            [municipalityId],
          );
          total += rows.length ? Number(rows[0]!.n) : 0;
          for (const r of rows) differences.push({ table, key: r.key, side });
        }
      };
      const scaleCols = `episode_id, instrument_id, scale_id, municipality_id, client_id, org_unit_id, method_id, sex, age_band, rules_version_id, direction,
        baseline, baseline_on, baseline_band, latest, latest_on, latest_kind, change, rci, category, case_at_baseline, case_at_latest, recovered,
        reliably_recovered, anchor_on`;
      const episodeCols = `episode_id, municipality_id, client_id, org_unit_id, method_id, sex, age_band, start_date, close_date, n_goals,
        n_goals_measurable, n_goals_assessed, n_goals_attained, gas_t, goals_assessed_on, has_baseline, has_pair`;
      await compare('aggregate_client_scale', scratch.clientScale, scaleCols, `episode_id || '/' || instrument_id || '/' || scale_id`);
      await compare('aggregate_client_episode', scratch.clientEpisode, episodeCols, `episode_id::text`);
      await compare(
        'aggregate_figure',
        scratch.figure,
        'scope_key, period_key, breakdown_key, figure, subject, municipality_id, stats',
        `scope_key || ' ' || period_key || ' ' || breakdown_key || ' ' || figure || ' ' || subject`,
      );
      const [{ n }] = await m.query(
        `SELECT count(*)::int AS n FROM aggregate_scope_state WHERE municipality_id = $1 AND requested_seq > computed_seq`,
        [municipalityId],
      );
      await runner.rollbackTransaction();
      return { differences, total, pending: n };
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }

  /** Re-enqueues pending scopes whose job may have been lost (enqueue after commit failed, retries exhausted). */
  async sweep(olderThanMs = 3000): Promise<number> {
    const rows: { scope_key: string; municipality_id: string; computed_seq: string }[] = await this.ds.query(
      `SELECT scope_key, municipality_id, computed_seq FROM aggregate_scope_state
        WHERE requested_seq > computed_seq AND (requested_at < now() - $1 * interval '1 millisecond' OR computed_at < now() - interval '15 seconds')
        ORDER BY requested_at LIMIT 2000`,
      [olderThanMs],
    );
    await this.enqueue(rows.map((r) => ({ scopeKey: r.scope_key, municipalityId: r.municipality_id, computedSeq: String(r.computed_seq) })));
    return rows.length;
  }
}

export { AGGREGATE_TABLES };
