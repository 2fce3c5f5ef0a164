import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { OccasionKind } from '#domain';
import { createEpisodeWorld, type EpisodeWorld } from '../factories/episode.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';
import { expect4xx, FC, nothingStored, plusDays } from './abuse-helpers.js';

const TODAY = '2026-03-16';
const START = '2026-03-02';
const CLOSED_START = '2025-01-10';
const CLOSE = '2025-09-01';
const ITEMS = Array.from({ length: 9 }, (_, i) => `phq9_${i + 1}`);

let t: TestApp;
let open: EpisodeWorld;
let closed: EpisodeWorld;
let caseworker: HttpSession;
let cancelledId: string;
let missedId: string;

const validAnswers = fc.tuple(...ITEMS.map(() => fc.integer({ min: 0, max: 3 }))).map((v) => Object.fromEntries(ITEMS.map((id, i) => [id, v[i]!])));
const body = (answers: unknown, extra: Record<string, unknown> = {}) => ({ instrumentCode: 'phq9', answeredOn: TODAY, respondent: 'client', mode: 'paper', answers, ...extra });
const record = (occasionId: string, b: unknown) => caseworker.post(`/api/v1/occasions/${occasionId}/responses`, b);
const dateBetween = (from: string, to: string) => {
  const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
  return fc.integer({ min: 0, max: days }).map((n) => plusDays(from, n));
};

beforeAll(async () => {
  t = await createTestApp({ today: TODAY });
  open = await createEpisodeWorld(t.dataSource, { instruments: ['phq9'], startDate: START, today: TODAY });
  closed = await createEpisodeWorld(t.dataSource, { instruments: ['phq9'], startDate: CLOSED_START, today: TODAY, world: open.world, caseworker: open.caseworker });
  caseworker = await HttpSession.signIn(t.baseUrl, open.caseworker.username);
  const missed = await caseworker.post(`/api/v1/occasions/${closed.occasion(OccasionKind.FollowUp, 1).id}/missed`, { reason: 'Brukaren avböjde' });
  expect(missed.status).toBeLessThan(300);
  missedId = closed.occasion(OccasionKind.FollowUp, 1).id;
  const res = await caseworker.post(`/api/v1/episodes/${closed.episode.id}/close`, { closeDate: CLOSE, reason: 'completed_as_planned' });
  expect(res.status).toBeLessThan(300);
  const [c] = await t.dataSource.query(`SELECT id FROM occasion WHERE episode_id = $1 AND state = 'cancelled' LIMIT 1`, [closed.episode.id]);
  cancelledId = c.id;
});

afterAll(async () => {
  await t?.close();
});

/** A value no PHQ-9 item accepts. */
const badValue = fc.oneof(
  fc.integer().filter((v) => v < 0 || v > 3),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => !Number.isInteger(v)),
  fc.string({ maxLength: 30 }),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
  fc.constantFrom('0', '1', '3', ' 2', '1e0', '0x1', '<b>1</b>', "1'; DROP TABLE response; --"),
);

describe('answers out of range or of the wrong type (POST /occasions/:id/responses)', () => {
  it('a valid PHQ-9 with at least one answer broken is a 4xx, nothing stored', async () => {
    await nothingStored(t.dataSource, open.world.municipalityId, () =>
      fc.assert(
        fc.asyncProperty(validAnswers, fc.uniqueArray(fc.constantFrom(...ITEMS), { minLength: 1, maxLength: 9 }), fc.array(badValue, { minLength: 9, maxLength: 9 }), async (answers, broken, values) => {
          const mutated: Record<string, unknown> = { ...answers };
          broken.forEach((id, i) => (mutated[id] = values[i]));
          const b = body(mutated);
          expect4xx(await record(open.occasion(OccasionKind.Start).id, b), b);
        }),
        FC,
      ),
    );
  });

  it('unknown item ids, missing required items and non-object answer sets are a 4xx, nothing stored', async () => {
    const unknownId = fc.stringMatching(/^[A-Za-z0-9_.-]{1,30}$/).filter((k) => !ITEMS.includes(k) && k !== 'phq9_difficulty');
    const shape = fc.oneof(
      fc.tuple(validAnswers, unknownId, fc.integer({ min: 0, max: 3 })).map(([a, k, v]) => ({ ...a, [k]: v })),
      fc.tuple(validAnswers, fc.constantFrom(...ITEMS)).map(([a, k]) => Object.fromEntries(Object.entries(a).filter(([id]) => id !== k))),
      fc.tuple(validAnswers, fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !/^[A-Za-z0-9_.-]{1,100}$/.test(k))).map(([a, k]) => ({ ...a, [k]: 1 })),
      fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 9 })),
      fc.dictionary(fc.stringMatching(/^[a-z0-9_]{1,12}$/), fc.integer({ min: 0, max: 3 }), { minKeys: 501, maxKeys: 520 }),
    );
    await nothingStored(t.dataSource, open.world.municipalityId, () =>
      fc.assert(
        fc.asyncProperty(shape, async (answers) => {
          const b = body(answers);
          expect4xx(await record(open.occasion(OccasionKind.Start).id, b), b);
        }),
        FC,
      ),
    );
  });
});

describe('regressions found by these properties', () => {
  it('an answer keyed by an Object.prototype name (toString, valueOf, …) is refused, not silently dropped', async () => {
    await nothingStored(t.dataSource, open.world.municipalityId, async () => {
      for (const key of ['toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'toLocaleString', '__defineGetter__', 'prototype']) {
        const answers = { ...Object.fromEntries(ITEMS.map((id) => [id, 1])), [key]: 3 };
        const res = await record(open.occasion(OccasionKind.Start).id, body(answers));
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('REQUEST.RESERVED_KEY');
      }
    });
  });
});

describe('unknown instruments and instrument versions', () => {
  it('an unknown version, an out-of-range version or an unknown code is a 4xx, nothing stored', async () => {
    const version = fc.oneof(
      fc.integer({ min: 2, max: 100000 }),
      fc.integer({ max: 0 }),
      fc.integer({ min: 100001 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => !Number.isInteger(v)),
      fc.string({ maxLength: 5 }),
    );
    const code = fc.oneof(
      fc.stringMatching(/^[a-z0-9_-]{1,40}$/).filter((c) => !['phq9'].includes(c)),
      fc.string({ maxLength: 50 }).filter((c) => !/^[a-z0-9_-]{1,40}$/.test(c)),
      fc.constantFrom('PHQ9', 'phq9 ', 'gad7', 'who5', 'audit', 'dudit'),
    );
    await nothingStored(t.dataSource, open.world.municipalityId, () =>
      fc.assert(
        fc.asyncProperty(validAnswers, fc.option(version, { nil: undefined }), fc.option(code, { nil: undefined }), async (answers, v, c) => {
          fc.pre(v !== undefined || c !== undefined);
          const b = body(answers, { ...(v !== undefined ? { instrumentVersion: v } : {}), ...(c !== undefined ? { instrumentCode: c } : {}) });
          expect4xx(await record(open.occasion(OccasionKind.Start).id, b), b);
        }),
        FC,
      ),
    );
  });
});

describe('occasion order and dates', () => {
  it('answered before the episode start, after its close or in the future is a 4xx, nothing stored', async () => {
    const cases = fc.oneof(
      dateBetween('1900-01-01', plusDays(START, -1)).map((d) => ({ occasion: () => open.occasion(OccasionKind.Start).id, answeredOn: d })),
      dateBetween(plusDays(TODAY, 1), '2199-12-31').map((d) => ({ occasion: () => open.occasion(OccasionKind.Start).id, answeredOn: d })),
      dateBetween(plusDays(CLOSE, 1), TODAY).map((d) => ({ occasion: () => closed.occasion(OccasionKind.Start).id, answeredOn: d })),
      dateBetween('1900-01-01', plusDays(CLOSED_START, -1)).map((d) => ({ occasion: () => closed.occasion(OccasionKind.Start).id, answeredOn: d })),
    );
    await nothingStored(t.dataSource, open.world.municipalityId, () =>
      fc.assert(
        fc.asyncProperty(validAnswers, cases, async (answers, c) => {
          const b = body(answers, { answeredOn: c.answeredOn });
          const res = await record(c.occasion(), b);
          expect4xx(res, b);
          expect(res.status).toBe(400);
        }),
        FC,
      ),
    );
  });

  it('a cancelled or missed occasion takes no response, whatever the date (409), nothing stored', async () => {
    await nothingStored(t.dataSource, open.world.municipalityId, () =>
      fc.assert(
        fc.asyncProperty(validAnswers, fc.constantFrom(() => cancelledId, () => missedId), dateBetween(CLOSED_START, TODAY), async (answers, occasion, d) => {
          const b = body(answers, { answeredOn: d });
          const res = await record(occasion(), b);
          expect4xx(res, b);
          expect(res.status).toBe(409);
        }),
        FC,
      ),
    );
  });

  it('dates that are not dates are a 400, nothing stored', async () => {
    const notADate = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }))
        .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`)
        .filter((s) => Number.isNaN(Date.parse(`${s}T00:00:00Z`)) || new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) !== s),
      fc.constantFrom('2026-02-29', '2025-02-29', '2026-04-31', '2026-03-16T00:00:00Z', '16/03/2026', '20260316', '+002026-03-16'),
      fc.oneof(fc.integer(), fc.constant(null), fc.boolean()),
    );
    await nothingStored(t.dataSource, open.world.municipalityId, () =>
      fc.assert(
        fc.asyncProperty(validAnswers, notADate, async (answers, d) => {
          const b = body(answers, { answeredOn: d });
          const res = await record(open.occasion(OccasionKind.Start).id, b);
          expect4xx(res, b);
          expect(res.status).toBe(400);
        }),
        FC,
      ),
    );
  });
});
