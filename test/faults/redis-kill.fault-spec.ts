import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { quiescent, waitFor } from '../integration/aggregation-fixture.js';
import { FaultStack, sleep } from './harness.js';
import { assertAggregatesEqualRebuild, assertReplaysAnswerOriginal, assertStoredExactlyOnce, ResponseLoad, type Seeded, seedResponseSlots } from './response-load.js';

/*
 * Redis killed with SIGKILL (no chance to flush anything) while caseworkers record responses through the API and the
 * worker aggregates them; restarted on the same port with its append-only file (fsync on every write).
 */
let stack: FaultStack;
let seeded: Seeded;

beforeAll(async () => {
  stack = await new FaultStack().start();
  seeded = await seedResponseSlots(stack.ds, 50);
  stack.worker.start();
  await stack.api.startReady();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

describe('fault: Redis is killed with SIGKILL during writes and restarted with its AOF', () => {
  it('every acknowledged response is stored once, and once the worker caught up the aggregates equal a rebuild', async () => {
    const load = new ResponseLoad(stack.api.baseUrl, seeded, { writers: 4, thinkMs: 60 });
    await load.signIn();
    load.startReading();
    const writing = load.write(100_000);
    await load.acknowledged(seeded.slots.length / 4);
    await stack.redis.stop('SIGKILL');
    const killedAt = Date.now();
    // Writes go on without the queue: PostgreSQL acknowledges each with its outbox row and scope requests, which wait.
    await load.acknowledged(seeded.slots.length / 2);
    await sleep(2500);
    expect(await quiescent(stack.ds, seeded.world.municipalityId)).toBe(false);
    // Down until readiness, asked after the kill, has answered (its queue probe gives up after 2 s).
    await waitFor(async () => load.between(killedAt, Date.now()).some((x) => x.kind === 'ready'), 20_000, 'a readiness answer while Redis is down');
    const restartAt = Date.now();
    await stack.redis.start();
    await writing;
    await sleep(300);
    await load.stopReading();

    // While Redis was dead, writes and reads were answered 2xx; only readiness said 503 (queue down).
    const during = load.between(killedAt, restartAt);
    expect(during.filter((x) => x.kind === 'write' && x.status === 201).length).toBeGreaterThan(0);
    expect(during.filter((x) => x.kind === 'ready').length).toBeGreaterThan(0);
    expect(during.filter((x) => x.kind === 'ready' && x.status !== 503)).toEqual([]);
    expect(load.exchanges.filter((x) => x.kind !== 'ready' && (x.status < 200 || x.status >= 300)).map((x) => ({ kind: x.kind, status: x.status, error: x.error }))).toEqual([]);
    expect([stack.api.alive, stack.worker.alive]).toEqual([true, true]);
    expect((await fetch(`${stack.api.baseUrl}/health/ready`)).status).toBe(200);

    await assertStoredExactlyOnce(stack.ds, seeded, load);
    await assertReplaysAnswerOriginal(stack.ds, seeded, load);
    await assertAggregatesEqualRebuild(stack.ds, seeded.world.municipalityId);
  }, 180_000);
});
