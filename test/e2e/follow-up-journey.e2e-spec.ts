import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '#domain';
import { ScheduleRepository } from '#persistence';
import { WorldFactory, type TestUser } from '../factories/world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, fixedClock, type TestApp } from '../utils/test-app.js';

/**
 * One client walked through a whole intervention, as a caseworker does it over a year:
 * registration → start (PHQ-9 + GAD-7, goals) → follow-up 1 (attainment, discussion, adjustment
 * decision) → a correction → follow-up 2 → close. Schedule, worklist and history are checked at each step.
 */
const clock = fixedClock('2026-01-15');
let t: TestApp;
let world: Awaited<ReturnType<WorldFactory['create']>>;
let caseworker: TestUser;
let cw: HttpSession;
let clientId: string;
let episodeId: string;
let gasGoalId: string;
let scaleGoalId: string;

const answers = (prefix: string, n: number, value: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}_${i + 1}`, value]));
const schedule = async () =>
  ((await cw.get(`/api/v1/episodes/${episodeId}`)).body.occasions as { kind: string; seq: number; dueDate: string; state: string }[]).map(
    (o) => `${o.kind}:${o.seq} ${o.dueDate} ${o.state}`,
  );
const occasionId = async (kind: string, seq: number) =>
  ((await cw.get(`/api/v1/episodes/${episodeId}`)).body.occasions as { id: string; kind: string; seq: number }[]).find((o) => o.kind === kind && o.seq === seq)!.id;
const myWorklist = async () =>
  ((await cw.get('/api/v1/worklist')).body.items as { episodeId: string; reason: string; kind: string; seq: number }[])
    .filter((i) => i.episodeId === episodeId)
    .map((i) => `${i.reason} ${i.kind}:${i.seq}`);
async function nightly(day: string) {
  clock.set(day);
  const s = new ScheduleRepository(t.dataSource);
  await s.extendFollowUps(day);
  await s.advanceStates(day);
}
async function record(kind: string, seq: number, day: string, phq: number, gad: number) {
  const occasion = await occasionId(kind, seq);
  const p = await cw.post(`/api/v1/occasions/${occasion}/responses`, { instrumentCode: 'phq9', answeredOn: day, respondent: 'client', mode: 'with_caseworker', answers: answers('phq9', 9, phq) });
  const g = await cw.post(`/api/v1/occasions/${occasion}/responses`, { instrumentCode: 'gad7', answeredOn: day, respondent: 'client', mode: 'with_caseworker', answers: answers('gad7', 7, gad) });
  expect([p.status, g.status]).toEqual([201, 201]);
  return { occasion, phq9: p.body, gad7: g.body };
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  const f = new WorldFactory(t.dataSource);
  world = await f.create();
  const admin = await f.user(world.municipalityId, Role.Admin, world.root);
  caseworker = await f.user(world.municipalityId, Role.Caseworker, world.unitA);
  const a = await HttpSession.signIn(t.baseUrl, admin.username);
  const method = (await a.post('/api/v1/methods', { code: `J-${world.suffix}`, name: 'Psykosocialt stöd' })).body;
  await a.post(`/api/v1/methods/${method.id}/plans`, {
    instruments: ['start', 'follow_up', 'close'].flatMap((k) => ['phq9', 'gad7'].map((c) => ({ occasionKind: k, instrumentCode: c }))),
  });
  cw = await HttpSession.signIn(t.baseUrl, caseworker.username);
  clientId = (await cw.post('/api/v1/clients', { homeUnitId: world.unitA.id, birthYear: 1985, sex: 'female' })).body.id;
  episodeId = (await cw.post('/api/v1/episodes', { clientId, methodId: method.id, orgUnitId: world.unitA.id, caseworkerUserId: caseworker.id, startDate: '2026-01-15' })).body.id;
});

afterAll(async () => {
  await t?.close();
});

describe('a year of follow-up for one client', () => {
  it('start: the start occasion is due and on the worklist; the first follow-up is planned', async () => {
    expect(await schedule()).toEqual(['start:0 2026-01-15 due', 'follow_up:1 2026-07-15 planned']);
    expect(await myWorklist()).toEqual(['due start:0']);
  });

  it('start: PHQ-9 18 and GAD-7 14 are scored as cases; the occasion is done once both are in', async () => {
    const { phq9, gad7 } = await record('start', 0, '2026-01-15', 2, 2);
    expect(phq9.scores.find((s: { scaleId: string }) => s.scaleId === 'phq9_total')).toMatchObject({ raw: 18, valid: true, isCase: true });
    expect(gad7.scores.find((s: { scaleId: string }) => s.scaleId === 'gad7_total')).toMatchObject({ raw: 14, valid: true, isCase: true });
    expect(await schedule()).toEqual(['start:0 2026-01-15 done', 'follow_up:1 2026-07-15 planned']);
    expect(await myWorklist()).toEqual([]);
  });

  it('start: goals are set — one with a GAS scale, one tied to the PHQ-9 total — and the talk is noted', async () => {
    const levels = { '-2': 'Lämnar inte hemmet', '-1': 'Går ut en gång i veckan', '0': 'Går ut tre gånger i veckan', '1': 'Går ut dagligen', '2': 'Har börjat arbetsträna' };
    const gas = await cw.post(`/api/v1/episodes/${episodeId}/goals`, { text: 'Gå ut tre gånger i veckan inom sex månader.', targetDate: '2026-07-15', gas: { levels } });
    const scale = await cw.post(`/api/v1/episodes/${episodeId}/goals`, { text: 'PHQ-9 under 10 inom ett år.', targetDate: '2027-01-15', scale: { instrumentCode: 'phq9', scaleId: 'phq9_total', targetValue: 9 } });
    expect([gas.status, scale.status]).toEqual([201, 201]);
    gasGoalId = gas.body.id;
    scaleGoalId = scale.body.id;
    const note = await cw.post(`/api/v1/occasions/${await occasionId('start', 0)}/notes`, { kind: 'discussed_with_client', withWhom: 'client', heldOn: '2026-01-15', clientComment: 'Vill komma ut mer.' });
    expect(note.status).toBe(201);
  });

  it('follow-up 1: the nightly run brings it due and plans the next one within the horizon', async () => {
    await nightly('2026-07-20');
    expect(await schedule()).toEqual(['start:0 2026-01-15 done', 'follow_up:1 2026-07-15 due', 'follow_up:2 2027-01-15 planned']);
    expect(await myWorklist()).toEqual(['due follow_up:1']);
  });

  it('follow-up 1: answers, goal attainment and the talk are recorded; the worklist then asks for an adjustment decision', async () => {
    const { occasion, phq9 } = await record('follow_up', 1, '2026-07-20', 1, 1);
    expect(phq9.scores.find((s: { scaleId: string }) => s.scaleId === 'phq9_total')).toMatchObject({ raw: 9, isCase: false });
    expect((await cw.request('PUT', `/api/v1/occasions/${occasion}/goal-attainments/${gasGoalId}`, { gasLevel: 1 })).status).toBe(200);
    expect((await cw.request('PUT', `/api/v1/occasions/${occasion}/goal-attainments/${scaleGoalId}`, { achieved: true })).status).toBe(200);
    expect(await schedule()).toContain('follow_up:1 2026-07-15 done');
    expect(await myWorklist()).toEqual(['needs_adjustment_decision follow_up:1']);
    const decision = await cw.post(`/api/v1/occasions/${occasion}/notes`, { kind: 'adjustment_decision', adjusted: false, why: 'Tydlig förbättring; insatsen fortsätter som planerat.', heldOn: '2026-07-20' });
    expect(decision.status).toBe(201);
    expect(await myWorklist()).toEqual([]);
  });

  it('a correction of the follow-up PHQ-9 becomes current; the first answer stays in the history', async () => {
    const responses = (await cw.get(`/api/v1/episodes/${episodeId}/responses`)).body;
    const original = JSON.stringify(responses);
    expect(original).toContain('"raw":9');
    const occasion = await occasionId('follow_up', 1);
    const [phqRow] = await t.dataSource.query(
      `SELECT r.id FROM response r JOIN instrument i ON i.id = r.instrument_id WHERE r.occasion_id = $1 AND i.code = 'phq9' AND r.is_current`,
      [occasion],
    );
    const corrected = await cw.post(`/api/v1/responses/${phqRow.id}/corrections`, { reason: 'Fel svar inmatat på fråga 1.', answers: { ...answers('phq9', 9, 1), phq9_1: 2 } });
    expect(corrected.status).toBe(201);
    expect(corrected.body).toMatchObject({ revision: 2 });
    expect(corrected.body.scores.find((s: { scaleId: string }) => s.scaleId === 'phq9_total')).toMatchObject({ raw: 10, isCase: true });
    const history = (await cw.get(`/api/v1/responses/${corrected.body.id}/history`)).body;
    const revisions = Array.isArray(history) ? history : history.revisions;
    expect(revisions.map((r: { revision: number; correctionReason: string | null }) => [r.revision, r.correctionReason])).toEqual([
      [1, null],
      [2, 'Fel svar inmatat på fråga 1.'],
    ]);
  });

  it('follow-up 2 and close: later follow-ups are cancelled, the close occasion is due, GAS T is computed per occasion', async () => {
    await nightly('2027-01-20');
    expect(await schedule()).toEqual([
      'start:0 2026-01-15 done',
      'follow_up:1 2026-07-15 done',
      'follow_up:2 2027-01-15 due',
      'follow_up:3 2027-07-15 planned',
    ]);
    const { occasion } = await record('follow_up', 2, '2027-01-20', 0, 0);
    await cw.request('PUT', `/api/v1/occasions/${occasion}/goal-attainments/${gasGoalId}`, { gasLevel: 2 });
    await cw.request('PUT', `/api/v1/occasions/${occasion}/goal-attainments/${scaleGoalId}`, { achieved: true });
    await cw.post(`/api/v1/occasions/${occasion}/notes`, { kind: 'adjustment_decision', adjusted: true, what: 'Färre samtal, mer arbetsträning.', why: 'Målen är nådda.', heldOn: '2027-01-20' });
    clock.set('2027-02-01');
    const closed = await cw.post(`/api/v1/episodes/${episodeId}/close`, { closeDate: '2027-02-01', reason: 'completed_as_planned' });
    expect(closed.status).toBe(200);
    expect(await schedule()).toEqual([
      'start:0 2026-01-15 done',
      'follow_up:1 2026-07-15 done',
      'follow_up:2 2027-01-15 done',
      'close:0 2027-02-01 due',
      'follow_up:3 2027-07-15 cancelled',
    ]);
    expect(await myWorklist()).toEqual(['due close:0']);
    await record('close', 0, '2027-02-01', 0, 0);
    expect(await schedule()).toContain('close:0 2027-02-01 done');
    expect(await myWorklist()).toEqual([]);
    // GAS with one goal: T = 50 + 10·x (ρ = 0.3, one weight of 1 gives √1 = 1): +1 → 60, +2 → 70.
    const goals = (await cw.get(`/api/v1/episodes/${episodeId}/goals`)).body;
    expect(goals.gas.map((g: { kind: string; seq: number; tScore: number }) => [`${g.kind}:${g.seq}`, Number(g.tScore.toFixed(3))])).toEqual([
      ['follow_up:1', 60],
      ['follow_up:2', 70],
    ]);
  });

  it('the history holds every access: one audit row per read or write, all under the client', async () => {
    const rows = await t.dataSource.query(`SELECT action, resource FROM audit_event WHERE client_id = $1 ORDER BY id`, [clientId]);
    expect(rows.length).toBeGreaterThan(30);
    expect(rows[0]).toEqual({ action: 'create', resource: 'client' });
    expect(rows.some((r: { resource: string }) => r.resource === 'response')).toBe(true);
    const outbox = await t.dataSource.query(`SELECT DISTINCT topic FROM outbox WHERE payload::text LIKE $1 ORDER BY topic`, [`%${episodeId}%`]);
    expect(outbox.map((o: { topic: string }) => o.topic)).toEqual(expect.arrayContaining(['episode.changed', 'response.recorded']));
  });
});
