import type { DataSource, EntityManager } from 'typeorm';
import { groupScopesOfClients, uuidField, type AggregationEngine } from './engine.js';
import { requestScopes } from './scope-state.js';

export interface OutboxRow {
  id: string;
  municipality_id: string;
  topic: string;
  payload: Record<string, unknown>;
  created_at: Date;
}

export interface RelayPlan {
  /** Scopes to request and enqueue now (client scopes, groups whose membership changed). */
  direct: { scopeKey: string; municipalityId: string; sourceAt: Date }[];
  /** Group scopes to request (so "pending" shows at once) but not enqueue: the client jobs enqueue them once level 1 is new. */
  indirect: { scopeKey: string; municipalityId: string; sourceAt: Date }[];
  /** Municipalities whose instrument rules changed: a full rebuild. */
  rebuilds: string[];
}

/** Maps outbox rows to the scopes they affect (ids only in, ids only out). */
export async function planOutbox(m: EntityManager, rows: readonly OutboxRow[]): Promise<RelayPlan> {
  const json = JSON.stringify(rows.map((r) => ({ id: r.id, municipality_id: r.municipality_id, topic: r.topic, payload: r.payload, created_at: r.created_at })));
  const clients: { client_id: string; municipality_id: string; source_at: Date }[] = await m.query(
    `WITH o AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, municipality_id uuid, topic text, payload jsonb, created_at timestamptz))
     SELECT coalesce(${uuidField('o.payload', 'clientId')}, e.client_id, r.client_id, e2.client_id) AS client_id, o.municipality_id, max(o.created_at) AS source_at
       FROM o
       LEFT JOIN episode e ON e.id = ${uuidField('o.payload', 'episodeId')}
       LEFT JOIN response r ON r.id = ${uuidField('o.payload', 'responseId')}
       LEFT JOIN occasion oc ON oc.id = ${uuidField('o.payload', 'occasionId')}
       LEFT JOIN episode e2 ON e2.id = oc.episode_id
      WHERE o.topic NOT IN ('group.changed', 'instrument.changed')
      GROUP BY 1, 2`,
    [json],
  );
  const known = clients.filter((c) => c.client_id !== null);
  const direct = known.map((c) => ({ scopeKey: `client:${c.client_id}`, municipalityId: c.municipality_id, sourceAt: c.source_at }));
  const sourceOf = new Map(known.map((c) => [c.client_id, c.source_at]));
  const newest = known.reduce<Date | null>((a, c) => (a && a > c.source_at ? a : c.source_at), null);
  const indirect = (await groupScopesOfClients(m, [...sourceOf.keys()], 'source')).map((s) => ({ ...s, sourceAt: newest! }));
  const rebuilds = new Set<string>();
  for (const r of rows) {
    const p = r.payload ?? {};
    if (r.topic === 'group.changed' && typeof p.groupId === 'string' && /^[0-9a-f-]{36}$/.test(p.groupId)) {
      direct.push({ scopeKey: `group:${p.groupId}`, municipalityId: r.municipality_id, sourceAt: r.created_at });
    }
    if (r.topic === 'instrument.changed') rebuilds.add(r.municipality_id);
  }
  return { direct, indirect, rebuilds: [...rebuilds] };
}

/**
 * Moves outbox rows to the queue: locks a batch (FOR UPDATE SKIP LOCKED, so relays on several workers share the
 * work), requests the affected scopes in a transaction of its own that commits before any job is enqueued (so no
 * job can run before its request is visible), enqueues, and only after the queue acknowledged marks the rows sent
 * and commits. If the queue is down the batch rolls back and the rows wait; a crash anywhere leaves them unsent.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private failures = 0;
  private lastSweep = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly engine: AggregationEngine,
    private readonly enqueueRebuild: (municipalityId: string, tag: string) => Promise<void>,
    private readonly opts: { batchSize?: number; pollMs?: number; sweepMs?: number; onError?: (e: unknown) => void } = {},
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => (this.running = null));
    }, ms);
  }

  private async tick(): Promise<void> {
    let moved = 0;
    try {
      moved = await this.relayOnce();
      if (Date.now() - this.lastSweep > (this.opts.sweepMs ?? 5000)) {
        this.lastSweep = Date.now();
        await this.engine.sweep();
      }
      this.failures = 0;
    } catch (e) {
      this.failures++;
      this.opts.onError?.(e);
    }
    const poll = this.opts.pollMs ?? 100;
    this.schedule(this.failures > 0 ? Math.min(5000, poll * 2 ** this.failures) : moved > 0 ? 0 : poll);
  }

  /** One batch; returns how many rows were sent. */
  async relayOnce(): Promise<number> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    let ids: string[] = [];
    try {
      await runner.startTransaction();
      const rows: OutboxRow[] = await runner.query(
        `SELECT id, municipality_id, topic, payload, created_at FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.opts.batchSize ?? 500],
      );
      ids = rows.map((r) => r.id);
      if (rows.length === 0) {
        await runner.commitTransaction();
        return 0;
      }
      const plan = await planOutbox(runner.manager, rows);
      const requested = await this.ds.transaction((m) => requestScopes(m, [...plan.direct, ...plan.indirect]));
      const direct = new Set(plan.direct.map((d) => d.scopeKey));
      await this.engine.enqueue(requested.filter((r) => direct.has(r.scopeKey)));
      for (const municipalityId of plan.rebuilds) await this.enqueueRebuild(municipalityId, ids[ids.length - 1]!);
      await runner.query(`UPDATE outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY($1)`, [ids]);
      await runner.commitTransaction();
      return rows.length;
    } catch (e) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      if (ids.length) await this.ds.query(`UPDATE outbox SET attempts = attempts + 1 WHERE id = ANY($1)`, [ids]).catch(() => undefined);
      throw e;
    } finally {
      await runner.release();
    }
  }
}
