import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '#domain';
import { WorldFactory, type TestUser } from '../factories/world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';

let t: TestApp;
let world: Awaited<ReturnType<WorldFactory['create']>>;
let f: WorldFactory;
let caseworker: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  f = new WorldFactory(t.dataSource);
  world = await f.create();
  caseworker = await f.user(world.municipalityId, Role.Caseworker, world.unitA);
});

afterAll(async () => {
  await t?.close();
});

describe('sessions', () => {
  it('sets a secure-by-default cookie: httpOnly, SameSite=Strict', async () => {
    const res = await fetch(`${t.baseUrl}/api/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: caseworker.username, password: 'korrekt-hast-batteri-häftstift' }),
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('mp_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('signing out ends the session', async () => {
    const s = await HttpSession.signIn(t.baseUrl, caseworker.username);
    expect((await s.get('/api/v1/auth/me')).status).toBe(200);
    expect((await s.post('/api/v1/auth/sign-out')).status).toBe(204);
    expect((await s.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('disabling a user ends their sessions at once', async () => {
    const user = await f.user(world.municipalityId, Role.Caseworker, world.unitA);
    const s = await HttpSession.signIn(t.baseUrl, user.username);
    await t.dataSource.query(`UPDATE app_user SET disabled_at = now() WHERE id = $1`, [user.id]);
    expect((await s.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('an idle session expires; an absolute lifetime is enforced', async () => {
    const s = await HttpSession.signIn(t.baseUrl, caseworker.username);
    await t.dataSource.query(`UPDATE session SET last_seen_at = now() - interval '31 minutes' WHERE user_id = $1`, [caseworker.id]);
    expect((await s.get('/api/v1/auth/me')).status).toBe(401);
    const s2 = await HttpSession.signIn(t.baseUrl, caseworker.username);
    await t.dataSource.query(`UPDATE session SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND revoked_at IS NULL`, [caseworker.id]);
    expect((await s2.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('wrong passwords lock the account after five attempts, with a Swedish message', async () => {
    const user = await f.user(world.municipalityId, Role.Caseworker, world.unitA);
    const anon = new HttpSession(t.baseUrl);
    for (let i = 0; i < 5; i++) {
      const res = await anon.post('/api/v1/auth/sign-in', { username: user.username, password: 'fel' });
      expect(res.status).toBe(401);
      expect(res.body.message.sv).toBe('Fel användarnamn eller lösenord.');
    }
    const locked = await anon.post('/api/v1/auth/sign-in', { username: user.username, password: 'korrekt-hast-batteri-häftstift' });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('AUTH.LOCKED');
  });
});

describe('personal API tokens', () => {
  it('are shown once, work as Bearer tokens without CSRF, and stop working when revoked', async () => {
    const s = await HttpSession.signIn(t.baseUrl, caseworker.username);
    const created = await s.post('/api/v1/auth/api-tokens', { name: 'Integration' });
    expect(created.status).toBe(201);
    const token: string = created.body.token;
    const bearer = new HttpSession(t.baseUrl);
    const client = await bearer.post('/api/v1/clients', { homeUnitId: world.unitA.id }, { authorization: `Bearer ${token}` });
    expect(client.status).toBe(201);
    const [stored] = await t.dataSource.query(`SELECT token_hash FROM api_token WHERE id = $1`, [created.body.id]);
    expect(stored.token_hash.toString('utf8')).not.toContain(token);
    await t.dataSource.query(`UPDATE api_token SET revoked_at = now() WHERE id = $1`, [created.body.id]);
    expect((await bearer.get('/api/v1/auth/me', { authorization: `Bearer ${token}` })).status).toBe(401);
  });
});

describe('health', () => {
  it('live and ready answer without sign-in; ready checks the database and the queue backend', async () => {
    const anon = new HttpSession(t.baseUrl);
    expect((await anon.get('/health/live')).body).toEqual({ status: 'ok' });
    const ready = await anon.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', database: 'ok', queue: { status: 'ok' } });
  });

  it('serves the OpenAPI document', async () => {
    const doc = await new HttpSession(t.baseUrl).get('/api/docs/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toContain('/api/v1/clients');
  });
});
