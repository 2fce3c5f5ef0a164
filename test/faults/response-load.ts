import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { AggregationEngine } from '#aggregation';
import { addDays, OccasionKind, Role, swedishToday } from '#domain';
import { createEpisodeWorld, type World } from '../factories/episode.factory.js';
import { type TestUser, WorldFactory } from '../factories/world.factory.js';
import { quiescent, waitFor } from '../integration/aggregation-fixture.js';
import { HttpSession } from '../utils/http-session.js';
import { sleep } from './harness.js';

/**
 * Write load for the fault specs: caseworkers recording questionnaire responses over real HTTP with an
 * `Idempotency-Key` each, retrying the same key and body until they get a 2xx, while readers keep fetching personal
 * data; then the checks every fault must pass (stored exactly once, replays answer the original, aggregates equal a
 * fresh rebuild).
 */

/** One logical write: a response at an occasion, with the key and body its client sends on every attempt. */
export interface ResponseSlot {
  key: string;
  url: string;
  occasionId: string;
  instrumentCode: string;
  body: Record<string, unknown>;
}

export interface Seeded {
  world: World;
  caseworker: TestUser;
  episodeIds: string[];
  clientIds: string[];
  slots: ResponseSlot[];
}

const answers = (prefix: string, n: number, seed: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}_${i + 1}`, (seed + i) % 4]));

/**
 * A municipality with `episodes` open episodes (started two weeks ago, one caseworker), written with the factories;
 * each start occasion takes PHQ-9 and GAD-7, so two writes per episode. The aggregates are rebuilt afterwards, so the
 * stored aggregates equal a rebuild before the load begins (the factories write no outbox rows).
 */
export async function seedResponseSlots(ds: DataSource, episodes: number): Promise<Seeded> {
  const today = swedishToday();
  const startDate = addDays(today, -14);
  const f = new WorldFactory(ds);
  const world = await f.create();
  const caseworker = await f.user(world.municipalityId, Role.Caseworker, world.unitA);
  const seeded: Seeded = { world, caseworker, episodeIds: [], clientIds: [], slots: [] };
  for (let i = 0; i < episodes; i++) {
    const e = await createEpisodeWorld(ds, { world, caseworker, startDate, today, instruments: ['phq9', 'gad7'] });
    seeded.episodeIds.push(e.episode.id);
    seeded.clientIds.push(e.client.id);
    const occasionId = e.occasion(OccasionKind.Start).id;
    for (const [code, n] of [
      ['phq9', 9],
      ['gad7', 7],
    ] as const) {
      seeded.slots.push({
        key: `fault-${randomUUID()}`,
        url: `/api/v1/occasions/${occasionId}/responses`,
        occasionId,
        instrumentCode: code,
        body: { instrumentCode: code, answeredOn: startDate, respondent: 'client', mode: 'with_caseworker', answers: answers(code, n, i) },
      });
    }
  }
  await new AggregationEngine(ds, async () => undefined).rebuild(world.municipalityId);
  return seeded;
}

/** One HTTP exchange as a client saw it; status 0 = no HTTP answer (connection refused or reset, timeout). */
export interface Exchange {
  kind: 'write' | 'read' | 'page' | 'ready';
  startedAt: number;
  endedAt: number;
  status: number;
  code?: string;
  body?: unknown;
  error?: string;
}

export interface Ack {
  slot: ResponseSlot;
  status: number;
  body: any;
  /** The first 2xx the client got was a replay (the original answer was lost with the process that sent it). */
  replayed: boolean;
  attempts: number;
}

/**
 * Caseworker clients over HTTP. Writers take the next slot and send it until a 2xx: a 503, no answer at all or
 * 409 `IDEMPOTENCY.IN_FLIGHT` is retried with the same key and body; any other answer is unexpected and recorded.
 * Readers fetch an episode's responses (JSON) and a client page (HTML), and probe /health/ready.
 */
export class ResponseLoad {
  readonly exchanges: Exchange[] = [];
  readonly acks = new Map<string, Ack>();
  readonly unexpected: Exchange[] = [];
  private next = 0;
  private reading = false;
  private readers: Promise<void>[] = [];
  private sessions: HttpSession[] = [];

  constructor(
    private readonly baseUrl: string,
    private readonly seeded: Seeded,
    private readonly opts: { writers: number; thinkMs: number },
  ) {}

  /** One signed-in session per writer and one for the readers (sessions live in PostgreSQL: they outlast an API restart). */
  async signIn(): Promise<void> {
    for (let i = 0; i <= this.opts.writers; i++) {
      const s = await HttpSession.signIn(this.baseUrl, this.seeded.caseworker.username);
      s.timeoutMs = 15_000;
      this.sessions.push(s);
    }
  }

  /** Runs the writers until every slot is acknowledged (or the deadline passes). */
  async write(deadlineMs: number): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    await Promise.all(
      this.sessions.slice(0, this.opts.writers).map(async (session) => {
        while (this.next < this.seeded.slots.length && Date.now() < deadline) {
          await this.writeUntilAcknowledged(session, this.seeded.slots[this.next++]!, deadline);
          await sleep(this.opts.thinkMs);
        }
      }),
    );
  }

  private async writeUntilAcknowledged(session: HttpSession, slot: ResponseSlot, deadline: number): Promise<void> {
    for (let attempts = 1; Date.now() < deadline; attempts++) {
      const x = await this.exchange('write', () => session.post(slot.url, slot.body, { 'idempotency-key': slot.key }));
      if (x.status >= 200 && x.status < 300) {
        this.acks.set(slot.key, { slot, status: x.status, body: x.body, replayed: x.replayed, attempts });
        return;
      }
      if (x.status === 503 || x.status === 0) await sleep(100);
      else if (x.status === 409 && x.code === 'IDEMPOTENCY.IN_FLIGHT') await sleep(1000 * Number(x.retryAfter ?? 1));
      else return void this.unexpected.push(x);
    }
  }

  private async exchange(kind: Exchange['kind'], send: () => Promise<{ status: number; body: any; headers: Headers }>) {
    const startedAt = Date.now();
    let x: Exchange & { replayed: boolean; retryAfter?: string | null };
    try {
      const res = await send();
      x = {
        kind,
        startedAt,
        endedAt: Date.now(),
        status: res.status,
        code: typeof res.body === 'object' ? res.body?.code : undefined,
        body: res.body,
        replayed: res.headers.get('idempotent-replayed') === 'true',
        retryAfter: res.headers.get('retry-after'),
      };
    } catch (e) {
      x = { kind, startedAt, endedAt: Date.now(), status: 0, error: e instanceof Error ? `${e.message} ${String((e as { cause?: unknown }).cause ?? '')}` : String(e), replayed: false };
    }
    this.exchanges.push(x);
    return x;
  }

  /** Starts the readers: the first episode's responses (API), its client's page (HTML) and the readiness probe, in a loop. */
  startReading(): void {
    this.reading = true;
    const reader = this.sessions[this.opts.writers]!;
    const loop = async (kind: Exchange['kind'], send: () => Promise<{ status: number; body: any; headers: Headers }>) => {
      while (this.reading) {
        await this.exchange(kind, send);
        await sleep(50);
      }
    };
    const ready = () =>
      fetch(`${this.baseUrl}/health/ready`, { signal: AbortSignal.timeout(15_000) }).then(async (r) => ({ status: r.status, body: await r.json().catch(() => null), headers: r.headers }));
    this.readers = [
      loop('read', () => reader.get(`/api/v1/episodes/${this.seeded.episodeIds[0]}/responses`)),
      loop('page', () => reader.get(`/brukare/${this.seeded.clientIds[0]}`)),
      loop('ready', ready),
    ];
  }

  async stopReading(): Promise<void> {
    this.reading = false;
    await Promise.all(this.readers);
  }

  /** Resolves once `n` slots are acknowledged. */
  async acknowledged(n: number, timeoutMs = 60_000): Promise<void> {
    await waitFor(async () => this.acks.size >= n, timeoutMs, `${n} acknowledged writes`);
  }

  /** Every answer in [from, to] (request sent after `from`, answered before `to`). */
  between(from: number, to: number): Exchange[] {
    return this.exchanges.filter((x) => x.startedAt >= from && x.endedAt <= to);
  }

  /** Slots taken by a writer so far (acknowledged or in flight). */
  get sent(): number {
    return this.next;
  }

  get session(): HttpSession {
    return this.sessions[0]!;
  }
}

const summary = (xs: Exchange[]) => xs.map((x) => ({ kind: x.kind, status: x.status, code: x.code, error: x.error }));

/**
 * Every logical write was acknowledged and is stored exactly once: one `response` row per slot (its occasion and
 * instrument), the one the client was told about; the municipality holds no other; every key's record is completed
 * with that response, and no record is left in flight.
 */
export async function assertStoredExactlyOnce(ds: DataSource, seeded: Seeded, load: ResponseLoad): Promise<void> {
  expect(summary(load.unexpected)).toEqual([]);
  expect(seeded.slots.filter((s) => !load.acks.has(s.key)).map((s) => s.key)).toEqual([]);
  const rows: { id: string; occasion_id: string; code: string }[] = await ds.query(
    `SELECT r.id, r.occasion_id, i.code FROM response r JOIN instrument i ON i.id = r.instrument_id WHERE r.municipality_id = $1`,
    [seeded.world.municipalityId],
  );
  expect(rows).toHaveLength(seeded.slots.length);
  const wrong = seeded.slots.flatMap((s) => {
    const stored = rows.filter((r) => r.occasion_id === s.occasionId && r.code === s.instrumentCode);
    const acked = load.acks.get(s.key)!.body.id;
    return stored.length === 1 && stored[0]!.id === acked ? [] : [{ key: s.key, acked, stored: stored.map((r) => r.id) }];
  });
  expect(wrong).toEqual([]);
  const records: { key: string; status_code: number | null; id: string | null }[] = await ds.query(
    `SELECT key, status_code, response_body->>'id' AS id FROM idempotency_record WHERE user_id = $1`,
    [seeded.caseworker.id],
  );
  expect(records).toHaveLength(seeded.slots.length);
  const byKey = new Map(records.map((r) => [r.key, r]));
  expect(seeded.slots.filter((s) => byKey.get(s.key)?.status_code !== 201 || byKey.get(s.key)?.id !== load.acks.get(s.key)!.body.id).map((s) => s.key)).toEqual([]);
}

/**
 * Sending every write once more with its key and body answers the stored original: 201, marked replayed, the same
 * body the client was first given (and the same as the stored record); nothing new is stored.
 */
export async function assertReplaysAnswerOriginal(ds: DataSource, seeded: Seeded, load: ResponseLoad): Promise<void> {
  const stored = new Map<string, unknown>(
    (await ds.query(`SELECT key, response_body FROM idempotency_record WHERE user_id = $1`, [seeded.caseworker.id])).map((r: { key: string; response_body: unknown }) => [
      r.key,
      r.response_body,
    ]),
  );
  for (const slot of seeded.slots) {
    const replay = await load.session.post(slot.url, slot.body, { 'idempotency-key': slot.key });
    expect([replay.status, replay.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
    expect(replay.body).toEqual(load.acks.get(slot.key)!.body);
    expect(replay.body).toEqual(stored.get(slot.key));
  }
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM response WHERE municipality_id = $1`, [seeded.world.municipalityId]);
  expect(n).toBe(seeded.slots.length);
}

/** Once the worker has caught up (no unsent outbox row, no pending scope), the stored aggregates equal a fresh rebuild. */
export async function assertAggregatesEqualRebuild(ds: DataSource, municipalityId: string, timeoutMs = 90_000): Promise<void> {
  await waitFor(() => quiescent(ds, municipalityId), timeoutMs, 'the worker to catch up');
  const check = await new AggregationEngine(ds, async () => undefined).check(municipalityId);
  expect(check).toEqual({ differences: [], total: 0, pending: 0 });
}
