import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError, Role } from '#domain';
import type { Actor } from '#access';
import { bodyHash, IdempotencyService, RetryLaterError } from '../../apps/api/src/common/idempotency.js';
import { WorldFactory } from '../factories/world.factory.js';
import { openTestDataSource } from '../utils/database.js';

let ds: DataSource;
let sut: IdempotencyService;
let alice: Actor;
let bob: Actor;
let n = 0;
const key = () => `k-${Date.now()}-${++n}`;
const ROUTE = 'POST /api/v1/things';

/** A write (one outbox row) in the transaction the service runs it in, as a service's work does. */
function writeWork(municipalityId: string, tag: string, calls: { n: number }, opts: { fail?: boolean; gate?: Promise<void>; backend?: (pid: number) => void } = {}) {
  return async (m: EntityManager) => {
    calls.n++;
    const [{ pid }] = await m.query(`SELECT pg_backend_pid() AS pid`);
    opts.backend?.(pid);
    await opts.gate;
    // Written as already sent, so no outbox relay or consumer ever picks it up.
    await m.query(`INSERT INTO outbox (municipality_id, topic, payload, sent_at) VALUES ($1, 'test.idempotency', $2::jsonb, now())`, [municipalityId, JSON.stringify({ tag })]);
    if (opts.fail) throw new Error('the write failed after its row was written');
    return { tag, n: calls.n };
  };
}

async function rowsTagged(tag: string): Promise<number> {
  return (await ds.query(`SELECT count(*)::int AS n FROM outbox WHERE topic = 'test.idempotency' AND payload->>'tag' = $1`, [tag]))[0].n;
}
async function stored(actor: Actor, k: string) {
  return (await ds.query(`SELECT status_code, response_body, completed_at FROM idempotency_record WHERE user_id = $1 AND key = $2`, [actor.userId, k]))[0] ?? null;
}

let municipalityId: string;

beforeAll(async () => {
  ds = await openTestDataSource();
  sut = new IdempotencyService(ds);
  const f = new WorldFactory(ds);
  const world = await f.create();
  municipalityId = world.municipalityId;
  alice = { userId: (await f.user(world.municipalityId, Role.Caseworker, world.unitA)).id } as Actor;
  bob = { userId: (await f.user(world.municipalityId, Role.Caseworker, world.unitA)).id } as Actor;
});

afterAll(async () => {
  await ds?.destroy();
});

describe(IdempotencyService.name, () => {
  it('without a key the work simply runs, every time', async () => {
    const calls = { n: 0 };
    const tag = key();
    for (let i = 0; i < 2; i++) {
      const out = await sut.execute(alice, { key: undefined, route: ROUTE }, { a: 1 }, { status: 201 }, writeWork(municipalityId, tag, calls));
      expect(out).toEqual({ status: 201, body: { tag, n: i + 1 }, replayed: false });
    }
    expect(await rowsTagged(tag)).toBe(2);
  });

  it('stores the result with the write and replays it for the same body (any key order) without running the work', async () => {
    const calls = { n: 0 };
    const k = key();
    const first = await sut.execute(alice, { key: k, route: ROUTE }, { a: 1, b: [1, 2] }, { status: 201 }, writeWork(municipalityId, k, calls));
    expect(first).toEqual({ status: 201, body: { tag: k, n: 1 }, replayed: false });
    expect(await stored(alice, k)).toMatchObject({ status_code: 201, response_body: { tag: k, n: 1 }, completed_at: expect.any(Date) });
    const replays: unknown[] = [];
    const again = await sut.execute(alice, { key: k, route: ROUTE }, { b: [1, 2], a: 1 }, { status: 201, onReplay: async (_m, body) => void replays.push(body) }, writeWork(municipalityId, k, calls));
    expect(again).toEqual({ status: 201, body: { tag: k, n: 1 }, replayed: true });
    expect(replays).toEqual([{ tag: k, n: 1 }]);
    expect(calls.n).toBe(1);
    expect(await rowsTagged(k)).toBe(1);
  });

  it('the same key with another body or on another route is KEY_REUSED (422)', async () => {
    const calls = { n: 0 };
    const k = key();
    await sut.execute(alice, { key: k, route: ROUTE }, { a: 1 }, { status: 201 }, writeWork(municipalityId, k, calls));
    for (const [route, body] of [
      [ROUTE, { a: 2 }],
      ['POST /api/v1/other', { a: 1 }],
    ] as const) {
      const err = await sut.execute(alice, { key: k, route }, body, { status: 201 }, writeWork(municipalityId, k, calls)).catch((e) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect(err).toMatchObject({ code: 'IDEMPOTENCY.KEY_REUSED', kind: 'unprocessable' });
    }
    expect(calls.n).toBe(1);
  });

  it('keys belong to one user', async () => {
    const calls = { n: 0 };
    const k = key();
    await sut.execute(alice, { key: k, route: ROUTE }, { a: 1 }, { status: 201 }, writeWork(municipalityId, k, calls));
    const bobs = await sut.execute(bob, { key: k, route: ROUTE }, { a: 1 }, { status: 201 }, writeWork(municipalityId, k, calls));
    expect(bobs.replayed).toBe(false);
    expect(calls.n).toBe(2);
  });

  it('a concurrent duplicate sees the claim: IN_FLIGHT with a retry time, and the work runs once', async () => {
    const calls = { n: 0 };
    const k = key();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const first = sut.execute(alice, { key: k, route: ROUTE }, { a: 1 }, { status: 201 }, writeWork(municipalityId, k, calls, { gate }));
    // The claim is the first's uncommitted row; wait until the first is inside its work. The duplicate waits on that
    // row (2 s at most), then answers IN_FLIGHT.
    while (calls.n === 0) await new Promise((r) => setTimeout(r, 5));
    const second = await sut.execute(alice, { key: k, route: ROUTE }, { a: 1 }, { status: 201 }, writeWork(municipalityId, k, calls)).catch((e) => e);
    expect(second).toBeInstanceOf(RetryLaterError);
    expect(second).toMatchObject({ code: 'IDEMPOTENCY.IN_FLIGHT', kind: 'conflict', retryAfterSeconds: 1 });
    open();
    expect((await first).replayed).toBe(false);
    const third = await sut.execute(alice, { key: k, route: ROUTE }, { a: 1 }, { status: 201 }, writeWork(municipalityId, k, calls));
    expect(third.replayed).toBe(true);
    expect(calls.n).toBe(1);
    expect(await rowsTagged(k)).toBe(1);
  });

  it('many concurrent duplicates: exactly one runs the work', async () => {
    const calls = { n: 0 };
    const k = key();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () =>
        sut.execute(alice, { key: k, route: ROUTE }, { a: 1 }, { status: 201 }, writeWork(municipalityId, k, calls)).then(
          (o) => (o.replayed ? 'replayed' : 'ran'),
          (e) => (e instanceof RetryLaterError ? 'in_flight' : String(e)),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'ran')).toHaveLength(1);
    expect(outcomes.every((o) => ['ran', 'replayed', 'in_flight'].includes(o))).toBe(true);
    expect(await rowsTagged(k)).toBe(1);
  });

  it('a failed attempt rolls back with its claim, so a retry runs the work', async () => {
    const calls = { n: 0 };
    const k = key();
    await expect(sut.execute(alice, { key: k, route: ROUTE }, { a: 1 }, { status: 201 }, writeWork(municipalityId, k, calls, { fail: true }))).rejects.toThrow('failed');
    expect(await stored(alice, k)).toBeNull();
    expect(await rowsTagged(k)).toBe(0);
    const retry = await sut.execute(alice, { key: k, route: ROUTE }, { a: 1 }, { status: 201 }, writeWork(municipalityId, k, calls));
    expect(retry).toEqual({ status: 201, body: { tag: k, n: 2 }, replayed: false });
    expect(await rowsTagged(k)).toBe(1);
  });

  it('a request whose database connection dies leaves no claim behind: the retry runs at once, the first wrote nothing', async () => {
    const calls = { n: 0 };
    const k = key();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let pid = 0;
    const first = sut.execute(alice, { key: k, route: ROUTE }, { a: 1 }, { status: 201 }, writeWork(municipalityId, k, calls, { gate, backend: (p) => (pid = p) })).catch((e) => e);
    while (!pid) await new Promise((r) => setTimeout(r, 5));
    // The connection is lost in mid-request, as when PostgreSQL restarts or the API process is killed.
    await ds.query(`SELECT pg_terminate_backend($1)`, [pid]);
    open();
    expect(await first).toBeInstanceOf(Error);
    expect(await stored(alice, k)).toBeNull();
    const retry = await sut.execute(alice, { key: k, route: ROUTE }, { a: 1 }, { status: 201 }, writeWork(municipalityId, k, calls));
    expect(retry).toEqual({ status: 201, body: { tag: k, n: 2 }, replayed: false });
    expect(await rowsTagged(k)).toBe(1);
  });

  it('takes over a committed claim without an outcome (left by an earlier version) once it is old, but not a fresh one', async () => {
    const calls = { n: 0 };
    const k = key();
    await ds.query(`INSERT INTO idempotency_record (user_id, key, route, body_hash, created_at) VALUES ($1, $2, $3, $4, now() - interval '1 minute')`, [
      alice.userId,
      k,
      ROUTE,
      bodyHash({ a: 1 }),
    ]);
    await expect(sut.execute(alice, { key: k, route: ROUTE }, { a: 1 }, { status: 201 }, writeWork(municipalityId, k, calls))).rejects.toBeInstanceOf(RetryLaterError);
    await ds.query(`UPDATE idempotency_record SET created_at = now() - interval '1 hour' WHERE user_id = $1 AND key = $2`, [alice.userId, k]);
    const out = await sut.execute(alice, { key: k, route: ROUTE }, { a: 1 }, { status: 201 }, writeWork(municipalityId, k, calls));
    expect(out.replayed).toBe(false);
    expect(calls.n).toBe(1);
  });

  it('refuses keys outside 1–200 characters', async () => {
    for (const k of ['', 'x'.repeat(201)]) {
      const err = await sut.execute(alice, { key: k, route: ROUTE }, {}, { status: 201 }, async () => ({ tag: '', n: 0 })).catch((e) => e);
      expect(err).toMatchObject({ code: 'IDEMPOTENCY.KEY_INVALID', kind: 'invalid' });
    }
  });
});
