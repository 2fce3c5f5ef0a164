import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '#domain';
import { resetConfigCache } from '#config';
import { TEST_PASSWORD, WorldFactory, type TestUser } from '../factories/world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';

// Low limits for this file only (the test run lifts them elsewhere: every file signs in from 127.0.0.1). The test
// client stands in for the reverse proxy (TRUST_PROXY=loopback), so X-Forwarded-For gives each test its own address.
const LIMITS = { SIGN_IN_RATE_LIMIT_PER_IP: '5', SIGN_IN_RATE_LIMIT_PER_USERNAME: '3', SIGN_IN_RATE_LIMIT_WINDOW_SECONDS: '300', TRUST_PROXY: 'loopback' };
const saved = Object.fromEntries(Object.keys(LIMITS).map((k) => [k, process.env[k]]));

let t: TestApp;
let world: Awaited<ReturnType<WorldFactory['create']>>;
let caseworker: TestUser;
let f: WorldFactory;

/** A client address of its own per test (the API trusts X-Forwarded-For from its reverse proxy, here loopback). */
const freshIp = () => `10.${randomInt(0, 255)}.${randomInt(0, 255)}.${randomInt(1, 254)}`;

async function signIn(username: string, password: string, ip: string) {
  return new HttpSession(t.baseUrl).post('/api/v1/auth/sign-in', { username, password }, { 'x-forwarded-for': ip });
}

beforeAll(async () => {
  Object.assign(process.env, LIMITS);
  resetConfigCache();
  t = await createTestApp();
  f = new WorldFactory(t.dataSource);
  world = await f.create();
  caseworker = await f.user(world.municipalityId, Role.Caseworker, world.unitA);
}, 30_000);

afterAll(async () => {
  await t?.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetConfigCache();
});

describe('sign-in rate limits', () => {
  it('limits attempts per username, whatever the address: 429 with Retry-After and a bilingual body', async () => {
    const user = await f.user(world.municipalityId, Role.Caseworker, world.unitA);
    for (let i = 0; i < 3; i++) expect((await signIn(user.username, 'fel', freshIp())).status).toBe(401);
    const limited = await signIn(user.username, TEST_PASSWORD, freshIp());
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('AUTH.RATE_LIMITED');
    expect(limited.body.message).toEqual({
      sv: 'För många inloggningsförsök. Vänta en stund och försök igen.',
      en: 'Too many sign-in attempts. Wait a while and try again.',
    });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(300);
    // The counter is keyed by a hash of the username, never the username itself.
    const keys: { key: string }[] = await t.dataSource.query(`SELECT key FROM sign_in_throttle WHERE key LIKE 'user:%'`);
    expect(keys.some((k) => k.key.includes(user.username))).toBe(false);
  });

  it('limits attempts per client address across usernames, in PostgreSQL so every API replica shares the count', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect((await signIn(`okand-${i}-${world.suffix}`, 'fel', ip)).status).toBe(401);
    const limited = await signIn(caseworker.username, TEST_PASSWORD, ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const [row] = await t.dataSource.query(`SELECT attempts FROM sign_in_throttle WHERE key = $1`, [`ip:${ip}`]);
    expect(row.attempts).toBe(6);
    // Another address still signs in.
    expect((await signIn(caseworker.username, TEST_PASSWORD, freshIp())).status).toBe(200);
  });
});

describe('security headers', () => {
  const expectHardened = (headers: Headers) => {
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('referrer-policy')).toBe('no-referrer');
    const csp = headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  };

  it('every API answer that may carry personal data is no-store, nosniff, no-referrer and not frameable', async () => {
    // From an address of its own: 127.0.0.1's counter is shared with every other test file's sign-ins.
    const s = new HttpSession(t.baseUrl);
    expect((await s.post('/api/v1/auth/sign-in', { username: caseworker.username, password: TEST_PASSWORD }, { 'x-forwarded-for': freshIp() })).status).toBe(200);
    const created = await s.post('/api/v1/clients', { homeUnitId: world.unitA.id, birthYear: 1970 });
    expect(created.status).toBe(201);
    expectHardened(created.headers);
    const read = await s.get(`/api/v1/clients/${created.body.id}`);
    expect(read.status).toBe(200);
    expectHardened(read.headers);
    expectHardened((await s.get(`/api/v1/clients/${created.body.id}/identity`)).headers);
    expectHardened((await s.get('/api/v1/auth/me')).headers);
  });

  it('errors and unknown routes carry the same headers', async () => {
    const anon = new HttpSession(t.baseUrl);
    const unauthenticated = await anon.get('/api/v1/auth/me');
    expect(unauthenticated.status).toBe(401);
    expectHardened(unauthenticated.headers);
    const unknown = await anon.get('/api/v1/finns-inte');
    expect(unknown.status).toBe(404);
    expectHardened(unknown.headers);
  });
});
