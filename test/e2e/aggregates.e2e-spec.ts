import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '#domain';
import { AggregationEngine } from '#aggregation';
import { WorldFactory, type TestUser } from '../factories/world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';
import { CohortBuilder } from '../integration/aggregation-fixture.js';

/*
 * The cohort of aggregation-scenario.spec.ts (PHQ-9), 2025: unit A subtree c1–c6 (6 clients, 5 pairs; improved 3,
 * no change 1, deteriorated 1), unit B c7 (1 client, improved). Municipality: 7 clients, 6 pairs, improved 4,
 * no change 1, deteriorated 1; by sex female 4 (c1, c2, c5, c7), male 2, unknown 1.
 */
let t: TestApp;
let c: CohortBuilder;
let users: Record<'caseworkerA' | 'caseworkerB' | 'unitHead' | 'analyst' | 'politician' | 'admin', TestUser>;
const clients: string[] = [];
let phq: string;

beforeAll(async () => {
  t = await createTestApp();
  c = await new CohortBuilder(t.dataSource).setup();
  const f = new WorldFactory(t.dataSource);
  const w = c.world;
  users = {
    caseworkerA: await f.user(w.municipalityId, Role.Caseworker, w.unitA),
    caseworkerB: await f.user(w.municipalityId, Role.Caseworker, w.unitB),
    unitHead: await f.user(w.municipalityId, Role.UnitHead, w.root),
    analyst: await f.user(w.municipalityId, Role.Analyst, w.root),
    politician: await f.user(w.municipalityId, Role.Politician, w.root),
    admin: await f.user(w.municipalityId, Role.Admin, w.root),
  };
  const rows: [string, string, number | null, [string, number], [string, number, 'follow_up' | 'close'] | null][] = [
    [w.teamA1.id, 'female', 1990, ['2025-01-10', 20], ['2025-07-10', 12, 'follow_up']],
    [w.unitA.id, 'female', 1985, ['2025-01-20', 15], ['2025-08-01', 4, 'close']],
    [w.unitA.id, 'male', 1960, ['2025-02-01', 8], ['2025-09-01', 16, 'follow_up']],
    [w.unitA.id, 'male', 2000, ['2025-02-10', 12], ['2025-10-01', 10, 'follow_up']],
    [w.unitA.id, 'female', 1995, ['2025-02-15', 22], ['2025-11-01', 9, 'follow_up']],
    [w.unitA.id, 'unknown', null, ['2025-03-01', 18], null],
    [w.unitB.id, 'female', 1970, ['2025-03-10', 10], ['2025-09-15', 3, 'follow_up']],
  ];
  for (const [unitId, sex, birthYear, [startOn, base], latest] of rows) {
    const clientId = await c.client({ unitId, sex, birthYear });
    clients.push(clientId);
    const e = await c.episode({ clientId, unitId, start: startOn, close: latest?.[2] === 'close' ? latest[0] : null });
    await c.measure(e, 'start', 0, startOn, base);
    if (latest) await c.measure(e, latest[2], latest[2] === 'close' ? 0 : 1, latest[0], latest[1]);
  }
  await new AggregationEngine(t.dataSource, async () => undefined).rebuild(w.municipalityId);
  // Nothing is relaying in this file: mark the cohort's outbox rows sent so "pending" starts false.
  await t.dataSource.query(`UPDATE outbox SET sent_at = now() WHERE municipality_id = $1`, [w.municipalityId]);
  phq = `${c.phq9.id}/phq9_total`;
});

afterAll(async () => {
  await t?.close();
});

const as = (u: TestUser) => HttpSession.signIn(t.baseUrl, u.username);
const outcome = (body: any, cell = 'all') => body.outcomes.find((o: any) => `${o.instrumentId}/${o.scaleId}` === phq).cells.find((x: any) => x.breakdown === cell);

describe('unit heads and caseworkers see their subtrees in full', () => {
  it('a unit head gets every figure of unit A with its n, completeness, as-of and pending', async () => {
    const res = await (await as(users.unitHead)).get(`/api/v1/aggregates/units/${c.world.unitA.id}?period=2025`);
    expect(res.status).toBe(200);
    expect(res.body.suppression).toBeNull();
    expect(res.body.audience).toBe('staff');
    expect(res.body.pending).toBe(false);
    expect(new Date(res.body.asOf).getTime()).toBeGreaterThan(0);
    expect(res.body.period).toEqual({ key: '2025', from: '2025-01-01', to: '2025-12-31' });
    const f = outcome(res.body).figures;
    expect([f.nClients, f.nPairs]).toEqual([6, 5]);
    expect(f.reliablyImproved).toEqual({ numerator: 3, denominator: 5, value: 0.6 });
    expect(outcome(res.body).followUpCompleteness).toEqual({ numerator: 11, denominator: 11, value: 1 });
    expect(res.body.episodes[0].figures.started).toBe(6);
    const start = res.body.distributions.find((d: any) => d.occasion === 'start');
    expect(start.cells[0].figures.n).toBe(6);
  });

  it('breakdown by sex lists each cell with its n', async () => {
    const res = await (await as(users.unitHead)).get(`/api/v1/aggregates/units/${c.world.unitA.id}?period=2025&breakdown=sex`);
    expect(res.status).toBe(200);
    expect(outcome(res.body, 'sex:female').figures.nClients).toBe(3);
    expect(outcome(res.body, 'sex:male').figures.nClients).toBe(2);
  });

  it('a caseworker of unit A gets 404 for unit B and 403 for the municipality', async () => {
    const s = await as(users.caseworkerA);
    expect((await s.get(`/api/v1/aggregates/units/${c.world.unitB.id}`)).status).toBe(404);
    const m = await s.get(`/api/v1/aggregates/municipality`);
    expect(m.status).toBe(403);
    expect(m.body.code).toBe('AGGREGATE.MUNICIPALITY_SCOPE_REQUIRED');
    expect(m.body.message.sv).toBeTruthy();
  });

  it("a client's own aggregates: caseworker view, audit-logged; 404 outside the unit and no audit row", async () => {
    const res = await (await as(users.caseworkerA)).get(`/api/v1/aggregates/clients/${clients[1]}`);
    expect(res.status).toBe(200);
    expect(res.body.scales).toHaveLength(1);
    expect(res.body.scales[0]).toMatchObject({ baseline: '15', latest: '4', category: 'reliably_improved', recovered: true, reliablyRecovered: true });
    const audit = await t.dataSource.query(`SELECT action, resource, actor_user_id FROM audit_event WHERE client_id = $1 AND resource = 'client.aggregates'`, [clients[1]]);
    expect(audit).toEqual([{ action: 'read', resource: 'client.aggregates', actor_user_id: users.caseworkerA.id }]);
    const other = await (await as(users.caseworkerB)).get(`/api/v1/aggregates/clients/${clients[1]}`);
    expect(other.status).toBe(404);
    const after = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE client_id = $1 AND resource = 'client.aggregates'`, [clients[1]]);
    expect(after[0].n).toBe(1);
  });

  it('reports pending while an unsent outbox row touches the scope', async () => {
    await t.dataSource.query(`INSERT INTO outbox (municipality_id, topic, payload) VALUES ($1, 'client.changed', $2)`, [
      c.world.municipalityId,
      JSON.stringify({ clientId: clients[2] }),
    ]);
    const s = await as(users.unitHead);
    expect((await s.get(`/api/v1/aggregates/units/${c.world.unitA.id}?period=2025`)).body.pending).toBe(true);
    expect((await s.get(`/api/v1/aggregates/units/${c.world.unitB.id}?period=2025`)).body.pending).toBe(false);
    await t.dataSource.query(`UPDATE outbox SET sent_at = now() WHERE municipality_id = $1`, [c.world.municipalityId]);
  });

  it('trends: one scale over every stored period', async () => {
    const res = await (await as(users.unitHead)).get(`/api/v1/aggregates/units/${c.world.unitA.id}/trends?subject=${phq}`);
    expect(res.status).toBe(200);
    expect(res.body.outcome.map((o: any) => o.period)).toEqual(expect.arrayContaining(['2025', '2025-H1', '2025-H2']));
    expect(res.body.occasions.some((o: any) => o.occasion === 'start' && o.period === '2025-H1' && o.n === 6)).toBe(true);
  });

  it('rejects bad input with 400', async () => {
    const s = await as(users.unitHead);
    expect((await s.get(`/api/v1/aggregates/units/${c.world.unitA.id}?period=2025-H3`)).status).toBe(400);
    expect((await s.get(`/api/v1/aggregates/units/not-a-uuid`)).status).toBe(400);
    expect((await s.get(`/api/v1/aggregates/units/${c.world.unitA.id}?breakdown=postcode`)).status).toBe(400);
  });
});

describe('analysts and politicians get suppressed figures', () => {
  it('an analyst sees unit A with n < 5 hidden', async () => {
    const res = await (await as(users.analyst)).get(`/api/v1/aggregates/units/${c.world.unitA.id}?period=2025`);
    expect(res.status).toBe(200);
    expect(res.body.audience).toBe('analyst');
    expect(res.body.suppression).toEqual({ k: 5, shownAs: '..' });
    const f = outcome(res.body).figures;
    // 6 clients, 5 pairs: the pairs would give the 1 client measured only at baseline (6 − 5), so they are hidden,
    // and with them every figure resting on them (the report has always hidden them the same way)
    expect([f.nClients, f.nPairs]).toEqual([6, null]);
    expect(f.reliablyImproved).toEqual({ numerator: null, denominator: null, value: null, suppressed: true });
    expect(f.baseline).toEqual({ n: null, mean: null, sd: null, suppressed: true });
    expect(f.effectSize).toEqual({ computable: false, n: null, reason: 'suppressed' });
    const cw = await (await as(users.analyst)).get(`/api/v1/aggregates/clients/${clients[0]}`);
    expect(cw.status).toBe(403);
  });

  it('a politician sees the municipality, suppressed after the sex filter, and never a unit below administration', async () => {
    const s = await as(users.politician);
    const res = await s.get(`/api/v1/aggregates/municipality?period=2025&breakdown=sex`);
    expect(res.status).toBe(200);
    expect(res.body.audience).toBe('politician');
    // all: 7 clients shown; 6 pairs hidden (7 − 6 = 1 measured only at baseline), and improved 4 / no change 1 /
    // deteriorated 1 with them
    const all = outcome(res.body).figures;
    expect([all.nClients, all.nPairs]).toEqual([7, null]);
    expect(all.reliablyImproved.suppressed).toBe(true);
    // sex: female 4, male 2, unknown 1 of 7 → every cell below 5, hidden whole
    for (const cell of ['sex:female', 'sex:male', 'sex:unknown']) expect(outcome(res.body, cell)).toMatchObject({ suppressed: true, figures: null });
    const root = await s.get(`/api/v1/aggregates/units/${c.world.root.id}?period=2025`);
    expect(root.status).toBe(200);
    const unit = await s.get(`/api/v1/aggregates/units/${c.world.unitA.id}`);
    expect(unit.status).toBe(403);
    expect(unit.body.code).toBe('AGGREGATE.LEVEL_NOT_ALLOWED');
    expect((await s.get(`/api/v1/aggregates/clients/${clients[0]}`)).status).toBe(403);
    expect((await s.get(`/api/v1/aggregates/groups/${c.world.unitA.id}`)).status).toBe(403);
  });

  it('an admin has no aggregate access (least privilege)', async () => {
    expect((await (await as(users.admin)).get(`/api/v1/aggregates/municipality`)).status).toBe(403);
  });
});

describe('evidence: elements 10 and 11', () => {
  it('answers from data, a hand answer by the unit head, and the method description', async () => {
    const head = await as(users.unitHead);
    const res = await head.get(`/api/v1/aggregates/evidence?methodId=${c.methodId}&unitId=${c.world.unitA.id}`);
    expect(res.status).toBe(200);
    expect(res.body.questions).toHaveLength(14);
    const q = (e: number, n: number) => res.body.questions.find((x: any) => x.element === e && x.question === n);
    expect(q(10, 3)).toMatchObject({ answer: 'ja', source: 'data' });
    expect(q(10, 7)).toMatchObject({ answer: null, source: 'unanswered' });
    expect(res.body.thresholds).toEqual({ ja: 0.8, delvis: 0.5 });

    const put = await head.request('PUT', '/api/v1/aggregates/evidence/answers', {
      methodId: c.methodId,
      unitId: c.world.unitA.id,
      element: 10,
      question: 7,
      answer: 'delvis',
      comment: 'Rapport till nämnden en gång per år.',
    });
    expect(put.status).toBe(200);
    const again = await head.get(`/api/v1/aggregates/evidence?methodId=${c.methodId}&unitId=${c.world.unitA.id}`);
    expect(again.body.questions.find((x: any) => x.element === 10 && x.question === 7)).toMatchObject({
      answer: 'delvis',
      source: 'hand',
      hand: { comment: 'Rapport till nämnden en gång per år.', answeredBy: { id: users.unitHead.id } },
    });

  });

  it("only administrators (the method's owners) describe a method and set its evidence status; audit-logged", async () => {
    const method = async () => (await t.dataSource.query(`SELECT evidence_status, element_descriptions FROM method WHERE id = $1`, [c.methodId]))[0];
    const before = await method();
    const body = { elementDescriptions: { theory: 'KBT-baserad' }, evidenceStatus: 'eleven_element_model' };
    for (const u of [users.unitHead, users.caseworkerA, users.analyst, users.politician]) {
      const res = await (await as(u)).patch(`/api/v1/aggregates/evidence/methods/${c.methodId}`, body);
      expect({ role: u.role, status: res.status, code: res.body.code }).toEqual({ role: u.role, status: 403, code: 'ACCESS.FORBIDDEN' });
    }
    expect(await method()).toEqual(before);

    const admin = await as(users.admin);
    const patch = await admin.patch(`/api/v1/aggregates/evidence/methods/${c.methodId}`, body);
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({ evidenceStatus: 'eleven_element_model', elementDescriptions: { theory: 'KBT-baserad' } });
    const audit = await t.dataSource.query(`SELECT action, purpose, actor_user_id FROM audit_event WHERE resource = $1`, [`method:${c.methodId}:description`]);
    expect(audit).toEqual([{ action: 'update', purpose: 'administration', actor_user_id: users.admin.id }]);
    const bad = await admin.patch(`/api/v1/aggregates/evidence/methods/${c.methodId}`, { elementDescriptions: { monitoring: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('METHOD.INVALID_ELEMENTS');
    expect(bad.body.message.sv).not.toEqual(bad.body.message.en);
    // Another municipality's administrator cannot reach the method.
    const f = new WorldFactory(t.dataSource);
    const other = await f.create();
    const otherAdmin = await f.user(other.municipalityId, Role.Admin, other.root);
    const foreign = await (await as(otherAdmin)).patch(`/api/v1/aggregates/evidence/methods/${c.methodId}`, { evidenceStatus: 'method_guide' });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'METHOD.NOT_FOUND']);
    expect((await method()).evidence_status).toBe('eleven_element_model');
  });

  it('caseworkers, analysts and politicians cannot write evidence; a unit head not for another unit', async () => {
    const body = { methodId: c.methodId, element: 11, question: 6, answer: 'ja' };
    for (const u of [users.caseworkerA, users.analyst, users.politician]) {
      expect((await (await as(u)).request('PUT', '/api/v1/aggregates/evidence/answers', body)).status).toBe(403);
    }
    const f = new WorldFactory(t.dataSource);
    const headA = await f.user(c.world.municipalityId, Role.UnitHead, c.world.unitA);
    const res = await (await as(headA)).request('PUT', '/api/v1/aggregates/evidence/answers', { ...body, unitId: c.world.unitB.id });
    expect(res.status).toBe(404);
  });
});
