import type { DataSource, EntityManager } from 'typeorm';
import { uuidField, type AggregationEngine } from './engine.js';
import { tierKey } from './scope.js';
import { requestScopes } from './scope-state.js';

export interface OutboxRow {
  id: string;
  municipality_id: string;
  topic: string;
  payload: Record<string, unknown>;
  created_at: Date;
}

export interface RelayPlan {
  /** Scopes to request and enqueue now: the client scopes and each municipality's client batch. */
  direct: { scopeKey: string; municipalityId: string; sourceAt: Date | null }[];
  /** Municipalities whose instrument rules changed: a full rebuild. */
  rebuilds: string[];
}

/** Maps outbox rows to the scopes they affect (ids only in, ids only out). */
export async function planOutbox(m: EntityManager, rows: readonly OutboxRow[]): Promise<RelayPlan> {
  const json = JSON.stringify(
    rows.map((r) => ({ id: r.id, municipality_id: r.municipality_id, topic: r.topic, payload: r.payload, created_at: r.created_at })),
  );
  const clients: { client_id: string; municipality_id: string; source_at: Date }[] = await m.query(
    `WITH o AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, municipality_id uuid, topic text, payload jsonb, created_at timestamptz))
     SELECT client_id, municipality_id, max(source_at) AS source_at FROM (
       SELECT coalesce(${uuidField('o.payload', 'clientId')}, e.client_id, r.client_id, e2.client_id) AS client_id, o.municipality_id, o.created_at AS source_at
         FROM o
         LEFT JOIN episode e ON e.id = ${uuidField('o.payload', 'episodeId')}
         LEFT JOIN response r ON r.id = ${uuidField('o.payload', 'responseId')}
         LEFT JOIN occasion oc ON oc.id = ${uuidField('o.payload', 'occasionId')}
         LEFT JOIN episode e2 ON e2.id = oc.episode_id
        WHERE o.topic NOT IN ('group.changed', 'instrument.changed')
       UNION ALL
       -- A group's membership changed: every client counted in it now (source) or before (level 1).
       SELECT e.client_id, o.municipality_id, o.created_at
         FROM o JOIN group_membership gm ON gm.group_id = ${uuidField('o.payload', 'groupId')}
         JOIN episode e ON e.id = gm.episode_id AND e.municipality_id = o.municipality_id
        WHERE o.topic = 'group.changed'
       UNION ALL
       SELECT x.client_id, o.municipality_id, o.created_at
         FROM o JOIN aggregate_client_episode x ON x.municipality_id = o.municipality_id AND ${uuidField('o.payload', 'groupId')} = ANY(x.group_ids)
        WHERE o.topic = 'group.changed'
     ) c WHERE client_id IS NOT NULL
     GROUP BY client_id, municipality_id`,
    [json],
  );
  const direct: RelayPlan['direct'] = clients.map((c) => ({
    scopeKey: `client:${c.client_id}`,
    municipalityId: c.municipality_id,
    sourceAt: c.source_at,
  }));
  for (const municipalityId of new Set(clients.map((c) => c.municipality_id))) {
    direct.push({ scopeKey: tierKey('clientbatch', municipalityId), municipalityId, sourceAt: null });
  }
  const rebuilds = new Set<string>();
  for (const r of rows) if (r.topic === 'instrument.changed') rebuilds.add(r.municipality_id);
  return { direct, rebuilds: [...rebuilds] };
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
      const requested = await this.ds.transaction((m) => requestScopes(m, plan.direct));
      // Only the client batches are enqueued; the client scopes and figure scopes wait in the state table for them.
      await this.engine.enqueue(requested.filter((r) => r.scopeKey.startsWith('clientbatch:')));
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
