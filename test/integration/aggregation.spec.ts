import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AggregationEngine, recomputeJobId, requestScopes, tierKey } from '#aggregation';
import { JobName, JobProducer, QueueName } from '#jobs';
import { RetentionRepository } from '#persistence';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';
import { openTestDataSource, testDatabaseUrl } from '../utils/database.js';
import { CohortBuilder, quiescent, waitFor } from './aggregation-fixture.js';

const backend = process.env.REDIS_URL ? 'redis' : 'postgres';
let worker: INestApplicationContext;
let ds: DataSource;
let c: CohortBuilder;
let engine: AggregationEngine;

async function settle(): Promise<void> {
  await waitFor(() => quiescent(ds, c.world.municipalityId), 90_000, 'aggregates to settle');
}

async function figures(): Promise<string> {
  const rows = await ds.query(
    `SELECT scope_key, period_key, breakdown_key, figure, subject, stats FROM aggregate_figure WHERE municipality_id = $1
      ORDER BY scope_key, period_key, breakdown_key, figure, subject`,
    [c.world.municipalityId],
  );
  return JSON.stringify(rows);
}

beforeAll(async () => {
  ds = await openTestDataSource();
  c = await new CohortBuilder(ds).setup();
  worker = await NestFactory.createApplicationContext(
    WorkerModule.forRoot({
      databaseUrl: testDatabaseUrl(),
      redisUrl: process.env.REDIS_URL || undefined,
      queuePrefix: `mp-agg-${randomUUID().slice(0, 8)}`,
      relay: { enabled: true, pollMs: 50, sweepMs: 1000 },
    }),
    { logger: false },
  );
  await worker.init();
  engine = worker.get(AggregationEngine);
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await ds?.destroy();
});

describe(`aggregation through the outbox relay and BullMQ on ${backend}`, () => {
  it('a stream of writes across units ends in aggregates equal to a full rebuild', async () => {
    const units = [c.world.unitA, c.world.teamA1, c.world.unitB];
    const second = await c.method('M2');
    const episodes: string[] = [];
    // 24 clients, interleaved writes: starts, follow-ups, closes, corrections, goals, a unit move, a sex change.
    for (let i = 0; i < 24; i++) {
      const unit = units[i % 3]!;
      const clientId = await c.client({ unitId: unit.id, sex: i % 4 === 0 ? 'male' : 'female', birthYear: 1950 + i * 2 });
      const e = await c.episode({
        clientId,
        unitId: unit.id,
        methodId: i % 2 ? second : c.methodId,
        start: `2025-0${1 + (i % 6)}-0${1 + (i % 9)}`,
      });
      episodes.push(e);
      await c.measure(e, 'start', 0, `2025-0${1 + (i % 6)}-0${1 + (i % 9)}`, 5 + (i % 18));
      await c.measure(e, 'start', 0, `2025-0${1 + (i % 6)}-0${1 + (i % 9)}`, 5 + ((i * 7) % 20), 'custom');
    }
    for (let i = 0; i < 24; i++) {
      await c.measure(episodes[i]!, 'follow_up', 1, `2025-${String(7 + (i % 5)).padStart(2, '0')}-1${i % 9}`, (i * 5) % 27);
      if (i % 3 === 0)
        await c.measure(episodes[i]!, 'follow_up', 1, `2025-${String(7 + (i % 5)).padStart(2, '0')}-1${i % 9}`, (i * 3) % 27); // correction
      if (i % 4 === 0) await c.goal(episodes[i]!, '2025-09-01', (i % 5) - 2);
    }
    // Move one episode to another unit; change one client's sex.
    await ds.transaction(async (m) => {
      const [e] = await m.query(`UPDATE episode SET org_unit_id = $2 WHERE id = $1 RETURNING client_id`, [episodes[0], c.world.unitB.id]);
      await m.query(`INSERT INTO outbox (municipality_id, topic, payload) VALUES ($1, 'episode.changed', $2)`, [
        c.world.municipalityId,
        JSON.stringify({ episodeId: episodes[0], clientId: e[0].client_id }),
      ]);
      const [cl] = await m.query(`UPDATE client SET sex = 'other' WHERE id = (SELECT client_id FROM episode WHERE id = $1) RETURNING id`, [
        episodes[1],
      ]);
      await m.query(`INSERT INTO outbox (municipality_id, topic, payload) VALUES ($1, 'client.changed', $2)`, [
        c.world.municipalityId,
        JSON.stringify({ clientId: cl[0].id }),
      ]);
    });
    await settle();
    const result = await engine.check(c.world.municipalityId);
    expect(result.differences).toEqual([]);
    expect(result.total).toBe(0);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM aggregate_figure WHERE municipality_id = $1`, [c.world.municipalityId]);
    expect(n).toBeGreaterThan(100);
  }, 120_000);

  it('a group membership change and a client deleted by retention keep the cells equal to a rebuild', async () => {
    const municipalityId = c.world.municipalityId;
    const members: { id: string; client_id: string }[] = await ds.query(
      `SELECT id, client_id FROM episode WHERE municipality_id = $1 AND org_unit_id = $2 ORDER BY id LIMIT 3`,
      [municipalityId, c.world.unitA.id],
    );
    expect(members.length).toBe(3);
    const [group] = await ds.query(
      `INSERT INTO client_group (municipality_id, org_unit_id, name) VALUES ($1, $2, 'Samtalsgrupp') RETURNING id`,
      [municipalityId, c.world.unitA.id],
    );
    await ds.transaction(async (m) => {
      for (const e of members)
        await m.query(`INSERT INTO group_membership (group_id, episode_id, joined_on) VALUES ($1, $2, '2025-01-01')`, [group.id, e.id]);
      await m.query(`INSERT INTO outbox (municipality_id, topic, payload) VALUES ($1, 'group.changed', $2)`, [
        municipalityId,
        JSON.stringify({ groupId: group.id }),
      ]);
    });
    await settle();
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM aggregate_figure WHERE scope_key = $1 AND figure = 'episodes' AND breakdown_key = 'all' AND subject = '*'`,
      [`group:${group.id}`],
    );
    expect(n).toBeGreaterThan(0);
    const first = await engine.check(municipalityId);
    expect(first.differences.slice(0, 8)).toEqual([]);
    expect(first.total).toBe(0);

    // One member leaves the group; then retention deletes another member's whole record.
    await ds.transaction(async (m) => {
      await m.query(`DELETE FROM group_membership WHERE group_id = $1 AND episode_id = $2`, [group.id, members[0]!.id]);
      await m.query(`INSERT INTO outbox (municipality_id, topic, payload) VALUES ($1, 'group.changed', $2)`, [
        municipalityId,
        JSON.stringify({ groupId: group.id }),
      ]);
    });
    await settle();
    expect((await engine.check(municipalityId)).total).toBe(0);
    const active = async () => {
      const [row] = await ds.query(
        `SELECT (stats->>'n_active')::int AS n FROM aggregate_figure WHERE scope_key = $1 AND period_key = '2025' AND breakdown_key = 'all' AND figure = 'episodes' AND subject = '*'`,
        [`group:${group.id}`],
      );
      return row?.n ?? 0;
    };
    expect(await active()).toBe(2);
    // A membership that ended before the episode started: the episode no longer counts in the group at all.
    await ds.transaction(async (m) => {
      await m.query(
        `UPDATE group_membership SET joined_on = '2024-12-01', left_on = '2024-12-31' WHERE group_id = $1 AND episode_id = $2`,
        [group.id, members[2]!.id],
      );
      await m.query(`INSERT INTO outbox (municipality_id, topic, payload) VALUES ($1, 'group.changed', $2)`, [
        municipalityId,
        JSON.stringify({ groupId: group.id }),
      ]);
    });
    await settle();
    expect(await active()).toBe(1);
    expect((await engine.check(municipalityId)).total).toBe(0);
    const gone = members[1]!.client_id;
    await ds.transaction(async (m) => {
      await engine.forgetClients(m, municipalityId, [gone]);
      await new RetentionRepository(m).deleteClients(municipalityId, [gone]);
    });
    await settle();
    const [{ left }] = await ds.query(`SELECT count(*)::int AS left FROM aggregate_client_episode WHERE client_id = $1`, [gone]);
    expect(left).toBe(0);
    const result = await engine.check(municipalityId);
    expect(result.differences).toEqual([]);
    expect(result.total).toBe(0);
  }, 120_000);

  it('every aggregate row carries when it was computed and the newest source change it includes', async () => {
    const rows = await ds.query(
      `SELECT f.computed_at, f.source_changed_at, f.computed_seq, s.computed_seq AS state_seq FROM aggregate_figure f
         JOIN aggregate_scope_state s ON s.scope_key = f.scope_key WHERE f.municipality_id = $1`,
      [c.world.municipalityId],
    );
    const [{ newest }] = await ds.query(`SELECT max(created_at) AS newest FROM outbox WHERE municipality_id = $1`, [
      c.world.municipalityId,
    ]);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.computed_at).toBeInstanceOf(Date);
      expect(r.source_changed_at).toBeInstanceOf(Date);
      expect(r.source_changed_at.getTime()).toBeLessThanOrEqual(newest.getTime());
      expect(BigInt(r.computed_seq)).toBeLessThanOrEqual(BigInt(r.state_seq));
    }
  });

  it('a duplicate delivery changes nothing', async () => {
    const before = await figures();
    // Every outbox row of the municipality delivered again, and every recompute job enqueued twice more.
    await ds.query(`UPDATE outbox SET sent_at = NULL WHERE municipality_id = $1`, [c.world.municipalityId]);
    await settle();
    const scopes: { scope_key: string; computed_seq: string }[] = await ds.query(
      `SELECT scope_key, computed_seq FROM aggregate_scope_state WHERE municipality_id = $1`,
      [c.world.municipalityId],
    );
    await engine.enqueue(
      scopes.map((s) => ({ scopeKey: s.scope_key, municipalityId: c.world.municipalityId, computedSeq: String(s.computed_seq) })),
    );
    for (const s of scopes.slice(0, 5)) await engine.recompute(c.world.municipalityId, s.scope_key);
    await settle();
    expect(await figures()).toBe(before);
    expect((await engine.check(c.world.municipalityId)).total).toBe(0);
  }, 120_000);

  it('coalesces: a burst of requests for scopes of one tier waits as one job', async () => {
    const producer = worker.get(JobProducer);
    const queue = producer.queue(QueueName.Aggregation);
    await queue.pause();
    try {
      const municipalityId = c.world.municipalityId;
      const tier = tierKey('smallbatch', municipalityId);
      for (let i = 0; i < 20; i++) {
        const key = i % 2 ? `unit:${c.world.unitA.id}` : `unit:${c.world.unitB.id}`;
        const reqs = await ds.transaction((m) =>
          requestScopes(m, [
            { scopeKey: key, municipalityId, sourceAt: new Date() },
            { scopeKey: tier, municipalityId, sourceAt: null },
          ]),
        );
        await engine.enqueue(reqs.filter((r) => r.scopeKey === tier));
      }
      const [{ computed_seq }] = await ds.query(`SELECT computed_seq FROM aggregate_scope_state WHERE scope_key = $1`, [tier]);
      const waiting = await queue.getJobs(['waiting', 'prioritized', 'delayed']);
      expect(waiting.filter((j) => j.name === JobName.AggregateRecomputeScope && j.data.scopeKey === tier).map((j) => j.id)).toEqual([
        recomputeJobId(tier, computed_seq),
      ]);
    } finally {
      await queue.resume();
    }
    await settle();
  }, 60_000);

  it('a request that arrives while the scope is being recomputed is not lost', async () => {
    const key = `unit:${c.world.unitB.id}`;
    const municipalityId = c.world.municipalityId;
    const tiers = ['smallbatch', 'largebatch'].map((t) => ({
      scopeKey: tierKey(t as 'smallbatch' | 'largebatch', municipalityId),
      municipalityId,
      sourceAt: null,
    }));
    // Hold the scope's state row while the job starts: the job snapshots requested_seq, then we request again
    // before it finishes; the job must leave the scope pending and re-enqueue its tier.
    const enqueued: string[] = [];
    const local = new AggregationEngine(ds, async (reqs) => void enqueued.push(...reqs.map((r) => r.scopeKey)));
    await ds.transaction((m) => requestScopes(m, [{ scopeKey: key, municipalityId, sourceAt: new Date() }, ...tiers]));
    const runner = ds.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    // A competing request that commits only after the job has read its snapshot.
    await requestScopes(runner.manager, [{ scopeKey: key, municipalityId, sourceAt: new Date() }, ...tiers]);
    const job = local.recompute(municipalityId, key);
    await new Promise((r) => setTimeout(r, 300));
    await runner.commitTransaction();
    await runner.release();
    expect(await job).toBe('computed');
    const [st] = await ds.query(`SELECT requested_seq, computed_seq FROM aggregate_scope_state WHERE scope_key = $1`, [key]);
    if (BigInt(st.requested_seq) > BigInt(st.computed_seq))
      expect(enqueued.filter((k) => k.endsWith(`batch:${municipalityId}`)).length).toBeGreaterThan(0);
    await settle();
    expect((await engine.check(municipalityId)).total).toBe(0);
  }, 60_000);

  it('aggregates:check reports a tampered aggregate', async () => {
    await ds.query(
      `UPDATE aggregate_figure SET stats = jsonb_set(stats, '{n_clients}', '999') WHERE ctid = (SELECT ctid FROM aggregate_figure WHERE municipality_id = $1 AND figure = 'outcome' LIMIT 1)`,
      [c.world.municipalityId],
    );
    const result = await engine.check(c.world.municipalityId);
    expect(result.total).toBe(2); // the stored row and its fresh counterpart
    expect(result.differences.map((d) => d.side).sort()).toEqual(['fresh_only', 'stored_only']);
    await engine.rebuild(c.world.municipalityId);
    expect((await engine.check(c.world.municipalityId)).total).toBe(0);
  }, 60_000);

  it('after an upgrade without cells, client batches wait for the rebuild instead of applying differences to nothing', async () => {
    const municipalityId = c.world.municipalityId;
    await ds.query(`DELETE FROM aggregate_reference WHERE municipality_id = $1`, [municipalityId]);
    expect(await engine.municipalitiesWithoutCells()).toContain(municipalityId);
    const [{ client_id }] = await ds.query(`SELECT client_id FROM aggregate_client_episode WHERE municipality_id = $1 LIMIT 1`, [
      municipalityId,
    ]);
    await ds.transaction((m) =>
      requestScopes(m, [
        { scopeKey: `client:${client_id}`, municipalityId, sourceAt: new Date() },
        { scopeKey: tierKey('clientbatch', municipalityId), municipalityId, sourceAt: null },
      ]),
    );
    expect(await engine.runTier(municipalityId, 'clientbatch')).toBe('busy');
    const [st] = await ds.query(`SELECT requested_seq > computed_seq AS pending FROM aggregate_scope_state WHERE scope_key = $1`, [
      `client:${client_id}`,
    ]);
    expect(st.pending).toBe(true);
    await engine.rebuild(municipalityId);
    expect(await engine.municipalitiesWithoutCells()).not.toContain(municipalityId);
    await settle();
    expect((await engine.check(municipalityId)).total).toBe(0);
  }, 60_000);
});
