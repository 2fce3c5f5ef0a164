import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OccasionKind, Respondent, ResponseMode, Role } from '#domain';
import { type Actor, Permission, scopeFor } from '#access';
import { ResponseRepository } from '#persistence';
import { type Answers, GAD7, type InstrumentDefinition, PHQ9, scoreResponse } from '#instruments';
import { createEpisodeWorld, type EpisodeWorld } from '../factories/episode.factory.js';
import { type TestUser, WorldFactory } from '../factories/world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';

const TODAY = '2026-03-16';
const START = '2026-03-02';

const phq9 = (v: number[]): Answers => Object.fromEntries(v.map((x, i) => [`phq9_${i + 1}`, x]));
const gad7 = (v: number[]): Answers => Object.fromEntries(v.map((x, i) => [`gad7_${i + 1}`, x]));
const PHQ9_A = phq9([2, 2, 1, 3, 1, 2, 1, 0, 1]); // 13: moderate, a case
const PHQ9_B = phq9([1, 0, 1, 1, 0, 1, 0, 0, 0]); // 4: minimal
const GAD7_A = gad7([1, 2, 1, 1, 2, 1, 1]); // 9: a case

let t: TestApp;
let ew: EpisodeWorld;
let caseworker: HttpSession;
let caseworkerB: TestUser;
let politician: TestUser;
let analyst: TestUser;
let unitHead: TestUser;

const body = (instrumentCode: string, answers: Answers, extra: Record<string, unknown> = {}) => ({
  instrumentCode,
  answeredOn: TODAY,
  respondent: 'client',
  mode: 'with_caseworker',
  answers,
  ...extra,
});

/** Rows of this file's municipality in every table a response write touches, and the occasions' states. */
async function snapshot() {
  const [r] = await t.dataSource.query(
    `SELECT (SELECT count(*) FROM response WHERE municipality_id = $1)::int AS responses,
            (SELECT count(*) FROM response_answer a JOIN response r ON r.id = a.response_id WHERE r.municipality_id = $1)::int AS answers,
            (SELECT count(*) FROM scale_score s JOIN response r ON r.id = s.response_id WHERE r.municipality_id = $1)::int AS scores,
            (SELECT count(*) FROM outbox WHERE municipality_id = $1)::int AS outbox,
            (SELECT count(*) FROM audit_event WHERE municipality_id = $1)::int AS audit,
            (SELECT string_agg(id || state || coalesce(done_on::text, ''), ',' ORDER BY id) FROM occasion WHERE municipality_id = $1) AS occasions`,
    [ew.world.municipalityId],
  );
  return r;
}

/** The stored scale scores of a response, shaped like scoreResponse's result. */
async function storedScores(responseId: string) {
  return t.dataSource.query(
    `SELECT scale_id, raw::float8 AS raw, valid, invalid_reason, band, is_case, prorated FROM scale_score WHERE response_id = $1 ORDER BY scale_id`,
    [responseId],
  );
}

function expectedStored(def: InstrumentDefinition, answers: Answers) {
  return scoreResponse(def, answers, { sex: 'female' }).map((s) => ({
    scale_id: s.scaleId,
    raw: s.raw,
    valid: s.valid,
    invalid_reason: s.invalidReason?.code ?? null,
    band: s.band?.label.sv ?? null,
    is_case: s.isCase ?? null,
    prorated: s.prorated,
  }));
}

function expectedView(def: InstrumentDefinition, answers: Answers) {
  return scoreResponse(def, answers, { sex: 'female' }).map((s) => ({
    scaleId: s.scaleId,
    raw: s.raw,
    valid: s.valid,
    invalidReason: s.invalidReason?.code ?? null,
    band: s.band ?? null,
    isCase: s.isCase ?? null,
    prorated: s.prorated,
  }));
}

async function occasionRow(id: string) {
  const [o] = await t.dataSource.query(`SELECT state, done_on::text AS done_on FROM occasion WHERE id = $1`, [id]);
  return o;
}

beforeAll(async () => {
  t = await createTestApp({ today: TODAY });
  ew = await createEpisodeWorld(t.dataSource, { instruments: ['phq9', 'gad7'], startDate: START, today: TODAY });
  const f = new WorldFactory(t.dataSource);
  caseworkerB = await f.user(ew.world.municipalityId, Role.Caseworker, ew.world.unitB);
  politician = await f.user(ew.world.municipalityId, Role.Politician, ew.world.root);
  analyst = await f.user(ew.world.municipalityId, Role.Analyst, ew.world.root);
  unitHead = await f.user(ew.world.municipalityId, Role.UnitHead, ew.world.root);
  caseworker = await HttpSession.signIn(t.baseUrl, ew.caseworker.username);
});

afterAll(async () => {
  await t?.close();
});

describe('recording a response', () => {
  let phqId: string;

  it('stores and scores PHQ-9 at the start occasion; the occasion stays due until GAD-7 is in', async () => {
    const start = ew.occasion(OccasionKind.Start);
    const before = await snapshot();
    const res = await caseworker.post(`/api/v1/occasions/${start.id}/responses`, body('phq9', PHQ9_A, { answeredOn: '2026-03-03' }));
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    phqId = res.body.id;
    expect(res.body).toMatchObject({
      occasionId: start.id,
      episodeId: ew.episode.id,
      clientId: ew.client.id,
      clientPseudonym: ew.client.pseudonym,
      instrument: { code: 'phq9', version: PHQ9.version },
      revision: 1,
      supersedesId: null,
      isCurrent: true,
      correctionReason: null,
      answeredOn: '2026-03-03',
      respondent: 'client',
      mode: 'with_caseworker',
      recordedBy: { userId: ew.caseworker.id },
      answers: PHQ9_A,
      occasion: { id: start.id, kind: 'start', state: 'due', doneOn: null, onTime: null },
    });
    expect(res.body.scores).toEqual(expectedView(PHQ9, PHQ9_A));
    expect(res.body.scores[0]).toMatchObject({ raw: 13, isCase: true, band: { label: { en: 'Moderate' } } });

    expect(await storedScores(phqId)).toEqual(expectedStored(PHQ9, PHQ9_A));
    const answers = await t.dataSource.query(`SELECT item_id, value_numeric::float8 AS v FROM response_answer WHERE response_id = $1 ORDER BY item_id`, [phqId]);
    expect(Object.fromEntries(answers.map((a: any) => [a.item_id, a.v]))).toEqual(PHQ9_A);

    const after = await snapshot();
    expect(after.responses - before.responses).toBe(1);
    expect(after.answers - before.answers).toBe(9);
    expect(after.outbox - before.outbox).toBe(1);
    expect(after.audit - before.audit).toBe(1);
    const [outbox] = await t.dataSource.query(`SELECT topic, payload FROM outbox WHERE municipality_id = $1 ORDER BY id DESC LIMIT 1`, [ew.world.municipalityId]);
    expect(outbox).toEqual({ topic: 'response.recorded', payload: { responseId: phqId, episodeId: ew.episode.id } });
    const [audit] = await t.dataSource.query(`SELECT action, resource, client_id, client_pseudonym, actor_user_id FROM audit_event WHERE municipality_id = $1 ORDER BY id DESC LIMIT 1`, [
      ew.world.municipalityId,
    ]);
    expect(audit).toEqual({ action: 'create', resource: 'response', client_id: ew.client.id, client_pseudonym: ew.client.pseudonym, actor_user_id: ew.caseworker.id });
    expect(await occasionRow(start.id)).toEqual({ state: 'due', done_on: null });
  });

  it('marks the occasion done, on the latest answer date, once every plan instrument is in', async () => {
    const start = ew.occasion(OccasionKind.Start);
    const res = await caseworker.post(`/api/v1/occasions/${start.id}/responses`, body('gad7', GAD7_A, { answeredOn: '2026-03-05', respondent: 'client', mode: 'self_on_device' }));
    expect(res.status).toBe(201);
    expect(res.body.scores).toEqual(expectedView(GAD7, GAD7_A));
    expect(await storedScores(res.body.id)).toEqual(expectedStored(GAD7, GAD7_A));
    expect(res.body.occasion).toMatchObject({ state: 'done', doneOn: '2026-03-05', onTime: true });
    expect(await occasionRow(start.id)).toEqual({ state: 'done', done_on: '2026-03-05' });
  });

  it('a second response for the same occasion and instrument is 409 and changes nothing', async () => {
    const before = await snapshot();
    const res = await caseworker.post(`/api/v1/occasions/${ew.occasion(OccasionKind.Start).id}/responses`, body('phq9', PHQ9_B));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'RESPONSE.ALREADY_RECORDED', message: { sv: expect.any(String), en: expect.any(String) } });
    expect(await snapshot()).toEqual(before);
  });

  it('the partial unique index backs the 409: a racing insert of a second current response is reported, not thrown', async () => {
    const [current] = await t.dataSource.query(`SELECT * FROM response WHERE id = $1`, [phqId]);
    const actor = { userId: ew.caseworker.id, municipalityId: ew.world.municipalityId, memberships: [{ unitId: ew.world.unitA.id, unitPath: ew.world.unitA.path, role: Role.Caseworker }] } as unknown as Actor;
    const inserted = await new ResponseRepository(t.dataSource.manager).insert(scopeFor(actor, Permission.ClientWrite), {
      occasionId: current.occasion_id,
      episodeId: current.episode_id,
      clientId: current.client_id,
      instrumentId: current.instrument_id,
      instrumentVersionId: current.instrument_version_id,
      answeredOn: TODAY,
      respondent: Respondent.Client,
      mode: ResponseMode.Paper,
      recordedBy: ew.caseworker.id,
    });
    expect(inserted).toBeNull();
  });

  it('reads the response with its answers and scores, audited as a read', async () => {
    const before = await snapshot();
    const res = await caseworker.get(`/api/v1/responses/${phqId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: phqId, answers: PHQ9_A, scores: expectedView(PHQ9, PHQ9_A) });
    const after = await snapshot();
    expect(after.audit - before.audit).toBe(1);
    const [audit] = await t.dataSource.query(`SELECT action, resource, client_id FROM audit_event WHERE municipality_id = $1 ORDER BY id DESC LIMIT 1`, [ew.world.municipalityId]);
    expect(audit).toEqual({ action: 'read', resource: 'response', client_id: ew.client.id });
  });
});

describe('bad input: a 4xx naming the fields, and nothing changed', () => {
  const followUp = () => ew.occasion(OccasionKind.FollowUp, 1);
  const cases: [string, () => Record<string, unknown>, number, string, string[]][] = [
    ['an unknown item', () => body('phq9', { ...PHQ9_A, phq9_99: 1 }), 400, 'RESPONSE.INVALID', ['answers.phq9_99']],
    ['an out-of-range value', () => body('phq9', { ...PHQ9_A, phq9_1: 7 }), 400, 'RESPONSE.INVALID', ['answers.phq9_1']],
    ['a wrong type', () => body('phq9', { ...PHQ9_A, phq9_2: 'two' }), 400, 'RESPONSE.INVALID', ['answers.phq9_2']],
    ['a missing required answer', () => body('phq9', { ...PHQ9_A, phq9_9: null }), 400, 'RESPONSE.INVALID', ['answers.phq9_9']],
    ['a date before the episode start', () => body('phq9', PHQ9_A, { answeredOn: '2026-03-01' }), 400, 'RESPONSE.INVALID', ['answeredOn']],
    ['a date in the future', () => body('phq9', PHQ9_A, { answeredOn: '2026-03-17' }), 400, 'RESPONSE.INVALID', ['answeredOn']],
    ['a date that does not exist', () => body('phq9', PHQ9_A, { answeredOn: '2026-02-30' }), 400, 'REQUEST.VALIDATION', ['answeredOn']],
    ['several problems at once', () => body('phq9', { ...PHQ9_A, phq9_1: 9, phq9_3: true }, { answeredOn: '2027-01-01' }), 400, 'RESPONSE.INVALID', ['answeredOn', 'answers.phq9_1', 'answers.phq9_3']],
    ['answers that are not a map of plain values', () => body('phq9', { phq9_1: [1] } as unknown as Answers), 400, 'REQUEST.VALIDATION', ['answers']],
    ['a mode only import may set', () => body('phq9', PHQ9_A, { mode: 'imported' }), 400, 'REQUEST.VALIDATION', ['mode']],
    ['an unknown respondent', () => body('phq9', PHQ9_A, { respondent: 'neighbour' }), 400, 'REQUEST.VALIDATION', ['respondent']],
    ['an unknown field', () => body('phq9', PHQ9_A, { score: 27 }), 400, 'REQUEST.VALIDATION', ['score']],
    ['an instrument version that does not exist', () => body('phq9', PHQ9_A, { instrumentVersion: 99 }), 400, 'RESPONSE.INVALID', ['instrumentVersion']],
    ['an instrument outside the plan', () => body('who5', { who5_1: 3 }), 422, 'RESPONSE.INSTRUMENT_NOT_IN_PLAN', ['instrumentCode']],
    ['an instrument that does not exist', () => body('nosuch', {}), 422, 'RESPONSE.INSTRUMENT_NOT_IN_PLAN', ['instrumentCode']],
  ];

  it.each(cases)('%s', async (_name, make, status, code, fields) => {
    const before = await snapshot();
    const res = await caseworker.post(`/api/v1/occasions/${followUp().id}/responses`, make());
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
    expect(res.body.message).toEqual({ sv: expect.any(String), en: expect.any(String) });
    expect([...new Set(res.body.fields.map((f: { field: string }) => f.field))].sort()).toEqual([...fields].sort());
    for (const f of res.body.fields) expect(f).toEqual({ field: expect.any(String), sv: expect.any(String), en: expect.any(String) });
    expect(await snapshot()).toEqual(before);
  });

  it('an occasion that does not exist is 404', async () => {
    const res = await caseworker.post(`/api/v1/occasions/00000000-0000-4000-8000-000000000000/responses`, body('phq9', PHQ9_A));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('OCCASION.NOT_FOUND');
  });
});

describe('closed episodes, missed and cancelled occasions', () => {
  let closed: EpisodeWorld;

  beforeAll(async () => {
    closed = await createEpisodeWorld(t.dataSource, { world: ew.world, caseworker: ew.caseworker, startDate: '2025-12-01', today: TODAY });
    const res = await caseworker.post(`/api/v1/episodes/${closed.episode.id}/close`, { closeDate: '2026-03-10', reason: 'completed_as_planned' });
    expect(res.status).toBe(200);
  });

  const closeOccasion = async () =>
    (await t.dataSource.query(`SELECT id FROM occasion WHERE episode_id = $1 AND kind = 'close'`, [closed.episode.id]))[0].id as string;

  it('a date after the close is 400 naming answeredOn', async () => {
    const before = await snapshot();
    const res = await caseworker.post(`/api/v1/occasions/${await closeOccasion()}/responses`, body('phq9', PHQ9_B, { answeredOn: '2026-03-12' }));
    expect(res.status).toBe(400);
    expect(res.body.fields.map((f: { field: string }) => f.field)).toEqual(['answeredOn']);
    expect(await snapshot()).toEqual(before);
  });

  it('a cancelled follow-up is 409', async () => {
    const before = await snapshot();
    const res = await caseworker.post(`/api/v1/occasions/${closed.occasion(OccasionKind.FollowUp, 1).id}/responses`, body('phq9', PHQ9_B, { answeredOn: '2026-03-10' }));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('RESPONSE.OCCASION_CLOSED');
    expect(await snapshot()).toEqual(before);
  });

  it('the close occasion takes responses dated up to the close', async () => {
    const res = await caseworker.post(`/api/v1/occasions/${await closeOccasion()}/responses`, body('phq9', PHQ9_B, { answeredOn: '2026-03-10' }));
    expect(res.status).toBe(201);
    expect(res.body.occasion).toMatchObject({ kind: 'close', state: 'due' });
  });

  it('a missed occasion is 409', async () => {
    const added = await caseworker.post(`/api/v1/episodes/${ew.episode.id}/occasions`, { dueDate: TODAY });
    expect(added.status).toBe(201);
    const extra = added.body.occasions.find((o: { kind: string; seq: number }) => o.kind === 'extra');
    expect((await caseworker.post(`/api/v1/occasions/${extra.id}/missed`, { reason: 'Brukaren avböjde.' })).status).toBe(200);
    const before = await snapshot();
    const res = await caseworker.post(`/api/v1/occasions/${extra.id}/responses`, body('phq9', PHQ9_B));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('RESPONSE.OCCASION_CLOSED');
    expect(await snapshot()).toEqual(before);
  });
});

describe('extra occasions', () => {
  it('accept any instrument of the plan and are done with the first response', async () => {
    const other = await createEpisodeWorld(t.dataSource, {
      world: ew.world,
      caseworker: ew.caseworker,
      startDate: START,
      today: TODAY,
      plan: [
        { occasionKind: OccasionKind.Start, instrumentCode: 'phq9' },
        { occasionKind: OccasionKind.Close, instrumentCode: 'who5' },
      ],
    });
    const added = await caseworker.post(`/api/v1/episodes/${other.episode.id}/occasions`, { dueDate: TODAY });
    const extra = added.body.occasions.find((o: { kind: string }) => o.kind === 'extra');
    const who5 = Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`who5_${i}`, 3]));
    // WHO-5 is in the plan only at close: not at the start occasion, but at an extra one.
    const atStart = await caseworker.post(`/api/v1/occasions/${other.occasion(OccasionKind.Start).id}/responses`, body('who5', who5));
    expect(atStart.status).toBe(422);
    expect((await caseworker.post(`/api/v1/occasions/${extra.id}/responses`, body('gad7', GAD7_A))).status).toBe(422);
    const res = await caseworker.post(`/api/v1/occasions/${extra.id}/responses`, body('who5', who5));
    expect(res.status).toBe(201);
    expect(res.body.occasion).toMatchObject({ kind: 'extra', state: 'done', doneOn: TODAY, onTime: true });
  });
});

describe('corrections', () => {
  let first: string;
  let second: string;

  beforeAll(async () => {
    [{ id: first }] = await t.dataSource.query(`SELECT id FROM response WHERE occasion_id = $1 AND revision = 1 AND instrument_id = (SELECT id FROM instrument WHERE code = 'phq9' AND municipality_id IS NULL)`, [
      ew.occasion(OccasionKind.Start).id,
    ]);
  });

  it('a correction is a new current revision, rescored, audited and announced; the old one stays readable', async () => {
    const before = await snapshot();
    const res = await caseworker.post(`/api/v1/responses/${first}/corrections`, { reason: 'Fel svar på fråga 1 och 4 vid inmatningen.', answers: PHQ9_B, answeredOn: '2026-03-06' });
    expect(res.status).toBe(201);
    second = res.body.id;
    expect(res.body).toMatchObject({ revision: 2, supersedesId: first, isCurrent: true, correctionReason: 'Fel svar på fråga 1 och 4 vid inmatningen.', answers: PHQ9_B, answeredOn: '2026-03-06' });
    expect(res.body.scores).toEqual(expectedView(PHQ9, PHQ9_B));
    expect(await storedScores(second)).toEqual(expectedStored(PHQ9, PHQ9_B));
    // The occasion's done date follows the latest answer date.
    expect(res.body.occasion).toMatchObject({ state: 'done', doneOn: '2026-03-06' });
    const after = await snapshot();
    expect(after.responses - before.responses).toBe(1);
    expect(after.outbox - before.outbox).toBe(1);
    const [audit] = await t.dataSource.query(`SELECT action, resource FROM audit_event WHERE municipality_id = $1 ORDER BY id DESC LIMIT 1`, [ew.world.municipalityId]);
    expect(audit).toEqual({ action: 'update', resource: 'response' });
    const old = await caseworker.get(`/api/v1/responses/${first}`);
    expect(old.body).toMatchObject({ isCurrent: false, revision: 1, answers: PHQ9_A, scores: expectedView(PHQ9, PHQ9_A) });
  });

  it('correcting a revision that is no longer current is 409', async () => {
    const before = await snapshot();
    const res = await caseworker.post(`/api/v1/responses/${first}/corrections`, { reason: 'Ett nytt försök.', answers: PHQ9_A });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('RESPONSE.NOT_CURRENT');
    expect(await snapshot()).toEqual(before);
  });

  it('a correction with bad input is refused and changes nothing', async () => {
    for (const [dto, fields] of [
      [{ reason: 'ok', answers: PHQ9_A }, ['reason']],
      [{ reason: 'Rättelse', answers: { ...PHQ9_A, phq9_5: 4 } }, ['answers.phq9_5']],
      [{ reason: 'Rättelse', answers: PHQ9_A, answeredOn: '2026-02-01' }, ['answeredOn']],
      [{ reason: 'Rättelse', answers: PHQ9_A, mode: 'imported' }, ['mode']],
    ] as const) {
      const before = await snapshot();
      const res = await caseworker.post(`/api/v1/responses/${second}/corrections`, dto);
      expect(res.status).toBe(400);
      expect(res.body.fields.map((f: { field: string }) => f.field)).toEqual(fields);
      expect(await snapshot()).toEqual(before);
    }
  });

  it('the history lists every revision oldest first, with who, when and why', async () => {
    const third = await caseworker.post(`/api/v1/responses/${second}/corrections`, { reason: 'Brukaren ändrade sig om fråga 2.', answers: { ...PHQ9_B, phq9_2: 1 }, respondent: 'relative' });
    expect(third.status).toBe(201);
    expect(third.body).toMatchObject({ revision: 3, supersedesId: second, respondent: 'relative', mode: 'with_caseworker', answeredOn: '2026-03-06' });
    for (const id of [first, second, third.body.id]) {
      const res = await caseworker.get(`/api/v1/responses/${id}/history`);
      expect(res.status).toBe(200);
      expect(res.body.revisions.map((r: any) => [r.id, r.revision, r.isCurrent, r.correctionReason])).toEqual([
        [first, 1, false, null],
        [second, 2, false, 'Fel svar på fråga 1 och 4 vid inmatningen.'],
        [third.body.id, 3, true, 'Brukaren ändrade sig om fråga 2.'],
      ]);
      for (const r of res.body.revisions) {
        expect(r.recordedBy).toEqual({ userId: ew.caseworker.id, displayName: 'Test caseworker' });
        expect(new Date(r.recordedAt).toString()).not.toBe('Invalid Date');
      }
    }
  });
});

describe('the progress chart of an episode', () => {
  it('gives current revisions per occasion with scale cut-offs and reliable-change thresholds', async () => {
    const before = await snapshot();
    const res = await caseworker.get(`/api/v1/episodes/${ew.episode.id}/responses`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ episodeId: ew.episode.id, clientId: ew.client.id, startDate: START, closeDate: null });
    const start = res.body.occasions.find((o: any) => o.kind === 'start');
    expect(start).toMatchObject({ seq: 0, dueDate: START, state: 'done', onTime: true });
    expect(start.responses.map((r: any) => [r.instrument.code, r.revision]).sort()).toEqual([
      ['gad7', 1],
      ['phq9', 3],
    ]);
    const phq = start.responses.find((r: any) => r.instrument.code === 'phq9');
    expect(phq.scores).toEqual(expectedView(PHQ9, { ...PHQ9_B, phq9_2: 1 }));
    expect(res.body.occasions.find((o: any) => o.kind === 'follow_up')).toMatchObject({ seq: 1, state: 'planned', responses: [] });
    const scale = (id: string) => res.body.scales.find((s: any) => s.scaleId === id);
    expect(scale('phq9_total')).toMatchObject({ instrument: { code: 'phq9' }, direction: 'higher_is_worse', range: { min: 0, max: 27 }, cutoff: { value: 10, inclusive: true }, reliableChange: { kind: 'threshold', points: 6 } });
    expect(scale('gad7_total')).toMatchObject({ cutoff: { value: 8, inclusive: true }, reliableChange: { kind: 'threshold', points: 4 } });
    expect(scale('phq9_total').bands).toHaveLength(5);
    const after = await snapshot();
    expect(after.audit - before.audit).toBe(1);
  });
});

describe('access', () => {
  const routes = (responseId: string) => [
    ['POST', `/api/v1/occasions/${ew.occasion(OccasionKind.FollowUp, 1).id}/responses`, body('phq9', PHQ9_A)],
    ['POST', `/api/v1/responses/${responseId}/corrections`, { reason: 'Rättelse', answers: PHQ9_A }],
    ['GET', `/api/v1/responses/${responseId}`],
    ['GET', `/api/v1/responses/${responseId}/history`],
    ['GET', `/api/v1/episodes/${ew.episode.id}/responses`],
  ] as const;
  let current: string;

  beforeAll(async () => {
    [{ id: current }] = await t.dataSource.query(`SELECT id FROM response WHERE episode_id = $1 AND is_current LIMIT 1`, [ew.episode.id]);
  });

  it('politicians and analysts get 403 on every response route', async () => {
    for (const user of [politician, analyst]) {
      const s = await HttpSession.signIn(t.baseUrl, user.username);
      for (const [method, url, dto] of routes(current)) {
        const before = await snapshot();
        const res = await s.request(method, url, dto);
        expect([user.role, method, url, res.status]).toEqual([user.role, method, url, 403]);
        expect(await snapshot()).toEqual(before);
      }
    }
  });

  it('a caseworker of another unit gets 404 on every response route, and nothing is written or logged', async () => {
    const s = await HttpSession.signIn(t.baseUrl, caseworkerB.username);
    for (const [method, url, dto] of routes(current)) {
      const before = await snapshot();
      const res = await s.request(method, url, dto);
      expect([method, url, res.status]).toEqual([method, url, 404]);
      expect(res.body.code).toMatch(/NOT_FOUND$/);
      expect(await snapshot()).toEqual(before);
    }
  });

  it('a unit head above the unit reads them', async () => {
    const s = await HttpSession.signIn(t.baseUrl, unitHead.username);
    expect((await s.get(`/api/v1/responses/${current}`)).status).toBe(200);
    expect((await s.get(`/api/v1/episodes/${ew.episode.id}/responses`)).status).toBe(200);
  });
});
