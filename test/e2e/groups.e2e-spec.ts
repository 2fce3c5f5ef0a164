import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { planOutbox } from '#aggregation';
import { addMonths, Role } from '#domain';
import { createEpisodeWorld, type EpisodeWorld, type World } from '../factories/episode.factory.js';
import { type TestUser, WorldFactory } from '../factories/world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';

/*
 * Client groups (docs/groups.md) over real HTTP. Municipality 1: root ─┬─ unit A ── team A1, └─ unit B; episodes
 * eA (unit A), eA1 (team A1), eB (unit B); municipality 2 has eX in its unit A. The clock is frozen on TODAY.
 */
const TODAY = '2026-03-15';
const START = addMonths(TODAY, -4);
let t: TestApp;
let world: World;
let other: World;
let u: Record<'headA' | 'headB' | 'headRoot' | 'caseworkerA' | 'admin' | 'analyst' | 'politician' | 'headOther', TestUser>;
let eA: EpisodeWorld;
let eA1: EpisodeWorld;
let eB: EpisodeWorld;
let eX: EpisodeWorld;

const as = (user: TestUser) => HttpSession.signIn(t.baseUrl, user.username);

/** Rows a refused request must leave untouched. */
async function counts() {
  const [r] = await t.dataSource.query(
    `SELECT (SELECT count(*) FROM client_group WHERE municipality_id = ANY($1))::int AS groups,
            (SELECT count(*) FROM group_membership gm JOIN client_group g ON g.id = gm.group_id WHERE g.municipality_id = ANY($1))::int AS members,
            (SELECT count(*) FROM group_membership WHERE left_on IS NOT NULL)::int AS ended,
            (SELECT count(*) FROM outbox WHERE municipality_id = ANY($1))::int AS outbox,
            (SELECT string_agg(name, '|' ORDER BY id) FROM client_group WHERE municipality_id = ANY($1)) AS names`,
    [[world.municipalityId, other.municipalityId]],
  );
  return r;
}

const groupOutbox = async (groupId: string) =>
  (await t.dataSource.query(`SELECT topic, payload FROM outbox WHERE topic = 'group.changed' AND payload->>'groupId' = $1 ORDER BY id`, [groupId])) as {
    topic: string;
    payload: Record<string, unknown>;
  }[];

beforeAll(async () => {
  t = await createTestApp({ today: TODAY });
  const f = new WorldFactory(t.dataSource);
  world = await f.create();
  other = await f.create();
  u = {
    headA: await f.user(world.municipalityId, Role.UnitHead, world.unitA),
    headB: await f.user(world.municipalityId, Role.UnitHead, world.unitB),
    headRoot: await f.user(world.municipalityId, Role.UnitHead, world.root),
    caseworkerA: await f.user(world.municipalityId, Role.Caseworker, world.unitA),
    admin: await f.user(world.municipalityId, Role.Admin, world.root),
    analyst: await f.user(world.municipalityId, Role.Analyst, world.root),
    politician: await f.user(world.municipalityId, Role.Politician, world.root),
    headOther: await f.user(other.municipalityId, Role.UnitHead, other.root),
  };
  const base = { startDate: START, today: TODAY };
  eA = await createEpisodeWorld(t.dataSource, { ...base, world, unit: world.unitA });
  eA1 = await createEpisodeWorld(t.dataSource, { ...base, world, unit: world.teamA1 });
  eB = await createEpisodeWorld(t.dataSource, { ...base, world, unit: world.unitB });
  eX = await createEpisodeWorld(t.dataSource, { ...base, world: other, unit: other.unitA });
});

afterAll(async () => {
  await t?.close();
});

describe('a unit head creates a group, adds episodes and ends a membership', () => {
  let groupId: string;

  it('creates a group in their unit: 201, one group.changed outbox row, an audit row', async () => {
    const head = await as(u.headA);
    const before = await counts();
    const res = await head.post('/api/v1/groups', { orgUnitId: world.unitA.id, name: '  DBT-grupp våren 2026  ' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'DBT-grupp våren 2026', orgUnitId: world.unitA.id, orgUnitName: 'Enhet A' });
    groupId = res.body.id;
    expect(await groupOutbox(groupId)).toEqual([{ topic: 'group.changed', payload: { groupId } }]);
    expect((await counts()).outbox).toBe(before.outbox + 1);
    const audit = await t.dataSource.query(`SELECT action, resource, actor_user_id, org_unit_id FROM audit_event WHERE resource = $1`, [`group:${groupId}`]);
    expect(audit).toEqual([{ action: 'create', resource: `group:${groupId}`, actor_user_id: u.headA.id, org_unit_id: world.unitA.id }]);
  });

  it('lists and reads it; caseworkers of the unit may too, and cannot create or change groups', async () => {
    const head = await as(u.headA);
    const list = await head.get(`/api/v1/groups?unitId=${world.unitA.id}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((g: { id: string }) => g.id)).toContain(groupId);
    const cw = await as(u.caseworkerA);
    expect((await cw.get(`/api/v1/groups/${groupId}`)).body).toMatchObject({ id: groupId, name: 'DBT-grupp våren 2026' });
    expect((await cw.get('/api/v1/groups')).body.items.map((g: { id: string }) => g.id)).toContain(groupId);
    const before = await counts();
    expect((await cw.post('/api/v1/groups', { orgUnitId: world.unitA.id, name: 'Egen grupp' })).status).toBe(403);
    expect((await cw.patch(`/api/v1/groups/${groupId}`, { name: 'Omdöpt' })).status).toBe(403);
    expect((await cw.post(`/api/v1/groups/${groupId}/members`, { episodeId: eA.episode.id, joinedOn: START })).status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('renames it (outbox row, audit row)', async () => {
    const head = await as(u.headA);
    const res = await head.patch(`/api/v1/groups/${groupId}`, { name: 'DBT-grupp 2026' });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('DBT-grupp 2026');
    expect(await groupOutbox(groupId)).toHaveLength(2);
    // Renaming to its own name is no conflict.
    expect((await head.patch(`/api/v1/groups/${groupId}`, { name: 'DBT-grupp 2026' })).status).toBe(200);
  });

  it('adds an episode of the unit and one of a team below it; each write commits its outbox row and audit row', async () => {
    const head = await as(u.headA);
    const before = (await groupOutbox(groupId)).length;
    const res = await head.post(`/api/v1/groups/${groupId}/members`, { episodeId: eA.episode.id, joinedOn: START });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ episodeId: eA.episode.id, pseudonym: eA.client.pseudonym, joinedOn: START, leftOn: null, active: true });
    const below = await head.post(`/api/v1/groups/${groupId}/members`, { episodeId: eA1.episode.id, joinedOn: TODAY });
    expect(below.status).toBe(201);
    expect(await groupOutbox(groupId)).toHaveLength(before + 2);
    const audit = await t.dataSource.query(
      `SELECT action, resource, client_id, client_pseudonym, org_unit_id FROM audit_event WHERE resource = 'group_membership' AND client_id = $1`,
      [eA.client.id],
    );
    expect(audit).toEqual([{ action: 'create', resource: 'group_membership', client_id: eA.client.id, client_pseudonym: eA.client.pseudonym, org_unit_id: world.unitA.id }]);
  });

  it('the aggregation relay maps the group.changed row to the members’ client scopes', async () => {
    const [row] = await t.dataSource.query(`SELECT id, municipality_id, topic, payload, created_at FROM outbox WHERE topic = 'group.changed' AND payload->>'groupId' = $1 ORDER BY id DESC LIMIT 1`, [groupId]);
    const plan = await planOutbox(t.dataSource.manager, [row]);
    expect(plan.direct.map((d) => d.scopeKey)).toEqual(expect.arrayContaining([`client:${eA.client.id}`, `client:${eA1.client.id}`]));
  });

  it('lists members by pseudonym only, audit-logged one row per member', async () => {
    const cw = await as(u.caseworkerA);
    const res = await cw.get(`/api/v1/groups/${groupId}/members`);
    expect(res.status).toBe(200);
    expect(res.body.group.id).toBe(groupId);
    expect(res.body.items.map((m: { pseudonym: string }) => m.pseudonym).sort()).toEqual([eA.client.pseudonym, eA1.client.pseudonym].sort());
    for (const m of res.body.items) expect(Object.keys(m).sort()).toEqual(['active', 'clientId', 'closeDate', 'episodeId', 'joinedOn', 'leftOn', 'methodId', 'methodName', 'orgUnitId', 'pseudonym', 'startDate']);
    expect(JSON.stringify(res.body)).not.toMatch(/personalIdentityNumber|identity/i);
    const audit = await t.dataSource.query(`SELECT client_id FROM audit_event WHERE resource = 'group_membership' AND action = 'list' AND actor_user_id = $1 ORDER BY client_id`, [u.caseworkerA.id]);
    expect(audit.map((a: { client_id: string }) => a.client_id)).toEqual([eA.client.id, eA1.client.id].sort());
  });

  it('ends a membership on a day on or after joining (outbox row); sending it again corrects the date', async () => {
    const head = await as(u.headA);
    const before = (await groupOutbox(groupId)).length;
    const res = await head.patch(`/api/v1/groups/${groupId}/members/${eA.episode.id}`, { leftOn: TODAY });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ episodeId: eA.episode.id, joinedOn: START, leftOn: TODAY, active: false });
    const same = await head.patch(`/api/v1/groups/${groupId}/members/${eA.episode.id}`, { leftOn: START });
    expect(same.status).toBe(200);
    expect(same.body.leftOn).toBe(START);
    expect(await groupOutbox(groupId)).toHaveLength(before + 2);
    const [row] = await t.dataSource.query(`SELECT joined_on::text, left_on::text FROM group_membership WHERE group_id = $1 AND episode_id = $2`, [groupId, eA.episode.id]);
    expect(row).toEqual({ joined_on: START, left_on: START });
    const audit = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE resource = 'group_membership' AND action = 'update' AND client_id = $1`, [eA.client.id]);
    expect(audit[0].n).toBe(2);
  });
});

describe('bad input: 4xx with a bilingual message, nothing changed', () => {
  let groupId: string;
  let teamGroupId: string;

  beforeAll(async () => {
    const head = await as(u.headA);
    groupId = (await head.post('/api/v1/groups', { orgUnitId: world.unitA.id, name: 'Kohort 2026' })).body.id;
    teamGroupId = (await head.post('/api/v1/groups', { orgUnitId: world.teamA1.id, name: 'Teamgrupp' })).body.id;
    expect((await head.post(`/api/v1/groups/${groupId}/members`, { episodeId: eA.episode.id, joinedOn: TODAY })).status).toBe(201);
  });

  const refused = async (call: () => Promise<{ status: number; body: any }>, status: number, code?: string, field?: string) => {
    const before = await counts();
    const res = await call();
    expect({ status: res.status, code: res.body?.code }).toEqual({ status, code: code ?? res.body?.code });
    expect(res.body.message.sv).toEqual(expect.any(String));
    expect(res.body.message.en).toEqual(expect.any(String));
    expect(res.body.message.sv).not.toBe(res.body.message.en);
    if (field) {
      const f = res.body.fields.find((x: { field: string }) => x.field === field);
      expect(f).toEqual({ field, sv: expect.any(String), en: expect.any(String) });
    }
    expect(await counts()).toEqual(before);
    return res;
  };

  it('creating: missing, blank, too long or unknown fields; a unit id that is not one; a taken name', async () => {
    const head = await as(u.headA);
    await refused(() => head.post('/api/v1/groups', { orgUnitId: world.unitA.id }), 400, 'REQUEST.VALIDATION', 'name');
    await refused(() => head.post('/api/v1/groups', { orgUnitId: world.unitA.id, name: '   ' }), 400, 'REQUEST.VALIDATION', 'name');
    await refused(() => head.post('/api/v1/groups', { orgUnitId: world.unitA.id, name: 'x'.repeat(201) }), 400, 'REQUEST.VALIDATION', 'name');
    await refused(() => head.post('/api/v1/groups', { orgUnitId: world.unitA.id, name: 'Ny', members: [] }), 400, 'REQUEST.VALIDATION', 'members');
    await refused(() => head.post('/api/v1/groups', { orgUnitId: 'enhet-a', name: 'Ny' }), 400, 'REQUEST.VALIDATION', 'orgUnitId');
    await refused(() => head.post('/api/v1/groups', { orgUnitId: world.unitA.id, name: 42 }), 400, 'REQUEST.VALIDATION', 'name');
    await refused(() => head.post('/api/v1/groups', { orgUnitId: world.unitA.id, name: 'Kohort 2026' }), 409, 'GROUP.NAME_TAKEN', 'name');
  });

  it('renaming: blank, too long, a name another group of the unit has (409)', async () => {
    const head = await as(u.headA);
    const other = (await head.post('/api/v1/groups', { orgUnitId: world.unitA.id, name: 'Målgrupp unga' })).body.id;
    await refused(() => head.patch(`/api/v1/groups/${groupId}`, { name: '' }), 400, 'REQUEST.VALIDATION', 'name');
    await refused(() => head.patch(`/api/v1/groups/${groupId}`, { name: 'y'.repeat(201) }), 400, 'REQUEST.VALIDATION', 'name');
    await refused(() => head.patch(`/api/v1/groups/${groupId}`, {}), 400, 'REQUEST.VALIDATION', 'name');
    await refused(() => head.patch(`/api/v1/groups/${other}`, { name: 'Kohort 2026' }), 409, 'GROUP.NAME_TAKEN', 'name');
    await refused(() => head.patch('/api/v1/groups/not-a-uuid', { name: 'Ny' }), 400, 'REQUEST.VALIDATION', 'id');
  });

  it('adding: malformed ids and dates, a date in the future or outside the episode, an episode outside the group’s unit, a member already', async () => {
    const head = await as(u.headA);
    const add = (body: unknown, g = groupId) => () => head.post(`/api/v1/groups/${g}/members`, body);
    await refused(add({ episodeId: 'x', joinedOn: TODAY }), 400, 'REQUEST.VALIDATION', 'episodeId');
    await refused(add({ episodeId: eA1.episode.id }), 400, 'REQUEST.VALIDATION', 'joinedOn');
    await refused(add({ episodeId: eA1.episode.id, joinedOn: '2026-02-30' }), 400, 'REQUEST.VALIDATION', 'joinedOn');
    await refused(add({ episodeId: eA1.episode.id, joinedOn: '15/03/2026' }), 400, 'REQUEST.VALIDATION', 'joinedOn');
    await refused(add({ episodeId: eA1.episode.id, joinedOn: TODAY, leftOn: TODAY }), 400, 'REQUEST.VALIDATION', 'leftOn');
    await refused(add({ episodeId: eA1.episode.id, joinedOn: '2026-03-16' }), 400, 'DATE.IN_FUTURE', 'joinedOn');
    await refused(add({ episodeId: eA1.episode.id, joinedOn: addMonths(START, -1) }), 400, 'GROUP.JOINED_OUTSIDE_EPISODE', 'joinedOn');
    // eA is in unit A, above the team group's unit: not in the group's subtree.
    await refused(add({ episodeId: eA.episode.id, joinedOn: TODAY }, teamGroupId), 400, 'GROUP.EPISODE_OUTSIDE_UNIT', 'episodeId');
    await refused(add({ episodeId: eA.episode.id, joinedOn: TODAY }), 409, 'GROUP.ALREADY_MEMBER', 'episodeId');
    await refused(() => head.post(`/api/v1/groups/${groupId}/members`, '{"episodeId":'), 400);
  });

  it('adding a closed episode on a day after it closed is refused', async () => {
    const closed = await createEpisodeWorld(t.dataSource, { startDate: START, today: TODAY, world, unit: world.unitA });
    await t.dataSource.query(`UPDATE episode SET close_date = $2, close_reason = 'completed_as_planned' WHERE id = $1`, [closed.episode.id, addMonths(START, 1)]);
    const head = await as(u.headA);
    await refused(() => head.post(`/api/v1/groups/${groupId}/members`, { episodeId: closed.episode.id, joinedOn: addMonths(START, 2) }), 400, 'GROUP.JOINED_OUTSIDE_EPISODE', 'joinedOn');
  });

  it('ending: a date before joining or in the future, no date, an episode that is not a member', async () => {
    const head = await as(u.headA);
    const end = (body: unknown, episodeId = eA.episode.id) => () => head.patch(`/api/v1/groups/${groupId}/members/${episodeId}`, body);
    await refused(end({ leftOn: addMonths(TODAY, -1) }), 400, 'GROUP.LEFT_BEFORE_JOINED', 'leftOn');
    await refused(end({ leftOn: '2026-04-01' }), 400, 'DATE.IN_FUTURE', 'leftOn');
    await refused(end({}), 400, 'REQUEST.VALIDATION', 'leftOn');
    await refused(end({ leftOn: TODAY, joinedOn: TODAY }), 400, 'REQUEST.VALIDATION', 'joinedOn');
    await refused(end({ leftOn: TODAY }, eA1.episode.id), 404, 'GROUP.MEMBER_NOT_FOUND');
  });
});

describe('across units and municipalities', () => {
  let groupA: string;
  let groupB: string;

  beforeAll(async () => {
    groupA = (await (await as(u.headA)).post('/api/v1/groups', { orgUnitId: world.unitA.id, name: 'Grupp A' })).body.id;
    groupB = (await (await as(u.headB)).post('/api/v1/groups', { orgUnitId: world.unitB.id, name: 'Grupp B' })).body.id;
  });

  it('a unit head of unit B cannot see or change unit A’s group (404), nor create a group in unit A', async () => {
    const headB = await as(u.headB);
    const before = await counts();
    expect((await headB.get(`/api/v1/groups/${groupA}`)).body.code).toBe('GROUP.NOT_FOUND');
    expect((await headB.get(`/api/v1/groups/${groupA}/members`)).status).toBe(404);
    expect((await headB.patch(`/api/v1/groups/${groupA}`, { name: 'Kapad' })).status).toBe(404);
    expect((await headB.post(`/api/v1/groups/${groupA}/members`, { episodeId: eB.episode.id, joinedOn: TODAY })).status).toBe(404);
    expect((await headB.post('/api/v1/groups', { orgUnitId: world.unitA.id, name: 'Intrång' })).status).toBe(404);
    expect((await headB.get(`/api/v1/groups?unitId=${world.unitA.id}`)).status).toBe(404);
    expect((await headB.get('/api/v1/groups')).body.items.map((g: { id: string }) => g.id)).not.toContain(groupA);
    expect(await counts()).toEqual(before);
  });

  it('an episode of another unit cannot join: 404 when outside the caller’s units, 400 when outside the group’s', async () => {
    const before = await counts();
    const headA = await as(u.headA);
    const hidden = await headA.post(`/api/v1/groups/${groupA}/members`, { episodeId: eB.episode.id, joinedOn: TODAY });
    expect([hidden.status, hidden.body.code]).toEqual([404, 'EPISODE.NOT_FOUND']);
    // A unit head of the whole administration sees both units, but unit B's episode is not in unit A's group.
    const headRoot = await as(u.headRoot);
    const outside = await headRoot.post(`/api/v1/groups/${groupA}/members`, { episodeId: eB.episode.id, joinedOn: TODAY });
    expect([outside.status, outside.body.code]).toEqual([400, 'GROUP.EPISODE_OUTSIDE_UNIT']);
    expect((await headRoot.post(`/api/v1/groups/${groupB}/members`, { episodeId: eB.episode.id, joinedOn: TODAY })).status).toBe(201);
    expect((await counts()).members).toBe(before.members + 1);
  });

  it('another municipality’s unit head and episodes never reach these groups (404), nothing changed', async () => {
    const before = await counts();
    const headOther = await as(u.headOther);
    expect((await headOther.get(`/api/v1/groups/${groupA}`)).status).toBe(404);
    expect((await headOther.get(`/api/v1/groups/${groupA}/members`)).status).toBe(404);
    expect((await headOther.patch(`/api/v1/groups/${groupA}`, { name: 'Annan kommun' })).status).toBe(404);
    expect((await headOther.post(`/api/v1/groups/${groupA}/members`, { episodeId: eX.episode.id, joinedOn: TODAY })).status).toBe(404);
    expect((await headOther.post('/api/v1/groups', { orgUnitId: world.unitA.id, name: 'Annan kommun' })).status).toBe(404);
    expect((await headOther.get('/api/v1/groups')).body.items).toEqual([]);
    const headRoot = await as(u.headRoot);
    const foreign = await headRoot.post(`/api/v1/groups/${groupA}/members`, { episodeId: eX.episode.id, joinedOn: TODAY });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'EPISODE.NOT_FOUND']);
    expect(await counts()).toEqual(before);
  });

  it('roles: admins create and rename but never see members; analysts and politicians have no group routes', async () => {
    const admin = await as(u.admin);
    const created = await admin.post('/api/v1/groups', { orgUnitId: world.unitB.id, name: 'Adminens grupp' });
    expect(created.status).toBe(201);
    expect((await admin.patch(`/api/v1/groups/${created.body.id}`, { name: 'Adminens grupp 2' })).status).toBe(200);
    expect((await admin.get(`/api/v1/groups/${groupA}`)).status).toBe(200);
    expect((await admin.get(`/api/v1/groups/${groupA}/members`)).status).toBe(403);
    expect((await admin.post(`/api/v1/groups/${groupA}/members`, { episodeId: eA.episode.id, joinedOn: TODAY })).status).toBe(403);
    for (const user of [u.analyst, u.politician]) {
      const s = await as(user);
      expect((await s.get('/api/v1/groups')).status).toBe(403);
      expect((await s.get(`/api/v1/groups/${groupA}`)).status).toBe(403);
      expect((await s.post('/api/v1/groups', { orgUnitId: world.unitA.id, name: 'Nej' })).status).toBe(403);
    }
  });
});

describe('web pages for the unit head', () => {
  const form = (s: HttpSession, url: string, fields: Record<string, string>) =>
    s.request('POST', url, new URLSearchParams(fields).toString(), { 'content-type': 'application/x-www-form-urlencoded' });

  it('creates a group, adds an episode and ends the membership through the forms; bad dates come back as 400 with the error', async () => {
    const head = await as(u.headA);
    const list = await head.get('/grupper');
    expect(list.status).toBe(200);
    expect(list.body).toContain('<h1 class="heading-xl">Grupper</h1>');

    const blank = await form(head, '/grupper', { orgUnitId: world.unitA.id, name: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.body).toContain('error-summary');

    const created = await form(head, '/grupper', { orgUnitId: world.unitA.id, name: 'Webbgrupp' });
    expect(created.status).toBe(200); // after the 303 to the group page
    expect(created.body).toContain('Gruppen är skapad.');
    const [{ id }] = await t.dataSource.query(`SELECT id FROM client_group WHERE org_unit_id = $1 AND name = 'Webbgrupp'`, [world.unitA.id]);
    expect(created.body).toContain(eA1.client.pseudonym); // offered in the add form

    const future = await form(head, `/grupper/${id}/medlemmar`, { episodeId: eA1.episode.id, joinedOn: '2026-12-01' });
    expect(future.status).toBe(400);
    expect(future.body).toContain('Datumet får inte ligga i framtiden.');
    const added = await form(head, `/grupper/${id}/medlemmar`, { episodeId: eA1.episode.id, joinedOn: TODAY });
    expect(added.status).toBe(200);
    expect(added.body).toContain('Insatsen har lagts till i gruppen.');
    expect(added.body).toMatch(new RegExp(`data-episode="${eA1.episode.id}"`));

    const early = await form(head, `/grupper/${id}/medlemmar/${eA1.episode.id}/avsluta`, { leftOn: START });
    expect(early.status).toBe(400);
    expect(early.body).toContain(`id="leftOn-${eA1.episode.id}-error"`);
    const ended = await form(head, `/grupper/${id}/medlemmar/${eA1.episode.id}/avsluta`, { leftOn: TODAY });
    expect(ended.status).toBe(200);
    expect(ended.body).toContain('Medlemskapet har avslutats.');
    const [row] = await t.dataSource.query(`SELECT left_on::text FROM group_membership WHERE group_id = $1 AND episode_id = $2`, [id, eA1.episode.id]);
    expect(row.left_on).toBe(TODAY);
    expect(await groupOutbox(id)).toHaveLength(3);
  });

  it('the page speaks English too, and a caseworker reads members without the forms', async () => {
    const cw = await as(u.caseworkerA);
    const [{ id }] = await t.dataSource.query(`SELECT id FROM client_group WHERE org_unit_id = $1 AND name = 'Webbgrupp'`, [world.unitA.id]);
    const page = await cw.get(`/grupper/${id}?lang=en`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Members');
    expect(page.body).toContain(eA1.client.pseudonym);
    expect(page.body).not.toContain(`/grupper/${id}/medlemmar"`);
    expect(page.body).not.toContain(`/grupper/${id}/namn"`);
    expect((await (await as(u.politician)).get(`/grupper/${id}`)).status).toBe(403);
    expect((await (await as(u.headB)).get(`/grupper/${id}`)).status).toBe(404);
  });
});
