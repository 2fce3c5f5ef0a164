import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FaultStack, sleep } from './harness.js';
import { assertAggregatesEqualRebuild, assertReplaysAnswerOriginal, assertStoredExactlyOnce, ResponseLoad, type Seeded, seedResponseSlots } from './response-load.js';

/*
 * PostgreSQL restarted under load: the throwaway embedded PostgreSQL is shut down for a few seconds and started
 * again on the same port and data directory, while caseworkers record responses (Idempotency-Key, retried until a
 * 2xx) and read personal data through the API from dist/, with the worker running.
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

describe('fault: PostgreSQL is restarted while clients write and read', () => {
  it('answers 503 (never a 2xx, never a 500) while it is down, is ready again without a restart, and stores each write once', async () => {
    const load = new ResponseLoad(stack.api.baseUrl, seeded, { writers: 6, thinkMs: 40 });
    await load.signIn();
    load.startReading();
    const writing = load.write(100_000);
    await load.acknowledged(seeded.slots.length / 4);
    const apiPid = stack.api.pid;
    await stack.pg.down();
    const downAt = Date.now();
    await sleep(4000);
    const upAt = Date.now();
    await stack.pg.up();
    await writing;
    await sleep(300);
    await load.stopReading();

    // While the database was down, every answer (writes, personal-data reads, the page, readiness) was a 503.
    const during = load.between(downAt, upAt);
    for (const kind of ['write', 'read', 'page', 'ready'] as const) expect(during.filter((x) => x.kind === kind).length).toBeGreaterThan(3);
    expect(during.filter((x) => x.status !== 503).map((x) => ({ kind: x.kind, status: x.status, code: x.code, error: x.error }))).toEqual([]);
    for (const x of during.filter((x) => x.kind === 'write' || x.kind === 'read')) {
      expect(x.body).toMatchObject({
        code: 'SERVICE.UNAVAILABLE',
        message: { sv: 'Tjänsten är tillfälligt otillgänglig. Försök igen.', en: 'The service is temporarily unavailable. Try again.' },
      });
    }
    for (const x of during.filter((x) => x.kind === 'ready')) expect(x.body).toMatchObject({ status: 'unavailable', database: 'down' });
    for (const x of during.filter((x) => x.kind === 'page')) expect(String(x.body)).toContain('Tjänsten är tillfälligt otillgänglig.');
    // Before, during and after: never a 500 or another 5xx, and the API never stopped answering.
    expect(load.exchanges.filter((x) => x.status === 0 || (x.status >= 500 && x.status !== 503)).map((x) => ({ kind: x.kind, status: x.status, error: x.error }))).toEqual([]);
    // Ready again without a restart: the same process answers 200.
    expect([stack.api.alive, stack.api.pid]).toEqual([true, apiPid]);
    expect((await fetch(`${stack.api.baseUrl}/health/ready`)).status).toBe(200);
    expect(load.exchanges.filter((x) => x.kind === 'write' && x.startedAt > upAt && x.status >= 200 && x.status < 300).length).toBeGreaterThan(0);

    await assertStoredExactlyOnce(stack.ds, seeded, load);
    await assertReplaysAnswerOriginal(stack.ds, seeded, load);
    await assertAggregatesEqualRebuild(stack.ds, seeded.world.municipalityId);
    expect(stack.worker.alive).toBe(true);
  }, 180_000);
});
