import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GoalWorldFactory, type TestEpisode } from '../factories/goal-world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';

// Start 2026-01-15: start:0 and follow_up:1 (window 2026-06-15..2026-08-14) are open, follow_up:2 (window from 2026-12-16) is not yet.
const TODAY = '2026-11-30';
const START = '2026-01-15';
const NASTY = `<script>alert('x')</script>'); DELETE FROM follow_up_note; -- "åäö" & <b>`;

let t: TestApp;
let f: GoalWorldFactory;
let w: Awaited<ReturnType<GoalWorldFactory['create']>>;
let cw: HttpSession;
let head: HttpSession;
let ep: TestEpisode;

const occ = (e: TestEpisode, kind: string, seq: number) => e.occasions.find((o) => o.kind === kind && o.seq === seq)!.id;
const noteCount = (occasionId: string) => f.count(`follow_up_note WHERE occasion_id = $1`, [occasionId]);
const unitNoteCount = () => f.count(`follow_up_note WHERE municipality_id = $1 AND occasion_id IS NULL`, [w.world.municipalityId]);
const fieldsOf = (res: { body: { fields?: { field: string }[] } }) => (res.body.fields ?? []).map((e) => e.field);

beforeAll(async () => {
  t = await createTestApp({ today: TODAY });
  f = new GoalWorldFactory(t);
  w = await f.create();
  cw = await HttpSession.signIn(t.baseUrl, w.users.caseworkerA.username);
  head = await HttpSession.signIn(t.baseUrl, w.users.unitHeadA.username);
  ep = await f.episode(cw, w.users.caseworkerA, w.world.unitA.id, w.methodId, START);
  await f.markDone(occ(ep, 'follow_up', 1), '2026-07-20');
});

afterAll(async () => {
  await t?.close();
});

describe('occasion-level notes', () => {
  it('a follow-up without an adjustment decision stays on the worklist until one is recorded', async () => {
    const fu1 = occ(ep, 'follow_up', 1);
    const waiting = async () =>
      (await cw.get('/api/v1/worklist')).body.items.filter((i: { occasionId: string; reason: string }) => i.occasionId === fu1 && i.reason === 'needs_adjustment_decision');
    expect(await waiting()).toHaveLength(1);

    const discussed = await cw.post(`/api/v1/occasions/${fu1}/notes`, { kind: 'discussed_with_client', withWhom: 'both', clientComment: NASTY, heldOn: '2026-07-20' });
    expect(discussed.status).toBe(201);
    expect(discussed.body).toMatchObject({ kind: 'discussed_with_client', occasionId: fu1, clientComment: NASTY, details: { withWhom: 'both' }, heldOn: '2026-07-20' });
    expect(await waiting()).toHaveLength(1); // discussing is not deciding

    const decided = await cw.post(`/api/v1/occasions/${fu1}/notes`, { kind: 'adjustment_decision', adjusted: false, why: 'Skattningarna förbättras; vi fortsätter som planerat.', heldOn: '2026-07-21' });
    expect(decided.status).toBe(201);
    expect(decided.body).toMatchObject({ kind: 'adjustment_decision', adjusted: false, details: { why: 'Skattningarna förbättras; vi fortsätter som planerat.' } });
    expect(await waiting()).toHaveLength(0);
  });

  it('stores free text with markup and SQL verbatim, writes an outbox row with ids only and an audit row per note', async () => {
    const fu1 = occ(ep, 'follow_up', 1);
    const res = await cw.post(`/api/v1/occasions/${fu1}/notes`, { kind: 'adjustment_decision', adjusted: true, what: NASTY, why: NASTY, text: NASTY, heldOn: '2026-07-22' });
    expect(res.status).toBe(201);
    const [row] = await t.dataSource.query(`SELECT text, details->>'what' AS what, details->>'why' AS why, adjusted FROM follow_up_note WHERE id = $1`, [res.body.id]);
    expect(row).toEqual({ text: NASTY, what: NASTY, why: NASTY, adjusted: true });
    const [outbox] = await t.dataSource.query(`SELECT payload FROM outbox WHERE topic = 'note.recorded' AND payload->>'noteId' = $1`, [res.body.id]);
    expect(outbox.payload).toEqual({ noteId: res.body.id, occasionId: fu1, episodeId: ep.episodeId });
    const audit = await t.dataSource.query(`SELECT action, actor_user_id FROM audit_event WHERE client_id = $1 AND resource = 'follow_up_note' ORDER BY id`, [ep.clientId]);
    expect(audit).toEqual(Array(3).fill({ action: 'create', actor_user_id: w.users.caseworkerA.id }));
    const listed = await cw.get(`/api/v1/episodes/${ep.episodeId}/notes`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((n: { kind: string }) => n.kind)).toEqual(['discussed_with_client', 'adjustment_decision', 'adjustment_decision']);
    expect(listed.body.items[2].text).toBe(NASTY);
    expect(await f.count(`audit_event WHERE client_id = $1 AND resource = 'follow_up_note' AND action = 'list'`, [ep.clientId])).toBe(1);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['a kind that belongs to units', { kind: 'staff_meeting', heldOn: '2026-07-20', text: 'x' }, 'kind'],
    ['discussed without saying with whom', { kind: 'discussed_with_client', heldOn: '2026-07-20' }, 'withWhom'],
    ['discussed with someone unknown', { kind: 'discussed_with_client', withWhom: 'neighbour', heldOn: '2026-07-20' }, 'withWhom'],
    ['a decision field on a discussion', { kind: 'discussed_with_client', withWhom: 'client', adjusted: true, heldOn: '2026-07-20' }, 'adjusted'],
    ['a decision without adjusted', { kind: 'adjustment_decision', why: 'x', heldOn: '2026-07-20' }, 'adjusted'],
    ['a decision without why', { kind: 'adjustment_decision', adjusted: false, heldOn: '2026-07-20' }, 'why'],
    ['a decision with a blank why', { kind: 'adjustment_decision', adjusted: false, why: '   ', heldOn: '2026-07-20' }, 'why'],
    ['an adjustment without what', { kind: 'adjustment_decision', adjusted: true, why: 'Försämring', heldOn: '2026-07-20' }, 'what'],
    ['what on a decision not to adjust', { kind: 'adjustment_decision', adjusted: false, what: 'x', why: 'y', heldOn: '2026-07-20' }, 'what'],
    ['a client comment on a decision', { kind: 'adjustment_decision', adjusted: false, why: 'y', clientComment: 'x', heldOn: '2026-07-20' }, 'clientComment'],
    ['a date in the future', { kind: 'discussed_with_client', withWhom: 'client', heldOn: '2026-12-01' }, 'heldOn'],
    ['a date before the episode start', { kind: 'discussed_with_client', withWhom: 'client', heldOn: '2026-01-14' }, 'heldOn'],
    ['a date that does not exist', { kind: 'discussed_with_client', withWhom: 'client', heldOn: '2026-02-30' }, 'heldOn'],
    ['no date', { kind: 'discussed_with_client', withWhom: 'client' }, 'heldOn'],
    ['a comment over 10,000 characters', { kind: 'discussed_with_client', withWhom: 'client', clientComment: 'x'.repeat(10001), heldOn: '2026-07-20' }, 'clientComment'],
    ['an unknown field', { kind: 'discussed_with_client', withWhom: 'client', heldOn: '2026-07-20', mood: 'glad' }, 'mood'],
  ];
  it.each(bad)('refuses %s (400 naming the field) and stores nothing', async (_name, body, field) => {
    const fu1 = occ(ep, 'follow_up', 1);
    const before = await noteCount(fu1);
    const res = await cw.post(`/api/v1/occasions/${fu1}/notes`, body);
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toContain(field);
    expect(await noteCount(fu1)).toBe(before);
  });

  it('refuses notes at missed, cancelled and not-yet-open occasions (409), and nothing is stored', async () => {
    const e2 = await f.episode(cw, w.users.caseworkerA, w.world.unitA.id, w.methodId, START);
    expect((await cw.post(`/api/v1/occasions/${occ(e2, 'start', 0)}/missed`, { reason: 'Brukaren avböjde' })).status).toBe(200);
    const closed = await cw.post(`/api/v1/episodes/${e2.episodeId}/close`, { closeDate: '2026-11-01', reason: 'moved' });
    const cancelled = closed.body.occasions.find((o: { kind: string; seq: number }) => o.kind === 'follow_up' && o.seq === 2).id;
    const e3 = await f.episode(cw, w.users.caseworkerA, w.world.unitA.id, w.methodId, START);
    for (const occasionId of [occ(e2, 'start', 0), cancelled, occ(e3, 'follow_up', 2)]) {
      const res = await cw.post(`/api/v1/occasions/${occasionId}/notes`, { kind: 'discussed_with_client', withWhom: 'client', heldOn: '2026-11-01' });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('OCCASION.NOT_OPEN_FOR_NOTES');
      expect(await noteCount(occasionId)).toBe(0);
    }
    // A due (not yet done) occasion takes notes.
    expect((await cw.post(`/api/v1/occasions/${occ(e3, 'follow_up', 1)}/notes`, { kind: 'discussed_with_client', withWhom: 'relative', heldOn: '2026-11-01' })).status).toBe(201);
  });

  it('is append-only: a correction is a new note naming one of the same kind at the occasion; UPDATE is refused by the database', async () => {
    const fu1 = occ(ep, 'follow_up', 1);
    const original = await cw.post(`/api/v1/occasions/${fu1}/notes`, { kind: 'discussed_with_client', withWhom: 'client', heldOn: '2026-07-20' });
    const decision = (await t.dataSource.query(`SELECT id FROM follow_up_note WHERE occasion_id = $1 AND kind = 'adjustment_decision' LIMIT 1`, [fu1]))[0].id;
    const wrongKind = await cw.post(`/api/v1/occasions/${fu1}/notes`, { kind: 'discussed_with_client', withWhom: 'both', heldOn: '2026-07-20', correctsNoteId: decision });
    expect(wrongKind.status).toBe(422);
    expect(fieldsOf(wrongKind)).toEqual(['correctsNoteId']);
    const correction = await cw.post(`/api/v1/occasions/${fu1}/notes`, { kind: 'discussed_with_client', withWhom: 'relative', heldOn: '2026-07-20', correctsNoteId: original.body.id });
    expect(correction.status).toBe(201);
    expect(correction.body.correctsNoteId).toBe(original.body.id);
    const items = (await cw.get(`/api/v1/episodes/${ep.episodeId}/notes`)).body.items;
    expect(items.find((n: { id: string }) => n.id === original.body.id).details).toEqual({ withWhom: 'client' });
    await expect(t.dataSource.query(`UPDATE follow_up_note SET text = 'x' WHERE id = $1`, [original.body.id])).rejects.toThrow(/append-only/);
    expect((await cw.request('PATCH', `/api/v1/notes/${original.body.id}`, { text: 'x' })).status).toBe(404);
    expect((await cw.request('DELETE', `/api/v1/notes/${original.body.id}`)).status).toBe(404);
  });

  it('answers 404 to a caseworker of another unit and 403 to a politician, storing and auditing nothing', async () => {
    const fu1 = occ(ep, 'follow_up', 1);
    const before = await noteCount(fu1);
    const auditBefore = await f.count(`audit_event WHERE client_id = $1`, [ep.clientId]);
    const b = await HttpSession.signIn(t.baseUrl, w.users.caseworkerB.username);
    const res = await b.post(`/api/v1/occasions/${fu1}/notes`, { kind: 'discussed_with_client', withWhom: 'client', heldOn: '2026-07-20' });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('OCCASION.NOT_FOUND');
    expect((await b.get(`/api/v1/episodes/${ep.episodeId}/notes`)).status).toBe(404);
    const p = await HttpSession.signIn(t.baseUrl, w.users.politician.username);
    expect((await p.post(`/api/v1/occasions/${fu1}/notes`, { kind: 'discussed_with_client', withWhom: 'client', heldOn: '2026-07-20' })).status).toBe(403);
    expect(await noteCount(fu1)).toBe(before);
    expect(await f.count(`audit_event WHERE client_id = $1`, [ep.clientId])).toBe(auditBefore);
  });
});

describe('unit- and method-level notes', () => {
  const prompt = () => ({ scope: 'unit', scopeId: w.world.unitA.id, period: '2026-H1', figure: 'phq9_total.reliably_improved_share', value: 0.31 });

  it('a unit head records a staff meeting in their unit (the unit may be left out), a method adjustment tied to the aggregate that prompted it, a partner discussion and a method review', async () => {
    const meeting = await head.post('/api/v1/notes', { kind: 'staff_meeting', heldOn: '2026-11-10', text: `Genomgång av halvårsresultat ${NASTY}` });
    expect(meeting.status).toBe(201);
    expect(meeting.body).toMatchObject({ kind: 'staff_meeting', orgUnitId: w.world.unitA.id, methodId: null, text: `Genomgång av halvårsresultat ${NASTY}` });
    expect(meeting.body).not.toHaveProperty('clientComment');
    const adjusted = await head.post('/api/v1/notes', {
      kind: 'method_adjusted',
      orgUnitId: w.world.teamA1.id,
      methodId: w.methodId,
      heldOn: '2026-11-12',
      text: 'Tätare samtal under de första åtta veckorna.',
      details: { prompt: prompt() },
    });
    expect(adjusted.status).toBe(201);
    expect(adjusted.body).toMatchObject({ orgUnitId: w.world.teamA1.id, methodId: w.methodId, details: { prompt: prompt() } });
    const [stored] = await t.dataSource.query(`SELECT details FROM follow_up_note WHERE id = $1`, [adjusted.body.id]);
    expect(stored.details).toEqual({ prompt: prompt() });
    expect(
      (await head.post('/api/v1/notes', { kind: 'partner_discussion', heldOn: '2026-11-13', text: 'Resultaten med regionens psykiatri.', details: { partners: 'Region psykiatri' } })).status,
    ).toBe(201);
    expect(
      (await head.post('/api/v1/notes', { kind: 'method_review', methodId: w.methodId, heldOn: '2026-11-14', text: 'Årlig översyn.', details: { scheduledFor: '2026-11-15' } })).status,
    ).toBe(201);
    const outbox = await t.dataSource.query(`SELECT payload FROM outbox WHERE topic = 'note.recorded' AND payload->>'noteId' = $1`, [adjusted.body.id]);
    expect(outbox.map((r: { payload: unknown }) => r.payload)).toEqual([{ noteId: adjusted.body.id, orgUnitId: w.world.teamA1.id, methodId: w.methodId }]);
  });

  it('refuses each bad input with a 4xx naming the field, and stores nothing', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ kind: 'method_adjusted', methodId: w.methodId, heldOn: '2026-11-01', text: 'Justerat' }, 400, 'details.prompt'],
      [{ kind: 'method_adjusted', heldOn: '2026-11-01', text: 'Justerat', details: { prompt: prompt() } }, 400, 'methodId'],
      [{ kind: 'method_review', heldOn: '2026-11-01', text: 'Översyn' }, 400, 'methodId'],
      [{ kind: 'method_adjusted', methodId: w.methodId, heldOn: '2026-11-01', text: 'x', details: { prompt: { ...prompt(), scopeId: w.world.unitB.id } } }, 400, 'details.prompt.scopeId'],
      [{ kind: 'method_adjusted', methodId: w.methodId, heldOn: '2026-11-01', text: 'x', details: { prompt: { ...prompt(), scope: 'client' } } }, 400, 'details.prompt.scope'],
      [{ kind: 'method_adjusted', methodId: w.methodId, heldOn: '2026-11-01', text: 'x', details: { prompt: { ...prompt(), period: 'förra året' } } }, 400, 'details.prompt.period'],
      [{ kind: 'method_adjusted', methodId: w.methodId, heldOn: '2026-11-01', text: 'x', details: { prompt: { ...prompt(), figure: undefined } } }, 400, 'details.prompt.figure'],
      [{ kind: 'staff_meeting', methodId: '00000000-0000-4000-8000-000000000000', heldOn: '2026-11-01', text: 'x' }, 400, 'methodId'],
      [{ kind: 'staff_meeting', heldOn: '2026-12-01', text: 'x' }, 400, 'heldOn'],
      [{ kind: 'staff_meeting', heldOn: '2026-11-01', text: '' }, 400, 'text'],
      [{ kind: 'staff_meeting', heldOn: '2026-11-01', text: 'x', details: { partners: 'Region' } }, 400, 'details.partners'],
      [{ kind: 'staff_meeting', heldOn: '2026-11-01', text: 'x', details: { clientId: 'x' } }, 400, 'details.clientId'],
      [{ kind: 'discussed_with_client', heldOn: '2026-11-01', text: 'x' }, 400, 'kind'],
      [{ kind: 'staff_meeting', heldOn: '2026-11-01', text: 'x', correctsNoteId: '00000000-0000-4000-8000-000000000000' }, 422, 'correctsNoteId'],
    ];
    const before = await unitNoteCount();
    for (const [body, status, field] of cases) {
      const res = await head.post('/api/v1/notes', body);
      expect({ body, status: res.status, fields: fieldsOf(res) }).toEqual({ body, status, fields: expect.arrayContaining([field]) });
    }
    expect(await unitNoteCount()).toBe(before);
  });

  it('scopes writing to the unit head’s subtree: 404 for a unit outside, 400 without a unit when heading several, 403 for caseworkers and politicians', async () => {
    const before = await unitNoteCount();
    const headB = await HttpSession.signIn(t.baseUrl, w.users.unitHeadB.username);
    const outside = await headB.post('/api/v1/notes', { kind: 'staff_meeting', orgUnitId: w.world.unitA.id, heldOn: '2026-11-01', text: 'x' });
    expect(outside.status).toBe(404);
    expect(outside.body.code).toBe('ORG_UNIT.NOT_FOUND');
    await t.dataSource.query(`INSERT INTO membership (user_id, org_unit_id, role) VALUES ($1, $2, 'unit_head')`, [w.users.unitHeadB.id, w.world.teamA1.id]);
    const twoUnits = await HttpSession.signIn(t.baseUrl, w.users.unitHeadB.username);
    const ambiguous = await twoUnits.post('/api/v1/notes', { kind: 'staff_meeting', heldOn: '2026-11-01', text: 'x' });
    expect(ambiguous.status).toBe(400);
    expect(fieldsOf(ambiguous)).toEqual(['orgUnitId']);
    await t.dataSource.query(`DELETE FROM membership WHERE user_id = $1 AND org_unit_id = $2`, [w.users.unitHeadB.id, w.world.teamA1.id]);
    expect((await cw.post('/api/v1/notes', { kind: 'staff_meeting', heldOn: '2026-11-01', text: 'x' })).status).toBe(403);
    const p = await HttpSession.signIn(t.baseUrl, w.users.politician.username);
    expect((await p.post('/api/v1/notes', { kind: 'staff_meeting', heldOn: '2026-11-01', text: 'x' })).status).toBe(403);
    const a = await HttpSession.signIn(t.baseUrl, w.users.analyst.username);
    expect((await a.post('/api/v1/notes', { kind: 'staff_meeting', heldOn: '2026-11-01', text: 'x' })).status).toBe(403);
    expect(await unitNoteCount()).toBe(before);
  });

  it('lists unit/method notes to unit heads within their subtree and to analysts, never occasion-level notes; politicians get 403', async () => {
    const headB = await HttpSession.signIn(t.baseUrl, w.users.unitHeadB.username);
    const ownB = await headB.post('/api/v1/notes', { kind: 'partner_discussion', heldOn: '2026-11-02', text: 'Enhet B med skolan.' });
    expect(ownB.status).toBe(201);
    expect((await headB.get(`/api/v1/notes?orgUnitId=${w.world.unitA.id}`)).status).toBe(404);
    const seenByB = (await headB.get('/api/v1/notes')).body.items;
    expect(seenByB.map((n: { id: string }) => n.id)).toEqual([ownB.body.id]);

    const seenByA = (await head.get('/api/v1/notes')).body.items;
    expect(seenByA.map((n: { kind: string }) => n.kind).sort()).toEqual(['method_adjusted', 'method_review', 'partner_discussion', 'staff_meeting']);
    expect(seenByA.every((n: { orgUnitId: string }) => [w.world.unitA.id, w.world.teamA1.id].includes(n.orgUnitId))).toBe(true);

    const analyst = await HttpSession.signIn(t.baseUrl, w.users.analyst.username);
    const all = await analyst.get('/api/v1/notes?limit=500');
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(5);
    const occasionNoteIds = (await t.dataSource.query(`SELECT id FROM follow_up_note WHERE municipality_id = $1 AND occasion_id IS NOT NULL`, [w.world.municipalityId])).map(
      (r: { id: string }) => r.id,
    );
    expect(occasionNoteIds.length).toBeGreaterThan(0);
    for (const n of all.body.items) {
      expect(occasionNoteIds).not.toContain(n.id);
      expect(n).not.toHaveProperty('clientComment');
      expect(n).not.toHaveProperty('occasionId');
    }
    const p = await HttpSession.signIn(t.baseUrl, w.users.politician.username);
    expect((await p.get('/api/v1/notes')).status).toBe(403);
    expect((await cw.get('/api/v1/notes')).status).toBe(403);
  });

  it('filters by unit subtree, method, kind and period; refuses occasion kinds and a reversed period', async () => {
    const analyst = await HttpSession.signIn(t.baseUrl, w.users.analyst.username);
    const kinds = async (q: string) => (await analyst.get(`/api/v1/notes?${q}`)).body.items.map((n: { kind: string }) => n.kind).sort();
    expect(await kinds(`orgUnitId=${w.world.teamA1.id}`)).toEqual(['method_adjusted']);
    expect(await kinds(`methodId=${w.methodId}`)).toEqual(['method_adjusted', 'method_review']);
    expect(await kinds('kind=staff_meeting')).toEqual(['staff_meeting']);
    expect(await kinds('from=2026-11-12&to=2026-11-13')).toEqual(['method_adjusted', 'partner_discussion']);
    const occasionKind = await analyst.get('/api/v1/notes?kind=discussed_with_client');
    expect(occasionKind.status).toBe(400);
    expect(fieldsOf(occasionKind)).toEqual(['kind']);
    const reversed = await analyst.get('/api/v1/notes?from=2026-11-13&to=2026-11-12');
    expect(reversed.status).toBe(400);
    expect(fieldsOf(reversed)).toEqual(['from']);
  });
});
