import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GoalWorldFactory, type TestEpisode } from '../factories/goal-world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';

// Start 2026-01-15: start:0 and follow_up:1 (window 2026-06-15..2026-08-14) are open, follow_up:2 (window from 2026-12-16) is not yet.
const TODAY = '2026-11-30';
const START = '2026-01-15';
const GAS_LEVELS = { '-2': 'Går inte ut alls', '-1': 'Går ut en gång i månaden', '0': 'Går ut varje vecka', '1': 'Går ut två gånger i veckan', '2': 'Går ut dagligen' };
const NASTY = `<script>alert('x')</script>'; DROP TABLE goal; -- "citat" & ${'\u00e5\u00e4\u00f6'}`;

let t: TestApp;
let f: GoalWorldFactory;
let w: Awaited<ReturnType<GoalWorldFactory['create']>>;
let cw: HttpSession;
let ep: TestEpisode;
let other: TestEpisode;

const occ = (e: TestEpisode, kind: string, seq: number) => e.occasions.find((o) => o.kind === kind && o.seq === seq)!.id;
const goalCount = (episodeId: string) => f.count(`goal WHERE episode_id = $1`, [episodeId]);
const attainmentCount = (goalId: string) => f.count(`goal_attainment WHERE goal_id = $1`, [goalId]);
const put = (s: HttpSession, occasionId: string, goalId: string, body: unknown) => s.request('PUT', `/api/v1/occasions/${occasionId}/goal-attainments/${goalId}`, body);

beforeAll(async () => {
  t = await createTestApp({ today: TODAY });
  f = new GoalWorldFactory(t);
  w = await f.create();
  cw = await HttpSession.signIn(t.baseUrl, w.users.caseworkerA.username);
  ep = await f.episode(cw, w.users.caseworkerA, w.world.unitA.id, w.methodId, START);
  other = await f.episode(cw, w.users.caseworkerA, w.world.teamA1.id, w.methodId, START);
});

afterAll(async () => {
  await t?.close();
});

describe('setting goals', () => {
  it('sets a SMART goal with a scale target and one with a GAS scale; writes an outbox row and an audit row each', async () => {
    const scaled = await cw.post(`/api/v1/episodes/${ep.episodeId}/goals`, {
      text: 'Sova minst sex timmar per natt fem nätter i veckan till juni.',
      targetDate: '2026-06-30',
      scale: { instrumentCode: 'phq9', scaleId: 'phq9_total', targetValue: 9 },
    });
    expect(scaled.status).toBe(201);
    expect(scaled.body).toMatchObject({
      episodeId: ep.episodeId,
      targetDate: '2026-06-30',
      scale: { instrumentCode: 'phq9', scaleId: 'phq9_total', targetValue: 9 },
      gas: null,
      attainments: [],
    });
    const gas = await cw.post(`/api/v1/episodes/${ep.episodeId}/goals`, { text: 'Komma ut bland folk.', gas: { levels: GAS_LEVELS } });
    expect(gas.status).toBe(201);
    expect(gas.body.gas).toEqual({ levels: GAS_LEVELS, weight: 1 });
    const outbox = await t.dataSource.query(`SELECT payload FROM outbox WHERE topic = 'goal.changed' AND payload->>'episodeId' = $1 ORDER BY id`, [ep.episodeId]);
    expect(outbox.map((r: { payload: unknown }) => r.payload)).toEqual([
      { goalId: scaled.body.id, episodeId: ep.episodeId },
      { goalId: gas.body.id, episodeId: ep.episodeId },
    ]);
    const audit = await t.dataSource.query(`SELECT action, resource, actor_user_id FROM audit_event WHERE client_id = $1 AND resource = 'goal' ORDER BY id`, [ep.clientId]);
    expect(audit).toEqual([
      { action: 'create', resource: 'goal', actor_user_id: w.users.caseworkerA.id },
      { action: 'create', resource: 'goal', actor_user_id: w.users.caseworkerA.id },
    ]);
  });

  it('stores free text with markup and SQL verbatim', async () => {
    const res = await cw.post(`/api/v1/episodes/${other.episodeId}/goals`, { text: NASTY });
    expect(res.status).toBe(201);
    expect(res.body.text).toBe(NASTY);
    const [row] = await t.dataSource.query(`SELECT text FROM goal WHERE id = $1`, [res.body.id]);
    expect(row.text).toBe(NASTY);
    const listed = await cw.get(`/api/v1/episodes/${other.episodeId}/goals`);
    expect(listed.body.goals.map((g: { text: string }) => g.text)).toContain(NASTY);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['empty text', { text: '' }, 'text'],
    ['text over 2000 characters', { text: 'x'.repeat(2001) }, 'text'],
    ['a target date that does not exist', { text: 'Mål', targetDate: '2026-02-30' }, 'targetDate'],
    ['a target date before the start', { text: 'Mål', targetDate: '2026-01-14' }, 'targetDate'],
    ['an instrument outside the plan', { text: 'Mål', scale: { instrumentCode: 'gad7', scaleId: 'gad7_total', targetValue: 5 } }, 'scale.instrumentCode'],
    ['an instrument that does not exist', { text: 'Mål', scale: { instrumentCode: 'nope', scaleId: 'x', targetValue: 5 } }, 'scale.instrumentCode'],
    ['a scale the instrument lacks', { text: 'Mål', scale: { instrumentCode: 'phq9', scaleId: 'gad7_total', targetValue: 5 } }, 'scale.scaleId'],
    ['a scale without a target value', { text: 'Mål', scale: { instrumentCode: 'phq9', scaleId: 'phq9_total' } }, 'scale.targetValue'],
    ['a GAS scale with a level left out', { text: 'Mål', gas: { levels: { ...GAS_LEVELS, '2': undefined } } }, 'gas.levels.2'],
    ['a GAS level described by nothing', { text: 'Mål', gas: { levels: { ...GAS_LEVELS, '-1': '' } } }, 'gas.levels.-1'],
    ['a GAS level that is not one of −2…+2', { text: 'Mål', gas: { levels: { ...GAS_LEVELS, '3': 'för mycket' } } }, 'gas.levels.3'],
    ['a GAS weight of 0', { text: 'Mål', gas: { levels: GAS_LEVELS, weight: 0 } }, 'gas.weight'],
    ['a negative GAS weight', { text: 'Mål', gas: { levels: GAS_LEVELS, weight: -1 } }, 'gas.weight'],
    ['GAS without levels', { text: 'Mål', gas: { weight: 2 } }, 'gas.levels'],
    ['an unknown field', { text: 'Mål', priority: 'hög' }, 'priority'],
  ];
  it.each(bad)('refuses %s (400 naming the field) and stores nothing', async (_name, body, field) => {
    const before = await goalCount(ep.episodeId);
    const res = await cw.post(`/api/v1/episodes/${ep.episodeId}/goals`, body);
    expect(res.status).toBe(400);
    expect(res.body.fields.map((e: { field: string }) => e.field)).toContain(field);
    expect(res.body.message).toEqual({ sv: expect.any(String), en: expect.any(String) });
    expect(await goalCount(ep.episodeId)).toBe(before);
  });

  it('answers 404 to a caseworker of another unit (and stores and audits nothing) and 403 to a politician', async () => {
    const b = await HttpSession.signIn(t.baseUrl, w.users.caseworkerB.username);
    const before = await goalCount(ep.episodeId);
    const auditBefore = await f.count(`audit_event WHERE client_id = $1`, [ep.clientId]);
    const res = await b.post(`/api/v1/episodes/${ep.episodeId}/goals`, { text: 'Mål' });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('EPISODE.NOT_FOUND');
    expect((await b.get(`/api/v1/episodes/${ep.episodeId}/goals`)).status).toBe(404);
    const p = await HttpSession.signIn(t.baseUrl, w.users.politician.username);
    expect((await p.post(`/api/v1/episodes/${ep.episodeId}/goals`, { text: 'Mål' })).status).toBe(403);
    expect((await p.get(`/api/v1/episodes/${ep.episodeId}/goals`)).status).toBe(403);
    expect(await goalCount(ep.episodeId)).toBe(before);
    expect(await f.count(`audit_event WHERE client_id = $1`, [ep.clientId])).toBe(auditBefore);
  });
});

describe('GAS T-scores through the API', () => {
  let episode: TestEpisode;
  let goals: string[];
  let extraId: string;

  beforeAll(async () => {
    episode = await f.episode(cw, w.users.caseworkerA, w.world.unitA.id, w.methodId, START);
    goals = [];
    for (const weight of [3, 2, 1]) {
      const res = await cw.post(`/api/v1/episodes/${episode.episodeId}/goals`, { text: `GAS-mål med vikt ${weight}`, gas: { levels: GAS_LEVELS, weight } });
      expect(res.status).toBe(201);
      goals.push(res.body.id);
    }
    // A goal without GAS does not enter the T-score.
    expect((await cw.post(`/api/v1/episodes/${episode.episodeId}/goals`, { text: 'Ha ett arbete' })).status).toBe(201);
    const extra = await cw.post(`/api/v1/episodes/${episode.episodeId}/occasions`, { dueDate: '2026-11-20' });
    expect(extra.status).toBe(201);
    extraId = extra.body.occasions.find((o: { kind: string }) => o.kind === 'extra').id;
  });

  it('gives no T-score while a GAS goal lacks a level at the occasion, and says which', async () => {
    const fu1 = occ(episode, 'follow_up', 1);
    expect((await put(cw, fu1, goals[0]!, { gasLevel: 1 })).status).toBe(200);
    expect((await put(cw, fu1, goals[1]!, { gasLevel: 0 })).status).toBe(200);
    const res = await cw.get(`/api/v1/episodes/${episode.episodeId}/goals`);
    expect(res.status).toBe(200);
    expect(res.body.gas).toEqual([
      expect.objectContaining({ occasionId: fu1, kind: 'follow_up', seq: 1, tScore: null, missingGoalIds: [goals[2]], note: { sv: expect.stringContaining('1 av 3'), en: expect.stringContaining('1 of 3') } }),
    ]);
  });

  it('levels +1, 0, −1 weighted 3, 2, 1 give T = 54.407 (50 + 10·2/√(0.7·14 + 0.3·36))', async () => {
    const fu1 = occ(episode, 'follow_up', 1);
    expect((await put(cw, fu1, goals[2]!, { gasLevel: -1, comment: 'Har inte kommit ut' })).status).toBe(200);
    const res = await cw.get(`/api/v1/episodes/${episode.episodeId}/goals`);
    const [summary] = res.body.gas;
    expect(summary).toMatchObject({ occasionId: fu1, missingGoalIds: [], note: null });
    expect(summary.tScore.toFixed(3)).toBe('54.407');
    expect(summary.levels).toEqual([
      { goalId: goals[0], level: 1, weight: 3 },
      { goalId: goals[1], level: 0, weight: 2 },
      { goalId: goals[2], level: -1, weight: 1 },
    ]);
  });

  it('levels +2, +1, −2 at a later extra occasion give T = 63.220 (50 + 10·6/4.538722), listed per occasion in order', async () => {
    for (const [i, level] of [2, 1, -2].entries()) expect((await put(cw, extraId, goals[i]!, { gasLevel: level })).status).toBe(200);
    const res = await cw.get(`/api/v1/episodes/${episode.episodeId}/goals`);
    expect(res.body.gas.map((g: { occasionId: string; tScore: number }) => [g.occasionId, g.tScore.toFixed(3)])).toEqual([
      [occ(episode, 'follow_up', 1), '54.407'],
      [extraId, '63.220'],
    ]);
    const history = res.body.goals.find((g: { id: string }) => g.id === goals[2]).attainments;
    expect(history.map((a: { occasionKind: string; gasLevel: number; comment: string | null }) => [a.occasionKind, a.gasLevel, a.comment])).toEqual([
      ['follow_up', -1, 'Har inte kommit ut'],
      ['extra', -2, null],
    ]);
  });
});

describe('recording goal attainment', () => {
  let gasGoal: string;
  let plainGoal: string;
  let otherGoal: string;

  beforeAll(async () => {
    gasGoal = (await cw.post(`/api/v1/episodes/${ep.episodeId}/goals`, { text: 'GAS-mål', gas: { levels: GAS_LEVELS, weight: 2 } })).body.id;
    plainGoal = (await cw.post(`/api/v1/episodes/${ep.episodeId}/goals`, { text: 'Ja/nej-mål' })).body.id;
    otherGoal = (await cw.post(`/api/v1/episodes/${other.episodeId}/goals`, { text: 'Annan insats' })).body.id;
  });

  it('is an idempotent upsert: the same PUT twice keeps one row and one outbox row; a new level replaces it', async () => {
    const fu1 = occ(ep, 'follow_up', 1);
    const outbox = () => f.count(`outbox WHERE topic = 'goal.changed' AND payload->>'goalId' = $1 AND payload ? 'occasionId'`, [gasGoal]);
    const first = await put(cw, fu1, gasGoal, { gasLevel: 1, achieved: false, comment: 'Nästan' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ goalId: gasGoal, occasionId: fu1, gasLevel: 1, achieved: false, comment: 'Nästan', changed: true, recordedBy: w.users.caseworkerA.id });
    const again = await put(cw, fu1, gasGoal, { gasLevel: 1, achieved: false, comment: 'Nästan' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id, gasLevel: 1, changed: false });
    expect(await attainmentCount(gasGoal)).toBe(1);
    expect(await outbox()).toBe(1);
    const changed = await put(cw, fu1, gasGoal, { gasLevel: 2, achieved: true });
    expect(changed.body).toMatchObject({ id: first.body.id, gasLevel: 2, achieved: true, comment: null, changed: true });
    expect(await attainmentCount(gasGoal)).toBe(1);
    expect(await outbox()).toBe(2);
    const audit = await t.dataSource.query(`SELECT action FROM audit_event WHERE client_id = $1 AND resource = 'goal_attainment' ORDER BY id`, [ep.clientId]);
    expect(audit.map((r: { action: string }) => r.action)).toEqual(['create', 'update', 'update']);
  });

  it('records a yes/no goal with achieved', async () => {
    const res = await put(cw, occ(ep, 'follow_up', 1), plainGoal, { achieved: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ gasLevel: null, achieved: true });
  });

  it('refuses each bad input with a 4xx naming the field, and changes nothing', async () => {
    const fu1 = occ(ep, 'follow_up', 1);
    const cases: [string, string, unknown, number, string][] = [
      [fu1, gasGoal, {}, 400, 'gasLevel'],
      [fu1, gasGoal, { gasLevel: 3 }, 400, 'gasLevel'],
      [fu1, gasGoal, { gasLevel: 1.5 }, 400, 'gasLevel'],
      [fu1, gasGoal, { gasLevel: '1' }, 400, 'gasLevel'],
      [fu1, gasGoal, { gasLevel: 1, achieved: 'ja' }, 400, 'achieved'],
      [fu1, gasGoal, { gasLevel: 1, comment: 'x'.repeat(2001) }, 400, 'comment'],
      [fu1, gasGoal, { gasLevel: 1, extra: true }, 400, 'extra'],
      [fu1, plainGoal, { gasLevel: 1, achieved: true }, 400, 'gasLevel'],
      [fu1, plainGoal, { comment: 'inget svar' }, 400, 'achieved'],
      [occ(ep, 'start', 0), gasGoal, { gasLevel: 0 }, 422, 'occasionId'],
      [fu1, otherGoal, { achieved: true }, 422, 'goalId'],
    ];
    const before = await f.count(`goal_attainment a JOIN goal g ON g.id = a.goal_id WHERE g.episode_id = ANY($1)`, [[ep.episodeId, other.episodeId]]);
    const [stored] = await t.dataSource.query(`SELECT gas_level, achieved, comment FROM goal_attainment WHERE goal_id = $1`, [gasGoal]);
    for (const [occasionId, goalId, body, status, field] of cases) {
      const res = await put(cw, occasionId, goalId, body);
      expect({ body, status: res.status, fields: res.body.fields.map((e: { field: string }) => e.field) }).toEqual({ body, status, fields: expect.arrayContaining([field]) });
    }
    expect(await f.count(`goal_attainment a JOIN goal g ON g.id = a.goal_id WHERE g.episode_id = ANY($1)`, [[ep.episodeId, other.episodeId]])).toBe(before);
    expect((await t.dataSource.query(`SELECT gas_level, achieved, comment FROM goal_attainment WHERE goal_id = $1`, [gasGoal]))[0]).toEqual(stored);
  });

  it('refuses a cancelled occasion and one whose window has not opened (409), and an unknown goal or occasion (404)', async () => {
    const fu2 = occ(ep, 'follow_up', 2);
    const res = await put(cw, fu2, gasGoal, { gasLevel: 0 });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('OCCASION.NOT_YET_OPEN');
    const ep3 = await f.episode(cw, w.users.caseworkerA, w.world.unitA.id, w.methodId, START);
    const goal = (await cw.post(`/api/v1/episodes/${ep3.episodeId}/goals`, { text: 'Mål', gas: { levels: GAS_LEVELS } })).body.id;
    const closed = await cw.post(`/api/v1/episodes/${ep3.episodeId}/close`, { closeDate: '2026-11-01', reason: 'moved' });
    expect(closed.status).toBe(200);
    const cancelled = closed.body.occasions.find((o: { kind: string; seq: number }) => o.kind === 'follow_up' && o.seq === 2);
    expect(cancelled.state).toBe('cancelled');
    const res2 = await put(cw, cancelled.id, goal, { gasLevel: 0 });
    expect(res2.status).toBe(409);
    expect(res2.body.code).toBe('OCCASION.CANCELLED');
    expect((await put(cw, fu2, '00000000-0000-4000-8000-000000000000', { gasLevel: 0 })).status).toBe(404);
    expect((await put(cw, '00000000-0000-4000-8000-000000000000', gasGoal, { gasLevel: 0 })).status).toBe(404);
    expect(await attainmentCount(goal)).toBe(0);
  });

  it('answers 404 to a caseworker of another unit and 403 to a politician', async () => {
    const b = await HttpSession.signIn(t.baseUrl, w.users.caseworkerB.username);
    expect((await put(b, occ(ep, 'follow_up', 1), plainGoal, { achieved: false })).status).toBe(404);
    const p = await HttpSession.signIn(t.baseUrl, w.users.politician.username);
    expect((await put(p, occ(ep, 'follow_up', 1), plainGoal, { achieved: false })).status).toBe(403);
    const [row] = await t.dataSource.query(`SELECT achieved FROM goal_attainment WHERE goal_id = $1`, [plainGoal]);
    expect(row.achieved).toBe(true);
  });
});

describe('changing a goal', () => {
  it('changes text and target date; the GAS scale only until attainment is recorded (then 409, nothing changed)', async () => {
    const created = await cw.post(`/api/v1/episodes/${ep.episodeId}/goals`, { text: 'Första lydelse', gas: { levels: GAS_LEVELS } });
    const id = created.body.id;
    const edited = await cw.patch(`/api/v1/goals/${id}`, { text: 'Andra lydelse', targetDate: '2027-01-31', gas: { levels: { ...GAS_LEVELS, '0': 'Går ut tre gånger i veckan' }, weight: 2 } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ text: 'Andra lydelse', targetDate: '2027-01-31', gas: { levels: { '0': 'Går ut tre gånger i veckan' }, weight: 2 } });
    expect((await put(cw, occ(ep, 'follow_up', 1), id, { gasLevel: 0 })).status).toBe(200);
    const locked = await cw.patch(`/api/v1/goals/${id}`, { gas: { levels: GAS_LEVELS, weight: 2 } });
    expect(locked.status).toBe(409);
    expect(locked.body).toMatchObject({ code: 'GOAL.GAS_LOCKED', fields: [expect.objectContaining({ field: 'gas' })] });
    const reweighted = await cw.patch(`/api/v1/goals/${id}`, { gas: { levels: edited.body.gas.levels, weight: 3 } });
    expect(reweighted.status).toBe(409);
    // Sending the stored scale unchanged is not a change.
    expect((await cw.patch(`/api/v1/goals/${id}`, { text: 'Tredje lydelse', gas: edited.body.gas })).status).toBe(200);
    const [row] = await t.dataSource.query(`SELECT text, gas_levels->>'0' AS level0, gas_weight::float AS weight FROM goal WHERE id = $1`, [id]);
    expect(row).toEqual({ text: 'Tredje lydelse', level0: 'Går ut tre gånger i veckan', weight: 2 });
    const audit = await t.dataSource.query(`SELECT action FROM audit_event WHERE client_id = $1 AND resource = 'goal' AND action = 'update'`, [ep.clientId]);
    expect(audit.length).toBe(2);
  });

  it('refuses bad changes with 400 naming the field, 404 outside the unit, and changes nothing', async () => {
    const id = (await cw.post(`/api/v1/episodes/${ep.episodeId}/goals`, { text: 'Orörd' })).body.id;
    for (const [body, field] of [
      [{}, 'text'],
      [{ text: '' }, 'text'],
      [{ targetDate: '2025-12-31' }, 'targetDate'],
      [{ scale: { instrumentCode: 'phq9', scaleId: 'phq9_total', targetValue: 5 } }, 'scale'],
    ] as const) {
      const res = await cw.patch(`/api/v1/goals/${id}`, body);
      expect({ body, status: res.status, fields: res.body.fields.map((e: { field: string }) => e.field) }).toEqual({ body, status: 400, fields: expect.arrayContaining([field]) });
    }
    const b = await HttpSession.signIn(t.baseUrl, w.users.caseworkerB.username);
    expect((await b.patch(`/api/v1/goals/${id}`, { text: 'Kapat' })).status).toBe(404);
    const [row] = await t.dataSource.query(`SELECT text, target_date FROM goal WHERE id = $1`, [id]);
    expect(row).toEqual({ text: 'Orörd', target_date: null });
  });

  it('audits reading the goals of an episode', async () => {
    const before = await f.count(`audit_event WHERE client_id = $1 AND resource = 'goal' AND action = 'list'`, [ep.clientId]);
    expect((await cw.get(`/api/v1/episodes/${ep.episodeId}/goals`)).status).toBe(200);
    expect(await f.count(`audit_event WHERE client_id = $1 AND resource = 'goal' AND action = 'list'`, [ep.clientId])).toBe(before + 1);
  });
});
