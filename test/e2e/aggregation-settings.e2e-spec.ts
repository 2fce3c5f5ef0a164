import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AggregationEngine } from '#aggregation';
import { Role } from '#domain';
import { type TestUser, WorldFactory } from '../factories/world.factory.js';
import { CohortBuilder } from '../integration/aggregation-fixture.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';

/*
 * GET/PUT /aggregates/settings (docs/aggregation.md, "Settings"): admins of the whole municipality only, validated,
 * upserted, audit-logged; k is applied when figures are read, so a new k_politician changes what a politician sees at
 * once. Cohort (PHQ-9, 2025): 7 clients, 6 with a pair; reliably improved 4, no change 1, deteriorated 1.
 */
let t: TestApp;
let c: CohortBuilder;
let u: Record<'admin' | 'adminA' | 'head' | 'caseworker' | 'analyst' | 'politician' | 'otherAdmin', TestUser>;
let otherMunicipality: string;
let phq: string;

const as = (user: TestUser) => HttpSession.signIn(t.baseUrl, user.username);
const put = (s: HttpSession, body: unknown) => s.request('PUT', '/api/v1/aggregates/settings', body);
const VALID = { kPolitician: 5, kAnalyst: 5, evidenceYes: 0.8, evidencePartly: 0.5 };

async function storedRow(municipalityId: string) {
  const [r] = await t.dataSource.query(
    `SELECT k_politician, k_analyst, evidence_yes::float8 AS yes, evidence_partly::float8 AS partly FROM aggregation_setting WHERE municipality_id = $1`,
    [municipalityId],
  );
  return r ?? null;
}

beforeAll(async () => {
  t = await createTestApp();
  c = await new CohortBuilder(t.dataSource).setup();
  const f = new WorldFactory(t.dataSource);
  const w = c.world;
  const other = await f.create();
  otherMunicipality = other.municipalityId;
  u = {
    admin: await f.user(w.municipalityId, Role.Admin, w.root),
    adminA: await f.user(w.municipalityId, Role.Admin, w.unitA),
    head: await f.user(w.municipalityId, Role.UnitHead, w.root),
    caseworker: await f.user(w.municipalityId, Role.Caseworker, w.root),
    analyst: await f.user(w.municipalityId, Role.Analyst, w.root),
    politician: await f.user(w.municipalityId, Role.Politician, w.root),
    otherAdmin: await f.user(other.municipalityId, Role.Admin, other.root),
  };
  const rows: [string, [string, number], [string, number] | null][] = [
    [w.teamA1.id, ['2025-01-10', 20], ['2025-07-10', 12]],
    [w.unitA.id, ['2025-01-20', 15], ['2025-08-01', 4]],
    [w.unitA.id, ['2025-02-01', 8], ['2025-09-01', 16]],
    [w.unitA.id, ['2025-02-10', 12], ['2025-10-01', 10]],
    [w.unitA.id, ['2025-02-15', 22], ['2025-11-01', 9]],
    [w.unitA.id, ['2025-03-01', 18], null],
    [w.unitB.id, ['2025-03-10', 10], ['2025-09-15', 3]],
  ];
  for (const [unitId, [startOn, base], latest] of rows) {
    const clientId = await c.client({ unitId, sex: 'female', birthYear: 1980 });
    const e = await c.episode({ clientId, unitId, start: startOn });
    await c.measure(e, 'start', 0, startOn, base);
    if (latest) await c.measure(e, 'follow_up', 1, latest[0], latest[1]);
  }
  await new AggregationEngine(t.dataSource, async () => undefined).rebuild(w.municipalityId);
  await t.dataSource.query(`UPDATE outbox SET sent_at = now() WHERE municipality_id = $1`, [w.municipalityId]);
  phq = `${c.phq9.id}/phq9_total`;
});

afterAll(async () => {
  await t?.close();
});

describe('reading and writing the settings', () => {
  it('an admin of the whole municipality reads the defaults before any row exists', async () => {
    const res = await (await as(u.admin)).get('/api/v1/aggregates/settings');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ kPolitician: 5, kAnalyst: 5, evidenceYes: 0.8, evidencePartly: 0.5, updatedAt: null });
  });

  it('writes them (upsert, twice), audit-logged; only its own municipality changes', async () => {
    const admin = await as(u.admin);
    const first = await put(admin, { kPolitician: 6, kAnalyst: 4, evidenceYes: 0.9, evidencePartly: 0.6 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ kPolitician: 6, kAnalyst: 4, evidenceYes: 0.9, evidencePartly: 0.6 });
    expect(new Date(first.body.updatedAt).getTime()).toBeGreaterThan(0);
    const second = await put(admin, { kPolitician: 5, kAnalyst: 3, evidenceYes: 0.75, evidencePartly: 0.75 });
    expect(second.status).toBe(200);
    expect(await storedRow(c.world.municipalityId)).toEqual({ k_politician: 5, k_analyst: 3, yes: 0.75, partly: 0.75 });
    expect((await admin.get('/api/v1/aggregates/settings')).body).toMatchObject({ kPolitician: 5, kAnalyst: 3, evidenceYes: 0.75, evidencePartly: 0.75 });
    expect(await storedRow(otherMunicipality)).toBeNull();
    const audit = await t.dataSource.query(`SELECT action, actor_user_id, purpose, client_id FROM audit_event WHERE resource = 'aggregation_setting' AND municipality_id = $1`, [c.world.municipalityId]);
    expect(audit).toEqual([
      { action: 'update', actor_user_id: u.admin.id, purpose: 'administration', client_id: null },
      { action: 'update', actor_user_id: u.admin.id, purpose: 'administration', client_id: null },
    ]);
    // The evidence view uses the new thresholds.
    const head = await as(u.head);
    expect((await head.get(`/api/v1/aggregates/evidence?methodId=${c.methodId}&unitId=${c.world.unitA.id}`)).body.thresholds).toEqual({ ja: 0.75, delvis: 0.75 });
    expect((await put(admin, VALID)).status).toBe(200);
  });

  it('refuses bad input with 400 and a bilingual message, and stores nothing', async () => {
    const admin = await as(u.admin);
    const before = await storedRow(c.world.municipalityId);
    const cases: [unknown, string, string][] = [
      [{ ...VALID, kPolitician: 0 }, 'REQUEST.VALIDATION', 'kPolitician'],
      [{ ...VALID, kPolitician: 101 }, 'REQUEST.VALIDATION', 'kPolitician'],
      [{ ...VALID, kAnalyst: 2.5 }, 'REQUEST.VALIDATION', 'kAnalyst'],
      [{ ...VALID, kAnalyst: '5' }, 'REQUEST.VALIDATION', 'kAnalyst'],
      [{ kPolitician: 5, kAnalyst: 5, evidenceYes: 0.8 }, 'REQUEST.VALIDATION', 'evidencePartly'],
      [{ ...VALID, evidenceYes: 1.2 }, 'REQUEST.VALIDATION', 'evidenceYes'],
      [{ ...VALID, evidenceYes: 'hög' }, 'REQUEST.VALIDATION', 'evidenceYes'],
      [{ ...VALID, kReport: 5 }, 'REQUEST.VALIDATION', 'kReport'],
      [{ ...VALID, evidencePartly: 0 }, 'AGGREGATION_SETTING.THRESHOLD_OUT_OF_RANGE', 'evidencePartly'],
      [{ ...VALID, evidenceYes: 0, evidencePartly: 0 }, 'AGGREGATION_SETTING.THRESHOLD_OUT_OF_RANGE', 'evidenceYes'],
      [{ ...VALID, evidenceYes: 0.6, evidencePartly: 0.7 }, 'AGGREGATION_SETTING.PARTLY_ABOVE_YES', 'evidencePartly'],
    ];
    for (const [body, code, field] of cases) {
      const res = await put(admin, body);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code });
      expect(res.body.fields).toEqual(expect.arrayContaining([{ field, sv: expect.any(String), en: expect.any(String) }]));
      expect(res.body.message.sv).not.toEqual(res.body.message.en);
    }
    const partly = await put(admin, { ...VALID, evidenceYes: 0.6, evidencePartly: 0.7 });
    expect(partly.body.message).toEqual({
      sv: 'Tröskeln för Delvis (0.7) får inte vara högre än tröskeln för Ja (0.6).',
      en: 'The threshold for Delvis (partly, 0.7) must not be higher than the threshold for Ja (yes, 0.6).',
    });
    expect(await storedRow(c.world.municipalityId)).toEqual(before);
  });

  it('everyone but an admin of the whole municipality gets 403', async () => {
    const before = await storedRow(c.world.municipalityId);
    const below = await as(u.adminA);
    for (const res of [await below.get('/api/v1/aggregates/settings'), await put(below, VALID)]) {
      expect([res.status, res.body.code]).toEqual([403, 'AGGREGATION_SETTING.MUNICIPALITY_ADMIN_ONLY']);
      expect(res.body.message.sv).toBeTruthy();
    }
    for (const user of [u.head, u.caseworker, u.analyst, u.politician]) {
      const s = await as(user);
      expect((await s.get('/api/v1/aggregates/settings')).status).toBe(403);
      expect((await put(s, { ...VALID, kPolitician: 1 })).status).toBe(403);
    }
    expect(await storedRow(c.world.municipalityId)).toEqual(before);
  });
});

describe('a changed k changes what a politician sees', () => {
  const improved = async () => {
    const res = await (await as(u.politician)).get('/api/v1/aggregates/municipality?period=2025');
    expect(res.status).toBe(200);
    const cell = res.body.outcomes.find((o: any) => `${o.instrumentId}/${o.scaleId}` === phq).cells.find((x: any) => x.breakdown === 'all');
    return { suppression: res.body.suppression, hidden: cell.suppressed, nClients: cell.figures?.nClients ?? null, improved: cell.figures?.reliablyImproved ?? null };
  };

  it('k = 5 hides the improved count (4 of 6); k = 1 shows it; k = 8 hides the 7 clients themselves', async () => {
    const admin = await as(u.admin);
    expect(await improved()).toMatchObject({ suppression: { k: 5, shownAs: '..' }, hidden: false, nClients: 7, improved: { numerator: null, suppressed: true } });
    // k = 3 still hides it: the 6 pairs would give the 1 client measured only at baseline (7 − 6), so they are hidden.
    expect((await put(admin, { ...VALID, kPolitician: 3 })).status).toBe(200);
    expect(await improved()).toMatchObject({ suppression: { k: 3, shownAs: '..' }, nClients: 7, improved: { numerator: null, denominator: null, suppressed: true } });
    expect((await put(admin, { ...VALID, kPolitician: 1 })).status).toBe(200);
    expect(await improved()).toMatchObject({ suppression: { k: 1, shownAs: '..' }, nClients: 7, improved: { numerator: 4, denominator: 6, suppressed: false } });
    expect((await put(admin, { ...VALID, kPolitician: 8 })).status).toBe(200);
    expect(await improved()).toEqual({ suppression: { k: 8, shownAs: '..' }, hidden: true, nClients: null, improved: null });
    // The analyst's k is separate: unchanged at 5.
    const analyst = await (await as(u.analyst)).get('/api/v1/aggregates/municipality?period=2025');
    expect(analyst.body.suppression).toEqual({ k: 5, shownAs: '..' });
    expect((await put(admin, VALID)).status).toBe(200);
  });
});
