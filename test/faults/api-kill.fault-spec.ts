import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '../integration/aggregation-fixture.js';
import { AnswerGate, FaultStack } from './harness.js';
import { assertAggregatesEqualRebuild, assertReplaysAnswerOriginal, assertStoredExactlyOnce, ResponseLoad, type Seeded, seedResponseSlots } from './response-load.js';

/*
 * The API killed with SIGKILL while caseworkers record responses with an Idempotency-Key each; a new API process is
 * started on the same port, and every request that got no 2xx is sent again with the same key and body. At the kill
 * both kinds of interrupted request are certain, not left to timing: writes that committed but whose answer was held
 * back (AnswerGate), and writes stopped inside their transaction on an occasion the test has locked.
 */
let stack: FaultStack;
let seeded: Seeded;
let gate: AnswerGate;

/** API connections waiting for a lock: requests stopped inside their transaction. */
async function apiWaitingOnLocks(): Promise<number> {
  const [{ n }] = await stack.ds.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'matpunkt-api' AND wait_event_type = 'Lock'`);
  return n;
}

beforeAll(async () => {
  stack = await new FaultStack().start();
  seeded = await seedResponseSlots(stack.ds, 50);
  stack.worker.start();
  await stack.api.startReady();
  gate = new AnswerGate(stack.api.port);
  await gate.start();
}, 120_000);

afterAll(async () => {
  await gate?.stop();
  await stack?.stop();
}, 60_000);

describe('fault: the API is killed with SIGKILL in mid-request and started again', () => {
  it('every logical write is stored exactly once, none is lost, and a replay answers the original body', async () => {
    const load = new ResponseLoad(gate.url, seeded, { writers: 8, thinkMs: 20 });
    await load.signIn();
    const writing = load.write(100_000);
    await load.acknowledged(seeded.slots.length / 3);

    // Two episodes a little ahead of the writers get their start occasion locked: the writes to them will stop
    // inside their transaction (claim included), while the other writers go on.
    const first = (load.sent + 30) & ~1;
    const locked = seeded.slots.slice(first, first + 4).map((s) => s.occasionId);
    const locker = stack.ds.createQueryRunner();
    await locker.connect();
    await locker.startTransaction();
    await locker.query(`SELECT id FROM occasion WHERE id = ANY($1) FOR UPDATE`, [locked]);
    await waitFor(async () => (await apiWaitingOnLocks()) > 0, 20_000, 'a write stopped inside its transaction');
    // From now on the other writes commit, but their answers are held back.
    gate.hold();
    await waitFor(async () => gate.heldAnswers > 0, 20_000, 'a committed write with its answer held back');
    const committedUnanswered = gate.heldAnswers;
    const killedAt = Date.now();
    await stack.api.kill('SIGKILL');
    gate.cut();
    await locker.rollbackTransaction();
    await locker.release();
    await stack.replaceApi().startReady();
    const restartedAt = Date.now();
    await writing;

    // Writers were cut off without an answer and sent the same key and body again.
    const cut = load.exchanges.filter((x) => x.kind === 'write' && x.status === 0);
    expect(cut.length).toBeGreaterThanOrEqual(committedUnanswered);
    expect(cut.every((x) => x.endedAt >= killedAt && x.startedAt < restartedAt)).toBe(true);
    // The writes that had committed were answered, on retry, with a replay of their stored result.
    expect([...load.acks.values()].filter((a) => a.replayed).length).toBeGreaterThanOrEqual(committedUnanswered);
    // Every HTTP answer was a 2xx: the writes killed inside their transaction left no claim behind, so their retries
    // ran at once on the new process (no 409 IN_FLIGHT, no 409 ALREADY_RECORDED).
    expect(load.exchanges.filter((x) => x.status !== 0 && (x.status < 200 || x.status >= 300)).map((x) => ({ status: x.status, code: x.code }))).toEqual([]);

    await assertStoredExactlyOnce(stack.ds, seeded, load);
    await assertReplaysAnswerOriginal(stack.ds, seeded, load);
    await assertAggregatesEqualRebuild(stack.ds, seeded.world.municipalityId);
    expect(stack.worker.alive).toBe(true);
  }, 180_000);
});
