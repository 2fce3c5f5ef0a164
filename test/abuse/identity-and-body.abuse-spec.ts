import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { OccasionKind, parseIdentityNumber, Role } from '#domain';
import { BODY_LIMIT_BYTES } from '../../apps/api/src/create-api-app.js';
import { createEpisodeWorld, type EpisodeWorld } from '../factories/episode.factory.js';
import { WorldFactory } from '../factories/world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';
import { expect4xx, FC, nothingStored, RUNS } from './abuse-helpers.js';

const TODAY = '2026-03-16';

let t: TestApp;
let ew: EpisodeWorld;
let caseworker: HttpSession;

beforeAll(async () => {
  t = await createTestApp({ today: TODAY });
  ew = await createEpisodeWorld(t.dataSource, { instruments: ['phq9'], startDate: '2026-03-02', today: TODAY });
  caseworker = await HttpSession.signIn(t.baseUrl, ew.caseworker.username);
});

afterAll(async () => {
  await t?.close();
});

const isValidIdentity = (s: unknown) => {
  try {
    parseIdentityNumber(s as string);
    return true;
  } catch {
    return false;
  }
};

const digits = (min: number, max = min) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
/** Near-valid personnummer/samordningsnummer: right shape, wrong date, day + 60, check digit or separator. */
const nearValidIdentity = fc
  .tuple(fc.constantFrom('', '19', '20', '18', '21', '00'), digits(2), fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0, max: 99 }), fc.constantFrom('', '-', '+', ' ', '/', '--', '.'), digits(3, 4), fc.option(digits(1)))
  .map(([c, yy, mm, dd, sep, serial, extra]) => `${c}${yy}${String(mm).padStart(2, '0')}${String(dd).padStart(2, '0')}${sep}${serial}${extra ?? ''}`);
const garbageIdentity = fc.oneof(
  fc.string({ minLength: 0, maxLength: 20 }),
  fc.string({ unit: 'binary', minLength: 10, maxLength: 13 }),
  fc.string({ unit: fc.constantFrom(...'0123456789-+ ０１２３٣'), minLength: 10, maxLength: 13 }),
);
const malformedIdentity = fc.oneof(nearValidIdentity, garbageIdentity).filter((s) => !isValidIdentity(s));
/** Not a string (null only where the field is required: on register, null means "no number", like leaving it out). */
const wrongType = (withNull: boolean) => fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), ...(withNull ? [fc.constant(null)] : []), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }));

describe('malformed personnummer and samordningsnummer', () => {
  it('register (POST /clients): always 4xx, nothing stored', async () => {
    await nothingStored(t.dataSource, ew.world.municipalityId, () =>
      fc.assert(
        fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: malformedIdentity }, { weight: 1, arbitrary: wrongType(false) }), async (pnr) => {
          const body = { homeUnitId: ew.world.unitA.id, personalIdentityNumber: pnr };
          const res = await caseworker.post('/api/v1/clients', body);
          expect4xx(res, body);
          expect(res.status).toBe(400);
        }),
        FC,
      ),
    );
  });

  it('search (POST /clients/search): always 4xx, nothing stored (not even an audit event)', async () => {
    await nothingStored(t.dataSource, ew.world.municipalityId, () =>
      fc.assert(
        fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: malformedIdentity }, { weight: 1, arbitrary: wrongType(true) }), async (pnr) => {
          const res = await caseworker.post('/api/v1/clients/search', { personalIdentityNumber: pnr });
          expect4xx(res, pnr);
          expect(res.status).toBe(400);
        }),
        FC,
      ),
    );
  });
});

/** Routes a caseworker may POST to, with a valid-looking base body. */
const targets = () => [
  { url: '/api/v1/clients', base: { homeUnitId: ew.world.unitA.id } },
  { url: '/api/v1/clients/search', base: { personalIdentityNumber: '19811218-9876' } },
  { url: `/api/v1/occasions/${ew.occasion(OccasionKind.Start).id}/responses`, base: { instrumentCode: 'phq9', answeredOn: TODAY, respondent: 'client', mode: 'paper', answers: {} } },
  { url: `/api/v1/episodes/${ew.episode.id}/goals`, base: { text: 'Sova bättre' } },
];

const body0 = () => ({ instrumentCode: 'phq9', answeredOn: TODAY, respondent: 'client', mode: 'paper', answers: {} });

describe('body structure', () => {
  it('oversized bodies (> 1 MiB) are refused with 413, nothing stored', async () => {
    await nothingStored(t.dataSource, ew.world.municipalityId, () =>
      fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 256 * 1024 }), fc.constantFrom('a', 'ä', '<', '0'), async (i, extra, ch) => {
          const target = targets()[i]!;
          const prefix = JSON.stringify({ ...target.base, padding: '' }).slice(0, -2);
          const fill = ch.repeat(Math.ceil((BODY_LIMIT_BYTES + extra) / Buffer.byteLength(ch)));
          const res = await caseworker.post(target.url, `${prefix}${fill}"}`);
          expect(res.status).toBe(413);
        }),
        { ...FC, numRuns: Math.min(RUNS, 40) },
      ),
    );
  });

  it('deeply nested JSON is a 4xx, never a stack overflow', async () => {
    await nothingStored(t.dataSource, ew.world.municipalityId, () =>
      fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 3 }),
          fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 200, max: 12000 })),
          fc.constantFrom('[', '{"a":'),
          fc.constantFrom('padding', 'answers', 'text', 'homeUnitId', 'personalIdentityNumber'),
          async (i, depth, open, field) => {
            const target = targets()[i]!;
            const close = open === '[' ? ']' : '}';
            const nested = `${open.repeat(depth)}1${close.repeat(depth)}`;
            const base = JSON.stringify({ ...target.base, [field]: 0 });
            const raw = base.replace(`"${field}":0`, `"${field}":${nested}`);
            expect4xx(await caseworker.post(target.url, raw), { url: target.url, depth, open, field });
          },
        ),
        FC,
      ),
    );
  });

  it('regression: a body nested 11 134 levels deep was a 500 (stack overflow in class-transformer); now a 400', async () => {
    const depth = 11134;
    const raw = JSON.stringify(body0()).replace('"answers":{}', `"answers":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
    const res = await caseworker.post(`/api/v1/occasions/${ew.occasion(OccasionKind.Start).id}/responses`, raw);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('REQUEST.TOO_DEEP');
  });

  it('__proto__ and constructor keys, anywhere in the body, are a 4xx', async () => {
    const key = fc.constantFrom('__proto__', 'constructor', '\\u005f_proto__', 'prototype');
    await nothingStored(t.dataSource, ew.world.municipalityId, () =>
      fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 3 }), key, fc.integer({ min: 0, max: 5 }), fc.jsonValue({ maxDepth: 2 }), async (i, k, depth, payload) => {
          const target = targets()[i]!;
          const poison = k === 'constructor' ? `{"constructor":{"prototype":${JSON.stringify(payload)}}}` : `{"${k}":${JSON.stringify(payload)}}`;
          const nested = `${'{"x":'.repeat(depth)}${poison}${'}'.repeat(depth)}`;
          const field = depth === 0 && i === 2 ? 'answers' : 'extra';
          const raw = `${JSON.stringify(target.base).slice(0, -1)},"${field}":${nested}}`;
          // A duplicate "answers" key: the poisoned one wins in JSON.parse.
          expect4xx(await caseworker.post(target.url, raw), raw);
        }),
        FC,
      ),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('wrong content types and broken JSON are a 4xx', async () => {
    await nothingStored(t.dataSource, ew.world.municipalityId, () =>
      fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.string({ maxLength: 200 }), fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/xml'), async (i, raw, type) => {
          const target = targets()[i]!;
          fc.pre(type !== 'application/json' || !isJson(raw));
          expect4xx(await caseworker.request('POST', target.url, raw, { 'content-type': type }), { raw, type });
        }),
        FC,
      ),
    );
  });
});

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

describe('the role check comes first', () => {
  it('a politician is refused on every client write whatever the body', async () => {
    const politician = await HttpSession.signIn(t.baseUrl, (await new WorldFactory(t.dataSource).user(ew.world.municipalityId, Role.Politician, ew.world.root)).username);
    await nothingStored(t.dataSource, ew.world.municipalityId, () =>
      fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.jsonValue({ maxDepth: 2 }), async (i, body) => {
          const res = await politician.post(targets()[i]!.url, JSON.stringify(body));
          expect4xx(res, body);
        }),
        { ...FC, numRuns: Math.min(RUNS, 300) },
      ),
    );
  });
});
