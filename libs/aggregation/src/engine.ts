import type { DataSource, EntityManager } from 'typeorm';
import { applyCellDelta, buildCells, CELL_COLUMNS, CELL_KEY, markDirty } from './cells.js';
import {
  AGGREGATE_TABLES,
  type AggregateTables,
  CLIENT_EPISODE_COLUMNS,
  CLIENT_EPISODE_KEY,
  CLIENT_SCALE_COLUMNS,
  CLIENT_SCALE_KEY,
  recomputeClientLevel,
} from './client-level.js';
import { recomputeGroupLevel, type ScopeTarget } from './group-level.js';
import { loadRules } from './rules.js';
import { parseScopeKey, type ScopeKind, type Tier, tierKey } from './scope.js';
import { markComputed, readScopeState, requestScopes, type ScopeRequest } from './scope-state.js';

/** Advisory-lock classes: a rebuild holds its municipality exclusively, scope jobs share it and hold their scope. */
const LOCK_MUNICIPALITY = 7367900;
const LOCK_SCOPE = 7367901;

/**
 * Every aggregation transaction runs without JIT: the planner cannot see how many rows unnest yields, estimates
 * millions, and would spend seconds compiling a statement that reads a few hundred rows.
 */
const NO_JIT = `SET LOCAL jit = off`;

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
 * The group scopes level-1 episode rows in `table` are counted in, per client: every unit from the episode's unit up
 * to the root, the method, the groups and the municipality.
 */
async function scopesOfLevel1(m: EntityManager, table: string): Promise<{ scopeKey: string; municipalityId: string; clientId: string }[]> {
  const rows: { k: string; municipality_id: string; client_id: string }[] = await m.query(
    `SELECT DISTINCT k, municipality_id, client_id FROM (
       SELECT 'unit:' || unnest(string_to_array(trim(BOTH '/' FROM u.path), '/')) AS k, e.municipality_id, e.client_id FROM ${table} e JOIN org_unit u ON u.id = e.org_unit_id
       UNION ALL SELECT 'method:' || e.method_id, e.municipality_id, e.client_id FROM ${table} e
       UNION ALL SELECT 'group:' || unnest(e.group_ids), e.municipality_id, e.client_id FROM ${table} e
       UNION ALL SELECT 'municipality:' || e.municipality_id, e.municipality_id, e.client_id FROM ${table} e) s`,
  );
  return rows.map((r) => ({ scopeKey: r.k, municipalityId: r.municipality_id, clientId: r.client_id }));
}

/** Figure scopes of a municipality the small tier computes: leaf units and groups (everything else is large). */
async function smallScopes(m: EntityManager, municipalityId: string): Promise<Set<string>> {
  const rows: { k: string }[] = await m.query(
    `SELECT 'unit:' || u.id AS k FROM org_unit u WHERE u.municipality_id = $1 AND NOT EXISTS (SELECT 1 FROM org_unit c WHERE c.parent_id = u.id)
     UNION ALL SELECT 'group:' || id FROM client_group WHERE municipality_id = $1`,
    [municipalityId],
  );
  return new Set(rows.map((r) => r.k));
}

/** The tier whose batch job computes a scope key's kind. */
export function tierOf(kind: ScopeKind): Tier[] {
  if (kind === 'client' || kind === 'clientbatch') return ['clientbatch'];
  if (kind === 'smallbatch' || kind === 'largebatch') return [kind];
  return ['smallbatch', 'largebatch'];
}

const CLIENT_BATCH_LIMIT = 500;

interface Member {
  scopeKey: string;
  seq: string;
  sourceAt: Date | null;
}

/**
 * Keeps the aggregates a function of the source rows (docs/aggregation.md):
 * - a *client batch* recomputes level 1 of every pending client from source rows — never increments — and applies
 *   the exact difference between each client's new and previous contribution to the cells (cells.ts);
 * - a *small* / *large batch* recomputes pending figure scopes by summing their cells (leaf units and groups; the
 *   rest, on a short debounce so a stream of writes makes one municipality recompute every few seconds);
 * - a *rebuild* computes everything afresh in scratch tables and writes what differs; *check* compares instead.
 * A job may run twice or concurrently with a rebuild; the stored result is still the function of the source rows.
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
   * One job. A client or figure scope key runs the batch of its tier (older queued jobs name single scopes); the
   * batch takes every pending member of its tier, so a burst of writes makes one batch, not one job per write.
   */
  async recompute(municipalityId: string, key: string): Promise<'noop' | 'computed' | 'busy'> {
    const { kind } = parseScopeKey(key);
    let result: 'noop' | 'computed' | 'busy' = 'noop';
    for (const tier of tierOf(kind)) {
      const r = await this.runTier(municipalityId, tier);
      if (r === 'computed' || (r === 'busy' && result === 'noop')) result = r;
    }
    return result;
  }

  /**
   * Runs one tier batch of a municipality. Only one batch per tier and municipality runs at a time (a second one
   * answers 'busy': the running batch re-checks for pending work after its commit and enqueues itself again).
   */
  async runTier(municipalityId: string, tier: Tier): Promise<'noop' | 'computed' | 'busy'> {
    const tk = tierKey(tier, municipalityId);
    let followUps: ScopeRequest[] = [];
    const outcome = await this.ds.transaction(async (m): Promise<'noop' | 'computed' | 'busy'> => {
      const [lock] = await m.query(
        `SELECT pg_advisory_xact_lock_shared(${LOCK_MUNICIPALITY}, hashtext($1)), pg_try_advisory_xact_lock(${LOCK_SCOPE}, hashtext($2)) AS got`,
        [municipalityId, tk],
      );
      if (!lock.got) return 'busy';
      await m.query(NO_JIT);
      // Cells not built yet (an upgrade): the members stay pending until the rebuild enqueued at worker start is done.
      if (tier === 'clientbatch' && (await this.reference(m, municipalityId)) === null) return 'busy';
      const st = await readScopeState(m, tk);
      const members = await this.pendingMembers(m, municipalityId, tier);
      if (members.length === 0 && (!st || BigInt(st.requestedSeq) <= BigInt(st.computedSeq))) return 'noop';
      if (members.length > 0) {
        followUps =
          tier === 'clientbatch' ? await this.clientBatch(m, municipalityId, members) : await this.figureBatch(m, municipalityId, members);
        await markMembersComputed(m, members);
      }
      if (st) {
        if (tier === 'clientbatch' && members.length >= CLIENT_BATCH_LIMIT) {
          followUps.push(...(await requestScopes(m, [{ scopeKey: tk, municipalityId, sourceAt: null }])));
        } else await markComputed(m, tk, st.requestedSeq, st.requestedSourceAt);
      }
      return 'computed';
    });
    if (outcome === 'busy') return outcome;
    await this.enqueue(followUps);
    const now = await readScopeState(this.ds.manager, tk);
    if (now && BigInt(now.requestedSeq) > BigInt(now.computedSeq)) {
      await this.enqueue([{ scopeKey: tk, municipalityId, computedSeq: now.computedSeq }]);
    }
    return outcome;
  }

  /** Pending scopes of a tier, each with the request number its result will include (snapshot before any source read). */
  private async pendingMembers(m: EntityManager, municipalityId: string, tier: Tier): Promise<Member[]> {
    const rows: { scope_key: string; requested_seq: string; requested_source_at: Date | null }[] = await m.query(
      `SELECT scope_key, requested_seq, requested_source_at FROM aggregate_scope_state
        WHERE municipality_id = $1 AND requested_seq > computed_seq AND scope_key ~ $2
        ORDER BY requested_at, scope_key LIMIT $3`,
      [
        municipalityId,
        tier === 'clientbatch' ? '^client:' : '^(unit|method|group|municipality):',
        tier === 'clientbatch' ? CLIENT_BATCH_LIMIT : 100000,
      ],
    );
    let members = rows.map((r) => ({ scopeKey: r.scope_key, seq: String(r.requested_seq), sourceAt: r.requested_source_at }));
    if (tier !== 'clientbatch' && members.length > 0) {
      const small = await smallScopes(m, municipalityId);
      members = members.filter((x) => small.has(x.scopeKey) === (tier === 'smallbatch'));
    }
    return members;
  }

  /**
   * Level 1 of the member clients from source rows, the difference of their contributions applied to the cells, and
   * the figure scopes they were and are counted in requested (with the tiers that compute them).
   */
  private async clientBatch(m: EntityManager, municipalityId: string, members: readonly Member[]): Promise<ScopeRequest[]> {
    const clientIds = members.map((x) => parseScopeKey(x.scopeKey).id);
    await loadRules(m, municipalityId);
    const reference = (await this.reference(m, municipalityId))!;
    await m.query(`DROP TABLE IF EXISTS agg_old_e, agg_old_s, agg_new_e, agg_new_s`);
    await m.query(`CREATE TEMP TABLE agg_old_e ON COMMIT DROP AS SELECT * FROM aggregate_client_episode WHERE client_id = ANY($1)`, [
      clientIds,
    ]);
    await m.query(`CREATE TEMP TABLE agg_old_s ON COMMIT DROP AS SELECT * FROM aggregate_client_scale WHERE client_id = ANY($1)`, [
      clientIds,
    ]);
    const before = await scopesOfLevel1(m, 'agg_old_e');
    await recomputeClientLevel(m, { kind: 'clients', municipalityId, clientIds });
    await m.query(`CREATE TEMP TABLE agg_new_e ON COMMIT DROP AS SELECT * FROM aggregate_client_episode WHERE client_id = ANY($1)`, [
      clientIds,
    ]);
    await m.query(`CREATE TEMP TABLE agg_new_s ON COMMIT DROP AS SELECT * FROM aggregate_client_scale WHERE client_id = ANY($1)`, [
      clientIds,
    ]);
    await applyCellDelta(
      m,
      AGGREGATE_TABLES.cell,
      { oldE: 'agg_old_e', oldS: 'agg_old_s', newE: 'agg_new_e', newS: 'agg_new_s' },
      reference,
    );
    // Only scopes whose figures changed are requested: a write that changes no cell (a note, a replay) costs nothing more.
    const [{ seq }] = await m.query(`SELECT nextval('aggregate_request_seq')::text AS seq`);
    const dirty = new Set(await markDirty(m, municipalityId, seq));
    const after = await scopesOfLevel1(m, 'agg_new_e');
    const sourceOf = new Map(members.map((x) => [parseScopeKey(x.scopeKey).id, x.sourceAt]));
    const touched = [...before, ...after].map((x) => ({
      scopeKey: x.scopeKey,
      municipalityId,
      sourceAt: sourceOf.get(x.clientId) ?? null,
    }));
    // Every figure row this batch can write, locked in key order first (figure batches lock theirs in the same order).
    await m.query(`SELECT 1 FROM aggregate_scope_state WHERE scope_key = ANY($1) ORDER BY scope_key FOR UPDATE`, [
      touched.map((x) => x.scopeKey),
    ]);
    await includeUnchanged(
      m,
      touched.filter((x) => !dirty.has(x.scopeKey)),
    );
    if (dirty.size === 0) return [];
    const scopes = touched.filter((x) => dirty.has(x.scopeKey));
    const tiers = [
      { scopeKey: tierKey('smallbatch', municipalityId), municipalityId, sourceAt: null },
      { scopeKey: tierKey('largebatch', municipalityId), municipalityId, sourceAt: null },
    ];
    const requested = await requestScopes(m, [...scopes, ...tiers]);
    return requested.filter((r) => r.scopeKey.endsWith(`batch:${municipalityId}`));
  }

  /**
   * Retention (gallring), in the caller's transaction before the clients' rows are deleted: takes their
   * contributions out of the cells and requests the figure scopes they were counted in (the sweep enqueues them).
   */
  async forgetClients(m: EntityManager, municipalityId: string, clientIds: readonly string[]): Promise<void> {
    if (clientIds.length === 0) return;
    await m.query(
      `SELECT pg_advisory_xact_lock_shared(${LOCK_MUNICIPALITY}, hashtext($1)), pg_advisory_xact_lock(${LOCK_SCOPE}, hashtext($2))`,
      [municipalityId, tierKey('clientbatch', municipalityId)],
    );
    await m.query(NO_JIT);
    const reference = await this.reference(m, municipalityId);
    if (reference === null) return; // no cells yet: the pending rebuild computes everything from what remains
    await m.query(`DROP TABLE IF EXISTS agg_old_e, agg_old_s, agg_new_e, agg_new_s`);
    await m.query(
      `CREATE TEMP TABLE agg_old_e ON COMMIT DROP AS SELECT * FROM aggregate_client_episode WHERE municipality_id = $1 AND client_id = ANY($2)`,
      [municipalityId, clientIds],
    );
    await m.query(
      `CREATE TEMP TABLE agg_old_s ON COMMIT DROP AS SELECT * FROM aggregate_client_scale WHERE municipality_id = $1 AND client_id = ANY($2)`,
      [municipalityId, clientIds],
    );
    await m.query(
      `CREATE TEMP TABLE agg_new_e (LIKE aggregate_client_episode) ON COMMIT DROP; CREATE TEMP TABLE agg_new_s (LIKE aggregate_client_scale) ON COMMIT DROP;`,
    );
    await applyCellDelta(
      m,
      AGGREGATE_TABLES.cell,
      { oldE: 'agg_old_e', oldS: 'agg_old_s', newE: 'agg_new_e', newS: 'agg_new_s' },
      reference,
    );
    const [{ seq }] = await m.query(`SELECT nextval('aggregate_request_seq')::text AS seq`);
    const dirty = await markDirty(m, municipalityId, seq);
    if (dirty.length === 0) return;
    await requestScopes(m, [
      ...dirty.map((scopeKey) => ({ scopeKey, municipalityId, sourceAt: null })),
      { scopeKey: tierKey('smallbatch', municipalityId), municipalityId, sourceAt: null },
      { scopeKey: tierKey('largebatch', municipalityId), municipalityId, sourceAt: null },
    ]);
  }

  /**
   * Figure scopes summed from their cells; only rows whose statistics changed are written. A scope with dirty rows
   * recomputes just those figure rows; one requested without any (by hand, or an older queued job) recomputes
   * everything. Dirty rows are read after the members' snapshot and deleted only if no later batch touched them.
   */
  private async figureBatch(m: EntityManager, municipalityId: string, members: readonly Member[]): Promise<ScopeRequest[]> {
    await loadRules(m, municipalityId);
    const dirty: { scope_key: string; figure: string; subject: string; period_key: string; seq: string }[] = await m.query(
      `SELECT scope_key, figure, subject, period_key, seq FROM aggregate_dirty WHERE scope_key = ANY($1)`,
      [members.map((x) => x.scopeKey)],
    );
    const withDirty = new Set(dirty.map((d) => d.scope_key));
    const target = (x: Member) => ({ scopeKey: x.scopeKey, seq: x.seq, sourceAt: x.sourceAt });
    const full = members.filter((x) => !withDirty.has(x.scopeKey)).map(target);
    const partial = members.filter((x) => withDirty.has(x.scopeKey)).map(target);
    if (full.length > 0) await recomputeGroupLevel(m, municipalityId, full);
    if (partial.length > 0) {
      const want = dirty.map((d) => ({ scopeKey: d.scope_key, figure: d.figure, subject: d.subject, periodKey: d.period_key }));
      await recomputeGroupLevel(m, municipalityId, partial, AGGREGATE_TABLES, want);
      await m.query(
        `DELETE FROM aggregate_dirty d USING jsonb_to_recordset($1::jsonb) AS x(scope_key text, figure text, subject text, period_key text, seq bigint)
          WHERE d.scope_key = x.scope_key AND d.figure = x.figure AND d.subject = x.subject AND d.period_key = x.period_key AND d.seq = x.seq`,
        [JSON.stringify(dirty)],
      );
    }
    return [];
  }

  /** The reference date the stored cells use; a municipality without cells yet starts at today. */
  private async reference(m: EntityManager, municipalityId: string): Promise<string | null> {
    const [r] = await m.query(`SELECT to_char(reference_date, 'YYYY-MM-DD') AS d FROM aggregate_reference WHERE municipality_id = $1`, [
      municipalityId,
    ]);
    if (r) return r.d;
    // No cells yet. With no level-1 rows either (a new municipality) empty cells are exact: start at today. Otherwise
    // (level-1 rows from before cells existed) only the rebuild the worker enqueues at start can make them exact.
    const [{ any }] = await m.query(`SELECT EXISTS (SELECT 1 FROM aggregate_client_episode WHERE municipality_id = $1) AS any`, [
      municipalityId,
    ]);
    if (any) return null;
    await m.query(
      `INSERT INTO aggregate_reference (municipality_id, reference_date) VALUES ($1, $2) ON CONFLICT (municipality_id) DO NOTHING`,
      [municipalityId, this.today()],
    );
    return this.today();
  }

  /**
   * Computes every aggregate of a municipality afresh into scratch tables (level 1, cells, and when `figures` names a
   * table, the figures of every scope from the fresh cells). The caller's transaction holds the snapshot.
   */
  private async computeFresh(m: EntityManager, municipalityId: string, reference: string, figures: string | null): Promise<string[]> {
    await m.query(`SET LOCAL work_mem = '256MB'`);
    await m.query(NO_JIT);
    await m.query(`DROP TABLE IF EXISTS agg_fresh_scale, agg_fresh_episode, agg_fresh_cell`);
    await m.query(`
      CREATE TEMP TABLE agg_fresh_scale (LIKE aggregate_client_scale INCLUDING DEFAULTS) ON COMMIT DROP;
      CREATE TEMP TABLE agg_fresh_episode (LIKE aggregate_client_episode INCLUDING DEFAULTS) ON COMMIT DROP;
      CREATE TEMP TABLE agg_fresh_cell (LIKE aggregate_cell INCLUDING DEFAULTS) ON COMMIT DROP;`);
    const fresh: AggregateTables = {
      clientScale: 'agg_fresh_scale',
      clientEpisode: 'agg_fresh_episode',
      cell: 'agg_fresh_cell',
      figure: figures ?? 'aggregate_figure',
    };
    await loadRules(m, municipalityId);
    await recomputeClientLevel(m, { kind: 'municipality', municipalityId }, fresh);
    // Statistics on the join keys only: sampling the array columns costs seconds and no plan uses them.
    await m.query(
      `ANALYZE agg_fresh_scale (episode_id, municipality_id); ANALYZE agg_fresh_episode (episode_id, municipality_id, org_unit_id, method_id)`,
    );
    await buildCells(m, 'agg_fresh_cell', 'agg_fresh_episode', 'agg_fresh_scale', municipalityId, reference);
    await m.query(`ANALYZE agg_fresh_cell`);
    const keys = await allGroupScopes(m, municipalityId);
    if (figures)
      await recomputeGroupLevel(
        m,
        municipalityId,
        keys.map((k) => ({ scopeKey: k, seq: '0', sourceAt: null })),
        fresh,
      );
    return keys;
  }

  /**
   * Rebuilds every aggregate of a municipality from source rows in one transaction, at today's reference date:
   * everything is computed afresh in scratch tables and only rows that differ are written (a nightly rebuild over
   * unchanged data writes little besides the periods that moved). Pending requests stay pending.
   */
  async rebuild(municipalityId: string): Promise<{ scopes: number; ms: number; changed: Record<string, number> }> {
    const started = Date.now();
    let scopes = 0;
    const changed: Record<string, number> = {};
    await this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(${LOCK_MUNICIPALITY}, hashtext($1))`, [municipalityId]);
      const reference = this.today();
      // Everything is recomputed below; no client batch runs meanwhile (they share the lock this holds exclusively).
      await m.query(`DELETE FROM aggregate_dirty WHERE municipality_id = $1`, [municipalityId]);
      const keys = await this.computeFresh(m, municipalityId, reference, null);
      await m.query(
        `INSERT INTO aggregate_scope_state (scope_key, municipality_id) SELECT unnest($1::text[]), $2 ON CONFLICT (scope_key) DO NOTHING`,
        [keys, municipalityId],
      );
      await m.query(
        `CREATE TEMP TABLE agg_snap ON COMMIT DROP AS
           SELECT scope_key, requested_seq, requested_source_at FROM aggregate_scope_state WHERE municipality_id = $1`,
        [municipalityId],
      );
      changed.clientScale = await syncTable(
        m,
        'aggregate_client_scale',
        'agg_fresh_scale',
        CLIENT_SCALE_KEY,
        CLIENT_SCALE_COLUMNS,
        municipalityId,
      );
      changed.clientEpisode = await syncTable(
        m,
        'aggregate_client_episode',
        'agg_fresh_episode',
        CLIENT_EPISODE_KEY,
        CLIENT_EPISODE_COLUMNS,
        municipalityId,
      );
      changed.cell = await syncTable(m, 'aggregate_cell', 'agg_fresh_cell', CELL_KEY, [...CELL_KEY, ...CELL_COLUMNS], municipalityId);
      await m.query(
        `INSERT INTO aggregate_reference (municipality_id, reference_date) VALUES ($1, $2)
         ON CONFLICT (municipality_id) DO UPDATE SET reference_date = excluded.reference_date, updated_at = now()`,
        [municipalityId, reference],
      );
      const snap: { scope_key: string; requested_seq: string; requested_source_at: Date | null }[] = await m.query(
        `SELECT scope_key, requested_seq, requested_source_at FROM agg_snap WHERE scope_key = ANY($1)`,
        [keys],
      );
      const targets: ScopeTarget[] = snap.map((s) => ({
        scopeKey: s.scope_key,
        seq: String(s.requested_seq),
        sourceAt: s.requested_source_at,
      }));
      const figures = await recomputeGroupLevel(m, municipalityId, targets);
      const orphans = await m.query(`DELETE FROM aggregate_figure WHERE municipality_id = $1 AND scope_key <> ALL($2) RETURNING 1`, [
        municipalityId,
        keys,
      ]);
      changed.figure = figures.written + figures.deleted + (Array.isArray(orphans[0]) ? Number(orphans[1]) : 0);
      await m.query(
        `UPDATE aggregate_scope_state s SET computed_seq = GREATEST(s.computed_seq, x.requested_seq), computed_at = now(),
                computed_source_at = x.requested_source_at
           FROM agg_snap x WHERE x.scope_key = s.scope_key`,
      );
      scopes = targets.length;
    });
    return { scopes, ms: Date.now() - started, changed };
  }

  async rebuildAll(): Promise<{ municipalities: number; scopes: number; ms: number }> {
    const started = Date.now();
    const ids: { id: string }[] = await this.ds.query(`SELECT id FROM municipality ORDER BY id`);
    let scopes = 0;
    for (const { id } of ids) scopes += (await this.rebuild(id)).scopes;
    return { municipalities: ids.length, scopes, ms: Date.now() - started };
  }

  /** Municipalities with episodes whose cells were never built (new install or upgrade): the worker rebuilds them. */
  async municipalitiesWithoutCells(): Promise<string[]> {
    const rows: { id: string }[] = await this.ds.query(
      `SELECT m.id FROM municipality m WHERE NOT EXISTS (SELECT 1 FROM aggregate_reference r WHERE r.municipality_id = m.id)
          AND EXISTS (SELECT 1 FROM episode e WHERE e.municipality_id = m.id)`,
    );
    return rows.map((r) => r.id);
  }

  /**
   * Recomputes a municipality into scratch tables in one snapshot, at the reference date the stored cells use, and
   * lists every row where stored and fresh differ (level 1, cells, figures; computed_at and the request numbers
   * excepted). Nothing is written.
   */
  async check(municipalityId: string, limit = 50): Promise<{ differences: Difference[]; total: number; pending: number }> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      const m = runner.manager;
      const [ref] = await m.query(`SELECT to_char(reference_date, 'YYYY-MM-DD') AS d FROM aggregate_reference WHERE municipality_id = $1`, [
        municipalityId,
      ]);
      await m.query(`CREATE TEMP TABLE agg_chk_figure (LIKE aggregate_figure INCLUDING ALL) ON COMMIT DROP`);
      await this.computeFresh(m, municipalityId, ref?.d ?? this.today(), 'agg_chk_figure');
      const differences: Difference[] = [];
      let total = 0;
      const compare = async (table: string, fresh: string, cols: readonly string[], key: string) => {
        for (const [side, a, b] of [
          ['stored_only', table, fresh],
          ['fresh_only', fresh, table],
        ] as const) {
          const rows: { key: string; n: string }[] = await m.query(
            `WITH d AS (SELECT ${cols.join(', ')} FROM ${a} WHERE municipality_id = $1 EXCEPT SELECT ${cols.join(', ')} FROM ${b} WHERE municipality_id = $1)
             SELECT ${key} AS key, count(*) OVER () AS n FROM d LIMIT ${limit}`,
            [municipalityId],
          );
          total += rows.length ? Number(rows[0]!.n) : 0;
          for (const r of rows) differences.push({ table, key: r.key, side });
        }
      };
      await compare(
        'aggregate_client_scale',
        'agg_fresh_scale',
        CLIENT_SCALE_COLUMNS,
        `episode_id || '/' || instrument_id || '/' || scale_id`,
      );
      await compare('aggregate_client_episode', 'agg_fresh_episode', CLIENT_EPISODE_COLUMNS, `episode_id::text`);
      await compare(
        'aggregate_cell',
        'agg_fresh_cell',
        [...CELL_KEY, ...CELL_COLUMNS],
        `org_unit_id || ' ' || method_id || ' ' || group_id || ' ' || figure || ' ' || subject || ' ' || sub || ' ' || period_key || ' ' || sex || ' ' || age_band`,
      );
      await compare(
        'aggregate_figure',
        'agg_chk_figure',
        ['scope_key', 'period_key', 'breakdown_key', 'figure', 'subject', 'municipality_id', 'stats'],
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

  /**
   * Re-enqueues the tiers of pending scopes whose job may have been lost (enqueue after commit failed, retries
   * exhausted, a 'busy' answer racing a batch's last look): requests each tier again and enqueues it.
   */
  async sweep(olderThanMs = 3000): Promise<number> {
    const rows: { scope_key: string; municipality_id: string }[] = await this.ds.query(
      `SELECT DISTINCT ON (municipality_id, split_part(scope_key, ':', 1)) scope_key, municipality_id FROM aggregate_scope_state
        WHERE requested_seq > computed_seq AND (requested_at < now() - $1 * interval '1 millisecond' OR computed_at < now() - interval '15 seconds')`,
      [olderThanMs],
    );
    const tiers = new Map<string, { scopeKey: string; municipalityId: string; sourceAt: null }>();
    for (const r of rows) {
      for (const tier of tierOf(parseScopeKey(r.scope_key).kind)) {
        const key = tierKey(tier, r.municipality_id);
        tiers.set(key, { scopeKey: key, municipalityId: r.municipality_id, sourceAt: null });
      }
    }
    if (tiers.size === 0) return 0;
    const requested = await this.ds.transaction((m) => requestScopes(m, [...tiers.values()]));
    await this.enqueue(requested);
    return requested.length;
  }
}

/**
 * Scopes a client batch touched without changing any of their figures already include its source changes: their
 * "as of" moves forward — at once when nothing is pending for them, else with the pending recompute.
 */
async function includeUnchanged(m: EntityManager, scopes: readonly { scopeKey: string; sourceAt: Date | null }[]): Promise<void> {
  const newest = new Map<string, Date>();
  for (const x of scopes) {
    if (!x.sourceAt) continue;
    const at = new Date(x.sourceAt);
    const prev = newest.get(x.scopeKey);
    if (!prev || at > prev) newest.set(x.scopeKey, at);
  }
  if (newest.size === 0) return;
  await m.query(
    `UPDATE aggregate_scope_state s
        SET requested_source_at = GREATEST(s.requested_source_at, x.source_at),
            computed_source_at = CASE WHEN s.requested_seq <= s.computed_seq THEN GREATEST(s.computed_source_at, x.source_at) ELSE s.computed_source_at END,
            computed_at = CASE WHEN s.requested_seq <= s.computed_seq THEN now() ELSE s.computed_at END
       FROM jsonb_to_recordset($1::jsonb) AS x(scope_key text, source_at timestamptz) WHERE s.scope_key = x.scope_key`,
    [JSON.stringify([...newest].map(([scope_key, at]) => ({ scope_key, source_at: at })))],
  );
}

/** Marks batch members computed up to their snapshots (never backwards); rows locked in key order. */
async function markMembersComputed(m: EntityManager, members: readonly Member[]): Promise<void> {
  await m.query(`SELECT 1 FROM aggregate_scope_state WHERE scope_key = ANY($1) ORDER BY scope_key FOR UPDATE`, [
    members.map((x) => x.scopeKey),
  ]);
  await m.query(
    `UPDATE aggregate_scope_state s SET computed_seq = GREATEST(s.computed_seq, x.seq), computed_at = now(),
            computed_source_at = CASE WHEN x.seq >= s.computed_seq THEN x.source_at ELSE s.computed_source_at END
       FROM jsonb_to_recordset($1::jsonb) AS x(scope_key text, seq bigint, source_at timestamptz) WHERE s.scope_key = x.scope_key`,
    [JSON.stringify(members.map((x) => ({ scope_key: x.scopeKey, seq: x.seq, source_at: x.sourceAt })))],
  );
}

/**
 * Makes a municipality's rows of `target` equal to `fresh`: deletes rows that are no longer there, inserts new ones
 * and updates only rows whose compared columns differ. Returns how many rows were written or deleted.
 */
async function syncTable(
  m: EntityManager,
  target: string,
  fresh: string,
  key: readonly string[],
  cols: readonly string[],
  municipalityId: string,
): Promise<number> {
  const on = key.map((k) => `t.${k} = f.${k}`).join(' AND ');
  const same = cols
    .filter((c) => !key.includes(c))
    .map((c) => `t.${c} IS NOT DISTINCT FROM f.${c}`)
    .join(' AND ');
  const stamped = target !== 'aggregate_cell';
  // The rows to write, found before anything is written (an anti-join against a table the same statement fills
  // would rescan what it inserted).
  await m.query(`DROP TABLE IF EXISTS agg_sync`);
  await m.query(
    `CREATE TEMP TABLE agg_sync ON COMMIT DROP AS
     SELECT f.* FROM ${fresh} f WHERE NOT EXISTS (SELECT 1 FROM ${target} t WHERE ${on} AND ${same})`,
  );
  const deleted = await m.query(
    `DELETE FROM ${target} t WHERE t.municipality_id = $1 AND NOT EXISTS (SELECT 1 FROM ${fresh} f WHERE ${on}) RETURNING 1`,
    [municipalityId],
  );
  const nonKey = cols.filter((c) => !key.includes(c));
  const written = await m.query(
    `INSERT INTO ${target} AS t (${cols.join(', ')}${stamped ? ', computed_at' : ''})
     SELECT ${cols.join(', ')}${stamped ? ', computed_at' : ''} FROM agg_sync ORDER BY ${key.join(', ')}
     ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${nonKey.map((c) => `${c} = excluded.${c}`).join(', ')}${stamped ? ', computed_at = excluded.computed_at' : ''}
     RETURNING 1`,
  );
  const count = (r: unknown) =>
    Array.isArray(r) && r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number' ? r[1] : Array.isArray(r) ? r.length : 0;
  return count(deleted) + count(written);
}

export { AGGREGATE_TABLES };
