import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '#domain';
import { WorldFactory, type TestUser } from '../factories/world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';

let t: TestApp;
let world: Awaited<ReturnType<WorldFactory['create']>>;
let admin: TestUser;
let adminA: TestUser;
let a: HttpSession;

beforeAll(async () => {
  t = await createTestApp();
  const f = new WorldFactory(t.dataSource);
  world = await f.create();
  admin = await f.user(world.municipalityId, Role.Admin, world.root);
  adminA = await f.user(world.municipalityId, Role.Admin, world.unitA);
  a = await HttpSession.signIn(t.baseUrl, admin.username);
});

afterAll(async () => {
  await t?.close();
});

describe('user administration', () => {
  it('creates a user with memberships, who can then sign in and act in that unit', async () => {
    const username = `anna.${world.suffix}`;
    const res = await a.post('/api/v1/admin/users', {
      username,
      displayName: 'Anna Andersson',
      password: 'ett-långt-lösenord-123',
      memberships: [{ unitId: world.unitA.id, role: 'caseworker' }],
    });
    expect(res.status).toBe(201);
    expect(res.body.memberships).toEqual([{ unitId: world.unitA.id, unitName: 'Enhet A', role: 'caseworker' }]);
    const anna = await HttpSession.signIn(t.baseUrl, username, 'ett-långt-lösenord-123');
    expect((await anna.post('/api/v1/clients', { homeUnitId: world.unitA.id })).status).toBe(201);
    expect((await anna.post('/api/v1/clients', { homeUnitId: world.unitB.id })).status).toBe(404);
    const audit = await t.dataSource.query(`SELECT action, purpose FROM audit_event WHERE resource = $1`, [`user:${res.body.id}`]);
    expect(audit).toEqual([{ action: 'create', purpose: 'administration' }]);
  });

  it('disabling a user ends their sessions at once', async () => {
    const created = await a.post('/api/v1/admin/users', {
      username: `bo.${world.suffix}`,
      displayName: 'Bo',
      password: 'ett-långt-lösenord-123',
      memberships: [{ unitId: world.unitB.id, role: 'caseworker' }],
    });
    const bo = await HttpSession.signIn(t.baseUrl, `bo.${world.suffix}`, 'ett-långt-lösenord-123');
    expect((await bo.get('/api/v1/auth/me')).status).toBe(200);
    expect((await a.patch(`/api/v1/admin/users/${created.body.id}`, { disabled: true })).body.disabled).toBe(true);
    expect((await bo.get('/api/v1/auth/me')).status).toBe(401);
    const [sessions] = await t.dataSource.query(`SELECT count(*)::int AS n FROM session WHERE user_id = $1 AND revoked_at IS NULL`, [created.body.id]);
    expect(sessions.n).toBe(0);
  });

  it('refuses memberships outside the admin’s units, a taken username, bad roles — naming the fields, storing nothing', async () => {
    const sub = await HttpSession.signIn(t.baseUrl, adminA.username);
    const count = async () => (await t.dataSource.query(`SELECT count(*)::int AS n FROM app_user WHERE municipality_id = $1`, [world.municipalityId]))[0].n;
    const before = await count();
    const outside = await sub.post('/api/v1/admin/users', { username: `c.${world.suffix}`, displayName: 'C', memberships: [{ unitId: world.unitB.id, role: 'caseworker' }] });
    expect(outside.status).toBe(400);
    expect(outside.body.fields[0].field).toBe('memberships[0].unitId');
    const taken = await a.post('/api/v1/admin/users', { username: admin.username, displayName: 'X', memberships: [] });
    expect(taken.status).toBe(409);
    const badRole = await a.post('/api/v1/admin/users', { username: `d.${world.suffix}`, displayName: 'D', memberships: [{ unitId: world.unitA.id, role: 'king' }] });
    expect(badRole.status).toBe(400);
    expect(badRole.body.fields[0].field).toBe('memberships.0.role');
    expect(await count()).toBe(before);
  });

  it('a sub-unit admin sees only users of their subtree', async () => {
    const sub = await HttpSession.signIn(t.baseUrl, adminA.username);
    const names = (await sub.get('/api/v1/admin/users')).body.map((u: { username: string }) => u.username);
    expect(names).toContain(`anna.${world.suffix}`);
    expect(names).not.toContain(`bo.${world.suffix}`);
  });

  it('is forbidden to every role but admin', async () => {
    const f = new WorldFactory(t.dataSource);
    for (const role of [Role.UnitHead, Role.Caseworker, Role.Analyst, Role.Politician]) {
      const u = await f.user(world.municipalityId, role, world.root);
      const s = await HttpSession.signIn(t.baseUrl, u.username);
      expect((await s.get('/api/v1/admin/users')).status).toBe(403);
    }
  });
});

describe('org tree administration', () => {
  it('adds a unit below one in scope, with its path below the parent', async () => {
    const res = await a.post('/api/v1/admin/org-units', { parentId: world.unitA.id, kind: 'team', code: `A2-${world.suffix}`, name: 'Team A2' });
    expect(res.status).toBe(201);
    expect(res.body.path.startsWith(world.unitA.path)).toBe(true);
    expect((await a.post('/api/v1/admin/org-units', { parentId: world.unitA.id, kind: 'team', code: `A2-${world.suffix}`, name: 'Igen' })).status).toBe(409);
  });
});
