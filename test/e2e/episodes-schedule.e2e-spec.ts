import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '#domain';
import { ScheduleRepository } from '#persistence';
import { WorldFactory, type TestUser } from '../factories/world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';

const TODAY = '2026-11-30';
let t: TestApp;
let world: Awaited<ReturnType<WorldFactory['create']>>;
let admin: TestUser;
let caseworker: TestUser;
let caseworkerB: TestUser;
let politician: TestUser;
let cw: HttpSession;
let methodId: string;
let clientId: string;
let episodeId: string;

const occasionSummary = (occasions: { kind: string; seq: number; dueDate: string; windowStart: string; windowEnd: string; state: string }[]) =>
  occasions.map((o) => `${o.kind}:${o.seq} ${o.dueDate} [${o.windowStart}..${o.windowEnd}] ${o.state}`);

beforeAll(async () => {
  t = await createTestApp({ today: TODAY });
  const f = new WorldFactory(t.dataSource);
  world = await f.create();
  admin = await f.user(world.municipalityId, Role.Admin, world.root);
  caseworker = await f.user(world.municipalityId, Role.Caseworker, world.unitA);
  caseworkerB = await f.user(world.municipalityId, Role.Caseworker, world.unitB);
  politician = await f.user(world.municipalityId, Role.Politician, world.root);
  const a = await HttpSession.signIn(t.baseUrl, admin.username);
  const method = await a.post('/api/v1/methods', { code: `MI-${world.suffix}`, name: 'Motiverande samtal', evidenceStatus: 'method_guide' });
  expect(method.status).toBe(201);
  methodId = method.body.id;
  const plan = await a.post(`/api/v1/methods/${methodId}/plans`, {
    instruments: ['start', 'follow_up', 'close'].flatMap((k) => [
      { occasionKind: k, instrumentCode: 'phq9' },
      { occasionKind: k, instrumentCode: 'gad7' },
    ]),
  });
  expect(plan.status).toBe(201);
  expect(plan.body.plan).toMatchObject({ version: 1, intervalMonths: 6, followUpWindowDays: 30, requiresAdjustmentDecision: true });
  expect(plan.body.plan.instruments).toHaveLength(6);
  cw = await HttpSession.signIn(t.baseUrl, caseworker.username);
  clientId = (await cw.post('/api/v1/clients', { homeUnitId: world.teamA1.id, birthYear: 1980, sex: 'female' })).body.id;
});

afterAll(async () => {
  await t?.close();
});

describe('methods and plans', () => {
  it('refuses a plan naming an unknown instrument, listing each, and stores nothing', async () => {
    const a = await HttpSession.signIn(t.baseUrl, admin.username);
    const res = await a.post(`/api/v1/methods/${methodId}/plans`, { instruments: [{ occasionKind: 'start', instrumentCode: 'nope' }] });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([expect.objectContaining({ field: 'instruments[0].instrumentCode' })]);
    expect((await a.get(`/api/v1/methods/${methodId}`)).body.plan.version).toBe(1);
  });

  it('lets only admins create methods', async () => {
    expect((await cw.post('/api/v1/methods', { code: 'X', name: 'X' })).status).toBe(403);
  });
});

describe('starting an episode', () => {
  it('generates the start occasion and follow-ups every 6 months up to one interval ahead, with states from their windows', async () => {
    const res = await cw.post('/api/v1/episodes', { clientId, methodId, orgUnitId: world.teamA1.id, caseworkerUserId: caseworker.id, startDate: '2026-01-15' });
    expect(res.status).toBe(201);
    episodeId = res.body.id;
    expect(res.body).toMatchObject({ clientId, methodId, orgUnitId: world.teamA1.id, startDate: '2026-01-15', closeDate: null });
    expect(occasionSummary(res.body.occasions)).toEqual([
      'start:0 2026-01-15 [2026-01-01..2026-02-14] overdue',
      'follow_up:1 2026-07-15 [2026-06-15..2026-08-14] overdue',
      'follow_up:2 2027-01-15 [2026-12-16..2027-02-14] planned',
    ]);
    const [outbox] = await t.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE payload->>'episodeId' = $1`, [episodeId]);
    expect(outbox.n).toBe(1);
  });

  it('refuses a second open episode with the same method (409), a future start (400) and a caseworker from another unit (400)', async () => {
    const base = { clientId, methodId, orgUnitId: world.teamA1.id, caseworkerUserId: caseworker.id, startDate: '2026-03-01' };
    const count = async () => (await t.dataSource.query(`SELECT count(*)::int AS n FROM episode WHERE client_id = $1`, [clientId]))[0].n;
    expect((await cw.post('/api/v1/episodes', base)).body.code).toBe('EPISODE.ALREADY_OPEN');
    const future = await cw.post('/api/v1/episodes', { ...base, startDate: '2026-12-01' });
    expect(future.status).toBe(400);
    expect(future.body.fields[0]).toMatchObject({ field: 'startDate' });
    const impossible = await cw.post('/api/v1/episodes', { ...base, startDate: '2026-02-30' });
    expect(impossible.status).toBe(400);
    expect(impossible.body.fields[0]).toMatchObject({ field: 'startDate', sv: 'startDate: Datumet finns inte.' });
    const wrongCaseworker = await cw.post('/api/v1/episodes', { ...base, caseworkerUserId: caseworkerB.id });
    expect(wrongCaseworker.status).toBe(400);
    expect(wrongCaseworker.body.fields[0].field).toBe('caseworkerUserId');
    expect(await count()).toBe(1);
  });

  it('is invisible to a caseworker of another unit (404) and forbidden to a politician (403)', async () => {
    const b = await HttpSession.signIn(t.baseUrl, caseworkerB.username);
    expect((await b.get(`/api/v1/episodes/${episodeId}`)).status).toBe(404);
    expect((await b.post(`/api/v1/episodes/${episodeId}/close`, { closeDate: TODAY, reason: 'other' })).status).toBe(404);
    const p = await HttpSession.signIn(t.baseUrl, politician.username);
    expect((await p.post('/api/v1/episodes', { clientId, methodId, orgUnitId: world.teamA1.id, caseworkerUserId: caseworker.id, startDate: '2026-01-15' })).status).toBe(403);
  });
});

describe('worklist', () => {
  it('lists the caseworker’s overdue occasions, longest overdue first, and audits one row per client', async () => {
    const res = await cw.get('/api/v1/worklist');
    expect(res.status).toBe(200);
    expect(res.body.asOf).toBe(TODAY);
    const mine = res.body.items.filter((i: { episodeId: string }) => i.episodeId === episodeId);
    expect(mine.map((i: { reason: string; kind: string; daysOverdue: number }) => `${i.reason} ${i.kind} ${i.daysOverdue}`)).toEqual([
      'overdue start 289',
      'overdue follow_up 108',
    ]);
    const audit = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE resource = 'worklist' AND client_id = $1`, [clientId]);
    expect(audit[0].n).toBe(1);
  });

  it('shows the unit view to a unit head above the unit, and 404 for a unit outside the caller’s units', async () => {
    const f = new WorldFactory(t.dataSource);
    const head = await f.user(world.municipalityId, Role.UnitHead, world.unitA);
    const h = await HttpSession.signIn(t.baseUrl, head.username);
    const unitView = await h.get(`/api/v1/worklist?view=unit&unitId=${world.unitA.id}`);
    expect(unitView.body.items.some((i: { episodeId: string }) => i.episodeId === episodeId)).toBe(true);
    expect((await h.get(`/api/v1/worklist?view=unit&unitId=${world.unitB.id}`)).status).toBe(404);
  });

  it('drops an occasion marked missed, which needs a reason', async () => {
    const episode = (await cw.get(`/api/v1/episodes/${episodeId}`)).body;
    const start = episode.occasions.find((o: { kind: string }) => o.kind === 'start');
    expect((await cw.post(`/api/v1/occasions/${start.id}/missed`, { reason: '' })).status).toBe(400);
    const missed = await cw.post(`/api/v1/occasions/${start.id}/missed`, { reason: 'Brukaren avböjde.' });
    expect(missed.status).toBe(200);
    expect(missed.body).toMatchObject({ state: 'missed', missedReason: 'Brukaren avböjde.' });
    expect((await cw.post(`/api/v1/occasions/${start.id}/missed`, { reason: 'igen' })).status).toBe(409);
    const items = (await cw.get('/api/v1/worklist')).body.items.filter((i: { episodeId: string }) => i.episodeId === episodeId);
    expect(items.map((i: { kind: string }) => i.kind)).toEqual(['follow_up']);
  });
});

describe('extra occasions and closing', () => {
  it('adds an extra occasion on demand, inside the episode only', async () => {
    expect((await cw.post(`/api/v1/episodes/${episodeId}/occasions`, { dueDate: '2025-12-01' })).status).toBe(400);
    const res = await cw.post(`/api/v1/episodes/${episodeId}/occasions`, { dueDate: '2026-11-20' });
    expect(res.status).toBe(201);
    expect(occasionSummary(res.body.occasions)).toContain('extra:1 2026-11-20 [2026-10-21..2026-12-20] due');
  });

  it('closing cancels later follow-ups and makes the close occasion due', async () => {
    expect((await cw.post(`/api/v1/episodes/${episodeId}/close`, { closeDate: '2025-01-01', reason: 'moved' })).status).toBe(400);
    expect((await cw.post(`/api/v1/episodes/${episodeId}/close`, { closeDate: TODAY, reason: 'nope' })).status).toBe(400);
    const res = await cw.post(`/api/v1/episodes/${episodeId}/close`, { closeDate: TODAY, reason: 'completed_as_planned' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ closeDate: TODAY, closeReason: 'completed_as_planned' });
    expect(occasionSummary(res.body.occasions)).toEqual([
      'start:0 2026-01-15 [2026-01-01..2026-02-14] missed',
      'follow_up:1 2026-07-15 [2026-06-15..2026-08-14] overdue',
      'extra:1 2026-11-20 [2026-10-21..2026-12-20] due',
      'close:0 2026-11-30 [2026-10-31..2026-12-14] due',
      'follow_up:2 2027-01-15 [2026-12-16..2027-02-14] cancelled',
    ]);
    expect((await cw.post(`/api/v1/episodes/${episodeId}/close`, { closeDate: TODAY, reason: 'other' })).body.code).toBe('EPISODE.ALREADY_CLOSED');
  });

  it('lists the client’s episodes with their occasions', async () => {
    const res = await cw.get(`/api/v1/clients/${clientId}/episodes`);
    expect(res.body.map((e: { id: string }) => e.id)).toEqual([episodeId]);
  });
});

describe('the nightly schedule run', () => {
  it('moves states by the windows and is idempotent', async () => {
    const c2 = (await cw.post('/api/v1/clients', { homeUnitId: world.unitA.id })).body.id;
    const e2 = (await cw.post('/api/v1/episodes', { clientId: c2, methodId, orgUnitId: world.unitA.id, caseworkerUserId: caseworker.id, startDate: '2026-11-01' })).body;
    expect(occasionSummary(e2.occasions)).toEqual(['start:0 2026-11-01 [2026-10-18..2026-12-01] due', 'follow_up:1 2027-05-01 [2027-04-01..2027-05-31] planned']);
    const schedule = new ScheduleRepository(t.dataSource);
    const mine = (rows: { episodeId: string }[]) => rows.filter((r) => r.episodeId === e2.id);
    // Two days later the start window has closed; a day before the follow-up window opens, nothing else moves.
    expect(mine(await schedule.advanceStates('2026-12-02'))).toHaveLength(1);
    expect(mine(await schedule.advanceStates('2026-12-02'))).toHaveLength(0);
    const states = await t.dataSource.query(`SELECT kind, state FROM occasion WHERE episode_id = $1 ORDER BY due_date`, [e2.id]);
    expect(states).toEqual([{ kind: 'start', state: 'overdue' }, { kind: 'follow_up', state: 'planned' }]);
    // Half a year on, the rolling horizon brings follow-up 2 (2027-11-01 ≤ 2027-06-01 + 6 months) into the schedule.
    expect(mine(await schedule.extendFollowUps('2027-06-01'))).toHaveLength(1);
    expect(mine(await schedule.extendFollowUps('2027-06-01'))).toHaveLength(0);
    const seqs = await t.dataSource.query(`SELECT seq, due_date::text AS due FROM occasion WHERE episode_id = $1 AND kind = 'follow_up' ORDER BY seq`, [e2.id]);
    expect(seqs).toEqual([{ seq: 1, due: '2027-05-01' }, { seq: 2, due: '2027-11-01' }]);
  });
});
