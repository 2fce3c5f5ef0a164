import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { CohortBuilder, quiescent, waitFor } from '../integration/aggregation-fixture.js';
import { openMigrated, runCli, ThrowawayPostgres, ThrowawayRedis, WorkerProcess } from './harness.js';

/*
 * Faults, each on servers this file starts itself: an embedded PostgreSQL (port and data directory of its own) and a
 * redis-server (AOF on, own directory); the worker runs from dist/ as a child process.
 */
let pg: ThrowawayPostgres;
let redis: ThrowawayRedis;
let url: string;
let ds: DataSource;
let c: CohortBuilder;
let worker: WorkerProcess;

const env = () => ({ DATABASE_URL: url, REDIS_URL: redis.url });

/** One acknowledged write stream: a client, an episode, a baseline and a follow-up; returns what it wrote. */
async function writeClient(i: number): Promise<{ episodeId: string; latest: number }> {
  const units = [c.world.unitA, c.world.teamA1, c.world.unitB];
  const unit = units[i % 3]!;
  const clientId = await c.client({ unitId: unit.id, sex: i % 2 ? 'female' : 'male', birthYear: 1950 + (i % 50) });
  const episodeId = await c.episode({ clientId, unitId: unit.id, start: '2025-02-01' });
  await c.measure(episodeId, 'start', 0, '2025-02-01', 8 + (i % 19));
  const latest = (i * 7) % 27;
  await c.measure(episodeId, 'follow_up', 1, '2025-08-01', latest);
  return { episodeId, latest };
}

async function settle(timeoutMs = 150_000): Promise<void> {
  await waitFor(() => quiescent(ds, c.world.municipalityId), timeoutMs, 'aggregates to settle');
}

/** Every acknowledged write reached the aggregates: each episode's level-1 latest equals what was written. */
async function assertAllReached(written: { episodeId: string; latest: number }[]): Promise<void> {
  const rows: { episode_id: string; latest: string }[] = await ds.query(
    `SELECT episode_id, latest FROM aggregate_client_scale WHERE episode_id = ANY($1) AND scale_id = 'phq9_total'`,
    [written.map((w) => w.episodeId)],
  );
  const got = new Map(rows.map((r) => [r.episode_id, Number(r.latest)]));
  expect(written.filter((w) => got.get(w.episodeId) !== w.latest)).toEqual([]);
  const [{ n }] = await ds.query(
    `SELECT (stats->>'n_clients')::int AS n FROM aggregate_figure WHERE scope_key = $1 AND period_key = '2025' AND breakdown_key = 'all' AND figure = 'outcome' AND subject = $2`,
    [`municipality:${c.world.municipalityId}`, `${c.phq9.id}/phq9_total`],
  );
  expect(n).toBe(written.length);
}

beforeAll(async () => {
  pg = new ThrowawayPostgres();
  url = await pg.start();
  redis = new ThrowawayRedis();
  await redis.start();
  ds = await openMigrated(url);
  c = await new CohortBuilder(ds).setup();
  worker = new WorkerProcess(env());
}, 120_000);

afterAll(async () => {
  await worker?.kill('SIGKILL');
  await ds?.destroy();
  await redis?.destroy();
  await pg?.stop();
}, 60_000);

describe('fault: the worker is killed with SIGKILL in mid-job and restarted', () => {
  it('loses nothing, and aggregates:check reports zero differences', async () => {
    worker.start();
    const written: { episodeId: string; latest: number }[] = [];
    // Write while the worker runs, and kill it the moment a recompute is inside its transaction. The writer keeps
    // going until the kill (a fast machine could otherwise finish every write, and its recomputes, first).
    let killed = false;
    const writing = (async () => {
      for (let i = 0; !killed && i < 90; i++) written.push(await writeClient(i));
    })();
    await waitFor(
      async () => {
        const [r] = await ds.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'matpunkt-worker' AND state IN ('active', 'idle in transaction')
              AND (query ILIKE '%aggregate_client%' OR query ILIKE '%aggregate_figure%' OR query ILIKE '%agg_%')`,
        );
        return r.n > 0;
      },
      60_000,
      'a recompute in progress',
    );
    await worker.kill('SIGKILL');
    killed = true;
    await writing;
    // Writes go on while the worker is dead: they wait in the outbox.
    for (let i = 90; i < 100; i++) written.push(await writeClient(i));
    const [{ unsent }] = await ds.query(`SELECT count(*)::int AS unsent FROM outbox WHERE sent_at IS NULL`);
    expect(unsent).toBeGreaterThan(0);
    worker = new WorkerProcess(env());
    worker.start();
    await settle();
    await assertAllReached(written);
    const check = await runCli('aggregates-check.js', env());
    expect(check.output).toMatch(/0 differences/);
    expect(check.code).toBe(0);
  }, 300_000);
});

describe('fault: Redis stops during writes and comes back', () => {
  it('every acknowledged write reaches the aggregates', async () => {
    const written: { episodeId: string; latest: number }[] = [];
    const [{ before }] = await ds.query(`SELECT count(*)::int AS before FROM aggregate_client_scale WHERE municipality_id = $1`, [c.world.municipalityId]);
    for (let i = 100; i < 110; i++) written.push(await writeClient(i));
    await redis.stop();
    // Writes go on while the queue is down: each is acknowledged by PostgreSQL with its outbox row.
    for (let i = 110; i < 140; i++) written.push(await writeClient(i));
    await new Promise((r) => setTimeout(r, 2000));
    const [{ unsent }] = await ds.query(`SELECT count(*)::int AS unsent FROM outbox WHERE sent_at IS NULL`);
    expect(unsent).toBeGreaterThan(0);
    await redis.start();
    for (let i = 140; i < 150; i++) written.push(await writeClient(i));
    await settle();
    const [{ after }] = await ds.query(`SELECT count(*)::int AS after FROM aggregate_client_scale WHERE municipality_id = $1`, [c.world.municipalityId]);
    expect(after - before).toBe(written.length);
    const rows: { episode_id: string; latest: string }[] = await ds.query(
      `SELECT episode_id, latest FROM aggregate_client_scale WHERE episode_id = ANY($1) AND scale_id = 'phq9_total'`,
      [written.map((w) => w.episodeId)],
    );
    const got = new Map(rows.map((r) => [r.episode_id, Number(r.latest)]));
    expect(written.filter((w) => got.get(w.episodeId) !== w.latest)).toEqual([]);
    const check = await runCli('aggregates-check.js', env());
    expect(check.output).toMatch(/0 differences/);
    expect(check.code).toBe(0);
  }, 300_000);
});

