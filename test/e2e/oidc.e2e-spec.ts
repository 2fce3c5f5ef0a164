import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '#domain';
import { resetConfigCache } from '#config';
import { WorldFactory } from '../factories/world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { startOidcTestProvider, type OidcTestProvider, type TestIdentity } from '../utils/oidc-test-provider.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';
import { TestBrowser } from '../utils/test-browser.js';

// OIDC-only, as production runs once the IdP is in use: local accounts switched off.
const ENV_KEYS = ['LOCAL_ACCOUNTS_ENABLED', 'OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URI', 'OIDC_GROUP_MAP', 'OIDC_MUNICIPALITY_CODE', 'OIDC_SCOPES'];
const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

let t: TestApp;
let idp: OidcTestProvider;
let world: Awaited<ReturnType<WorldFactory['create']>>;
let f: WorldFactory;
let callbackUrl: string;
const g = { caseworkerA: '', headB: '', admin: '', unmapped: '' };

function identity(groups: string[], sub = randomUUID()): TestIdentity {
  return { sub, preferred_username: `idp.${sub.slice(0, 8)}`, name: 'Ida Idp', groups };
}

/** A browser signs in at the IdP as `who` and is sent back to the app's callback (not yet visited). */
async function throughIdp(browser: TestBrowser, who: TestIdentity): Promise<{ start: Response; callback: string; authorize: URL }> {
  idp.signInAs(who);
  const start = await browser.request(`${t.baseUrl}/api/v1/auth/oidc/start`);
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location')!);
  const { url } = await browser.followUntil(authorize.href, callbackUrl);
  return { start, callback: url, authorize };
}

async function signInWithIdp(who: TestIdentity): Promise<{ browser: TestBrowser; res: Response; callback: string }> {
  const browser = new TestBrowser();
  const { callback } = await throughIdp(browser, who);
  const res = await browser.request(callback);
  return { browser, res, callback };
}

/** An HttpSession carrying the browser's session cookie and its CSRF token (from /auth/me). */
async function apiSession(browser: TestBrowser): Promise<HttpSession> {
  const s = new HttpSession(t.baseUrl);
  const cookie = `mp_session=${browser.cookie(t.baseUrl, 'mp_session')}`;
  const me = await s.get('/api/v1/auth/me', { cookie });
  expect(me.status).toBe(200);
  Object.assign(s as unknown as { cookie: string; csrf: string }, { cookie, csrf: me.body.csrfToken });
  return s;
}

beforeAll(async () => {
  process.env.LOCAL_ACCOUNTS_ENABLED = 'false';
  resetConfigCache();
  t = await createTestApp();
  f = new WorldFactory(t.dataSource);
  world = await f.create();
  const [{ code }] = await t.dataSource.query(`SELECT code FROM municipality WHERE id = $1`, [world.municipalityId]);
  callbackUrl = `${t.baseUrl}/api/v1/auth/oidc/callback`;
  idp = await startOidcTestProvider({ redirectUri: callbackUrl });
  Object.assign(g, { caseworkerA: `soc-hl-a-${world.suffix}`, headB: `soc-chef-b-${world.suffix}`, admin: `soc-admin-${world.suffix}`, unmapped: `soc-okand-${world.suffix}` });
  Object.assign(process.env, {
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: idp.clientId,
    OIDC_CLIENT_SECRET: idp.clientSecret,
    OIDC_REDIRECT_URI: callbackUrl,
    OIDC_MUNICIPALITY_CODE: code,
    OIDC_SCOPES: 'openid profile groups',
    OIDC_GROUP_MAP: JSON.stringify({
      [g.caseworkerA]: [{ unit: world.unitA.code, role: 'caseworker' }],
      [g.headB]: [{ unit: world.unitB.code, role: 'unit_head' }],
      [g.admin]: [{ unit: world.root.code, role: 'admin' }],
      [g.unmapped]: [{ unit: 'FINNS-INTE', role: 'caseworker' }],
    }),
  });
  resetConfigCache();
}, 30_000);

afterAll(async () => {
  await t?.close();
  await idp?.close();
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetConfigCache();
});

describe('OpenID Connect sign-in', () => {
  it('sends the browser to the IdP with state, nonce and a PKCE S256 challenge, keeping the verifier server-side', async () => {
    const browser = new TestBrowser();
    const res = await browser.request(`${t.baseUrl}/api/v1/auth/oidc/start`);
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get('location')!);
    expect(url.origin).toBe(idp.issuer);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(url.searchParams.get('nonce')).toBeTruthy();
    expect(url.searchParams.get('redirect_uri')).toBe(callbackUrl);
    expect(url.searchParams.get('scope')).toBe('openid profile groups');
    const binding = res.headers.getSetCookie().find((c) => c.startsWith('mp_oidc='))!;
    expect(binding).toMatch(/HttpOnly/i);
    expect(binding).toMatch(/SameSite=Lax/i);
    expect(res.headers.get('cache-control')).toBe('no-store');
    // Nothing of the flow's secrets is in the cookie: the row holds hashes of state and binding only.
    const [row] = await t.dataSource.query(`SELECT state_hash, binding_hash, code_verifier FROM oidc_login ORDER BY created_at DESC LIMIT 1`);
    expect(row.state_hash.equals(Buffer.from(url.searchParams.get('state')!))).toBe(false);
    expect(row.code_verifier).not.toBe(url.searchParams.get('code_challenge'));
  });

  it('signs a mapped user in: created just in time, memberships from the groups, a server-side session with CSRF', async () => {
    const who = identity([g.caseworkerA, 'some-other-group']);
    const { browser, res } = await signInWithIdp(who);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('http-equiv="refresh"');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('mp_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(browser.cookie(t.baseUrl, 'mp_oidc')).toBeUndefined();

    const s = await apiSession(browser);
    const me = await s.get('/api/v1/auth/me');
    expect(me.body).toMatchObject({ username: who.preferred_username, displayName: 'Ida Idp', memberships: [{ unitId: world.unitA.id, role: 'caseworker' }] });
    // The CSRF token works for unsafe requests, and the roles work in their unit only.
    expect((await s.post('/api/v1/clients', { homeUnitId: world.unitA.id })).status).toBe(201);
    expect((await s.post('/api/v1/clients', { homeUnitId: world.unitB.id })).status).toBe(404);
    expect((await s.withoutCsrf().post('/api/v1/clients', { homeUnitId: world.unitA.id })).status).toBe(403);

    const [user] = await t.dataSource.query(
      `SELECT id, oidc_issuer, oidc_subject, password_hash, last_sign_in_at FROM app_user WHERE username = $1`,
      [who.preferred_username],
    );
    expect(user).toMatchObject({ oidc_issuer: idp.issuer, oidc_subject: who.sub, password_hash: null });
    expect(user.last_sign_in_at).toBeInstanceOf(Date);
    const sessions = await t.dataSource.query(`SELECT auth_method FROM session WHERE user_id = $1`, [user.id]);
    expect(sessions).toEqual([{ auth_method: 'oidc' }]);
    const audit = await t.dataSource.query(`SELECT action, purpose FROM audit_event WHERE resource = $1`, [`user:${user.id}:memberships`]);
    expect(audit).toEqual([{ action: 'create', purpose: 'administration' }]);
  });

  it('replaces the memberships at each sign-in: a group removed at the IdP is a membership removed', async () => {
    const who = identity([g.caseworkerA]);
    await signInWithIdp(who);
    const { browser } = await signInWithIdp({ ...who, groups: [g.headB] });
    const me = await (await apiSession(browser)).get('/api/v1/auth/me');
    expect(me.body.memberships).toEqual([{ unitId: world.unitB.id, role: 'unit_head' }]);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM app_user WHERE oidc_subject = $1`, [who.sub]);
    expect(n).toBe(1);
  });

  it('refuses a person with no mapped group (403, Swedish and English), creating nothing', async () => {
    const who = identity([g.unmapped, 'unrelated']);
    const { res } = await signInWithIdp(who);
    expect(res.status).toBe(403);
    const body: any = await res.json();
    expect(body.code).toBe('AUTH.OIDC_NO_ACCESS');
    expect(body.message.sv).toMatch(/ingen behörighet i Mätpunkt/);
    expect(body.message.en).toMatch(/no access to Mätpunkt/);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('mp_session=') && !c.startsWith('mp_session=;'))).toBe(false);
    expect(await t.dataSource.query(`SELECT 1 FROM app_user WHERE oidc_subject = $1`, [who.sub])).toEqual([]);
  });

  it('a known user whose last mapped group was removed loses every membership and is refused; their session loses access', async () => {
    const who = identity([g.caseworkerA]);
    const first = await signInWithIdp(who);
    const s = await apiSession(first.browser);
    expect((await s.post('/api/v1/clients', { homeUnitId: world.unitA.id })).status).toBe(201);
    const { res } = await signInWithIdp({ ...who, groups: [] });
    expect(res.status).toBe(403);
    expect((await s.post('/api/v1/clients', { homeUnitId: world.unitA.id })).status).toBe(403);
  });

  it('refuses a callback with a state it did not issue, or from another browser (400)', async () => {
    const browser = new TestBrowser();
    const { callback } = await throughIdp(browser, identity([g.caseworkerA]));
    const tampered = new URL(callback);
    tampered.searchParams.set('state', 'forged-state');
    const forged = await browser.request(tampered.href);
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as any).code).toBe('AUTH.OIDC_STATE');

    const other = new TestBrowser();
    const { callback: second } = await throughIdp(browser, identity([g.caseworkerA]));
    const stolen = await other.request(second);
    expect(stolen.status).toBe(400);
    expect(stolen.headers.getSetCookie().some((c) => /^mp_session=[^;]/.test(c))).toBe(false);
  });

  it('refuses a replayed callback and a replayed code', async () => {
    const browser = new TestBrowser();
    const { callback } = await throughIdp(browser, identity([g.caseworkerA]));
    const binding = browser.cookie(t.baseUrl, 'mp_oidc')!;
    expect((await browser.request(callback)).status).toBe(200);
    // The same callback again (even with the binding cookie put back): the started sign-in is used up.
    browser.setCookie(t.baseUrl, 'mp_oidc', binding);
    expect((await browser.request(callback)).status).toBe(400);
    // The used code with a fresh, valid state: the IdP refuses it (and the PKCE verifier would not match).
    const fresh = await throughIdp(browser, identity([g.caseworkerA]));
    const replay = new URL(fresh.callback);
    replay.searchParams.set('code', new URL(callback).searchParams.get('code')!);
    const res = await browser.request(replay.href);
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).code).toBe('AUTH.OIDC_FAILED');
  });

  it('with local accounts off, the local sign-in route refuses and sessions from a local sign-in stop working', async () => {
    const local = await f.user(world.municipalityId, Role.Caseworker, world.unitA);
    const anon = new HttpSession(t.baseUrl);
    const res = await anon.post('/api/v1/auth/sign-in', { username: local.username, password: 'korrekt-hast-batteri-häftstift' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('AUTH.LOCAL_DISABLED');
    expect(res.body.message.sv).toBe('Inloggning med lokalt konto är avstängd.');
    // A session left from before the switch (same table, auth_method 'local') is not honoured.
    const who = identity([g.caseworkerA]);
    const { browser } = await signInWithIdp(who);
    const token = browser.cookie(t.baseUrl, 'mp_session')!;
    expect((await anon.get('/api/v1/auth/me', { cookie: `mp_session=${token}` })).status).toBe(200);
    await t.dataSource.query(`UPDATE session SET auth_method = 'local' WHERE user_id = (SELECT id FROM app_user WHERE oidc_subject = $1)`, [who.sub]);
    expect((await anon.get('/api/v1/auth/me', { cookie: `mp_session=${token}` })).status).toBe(401);
  });

  it('disabling a user ends their IdP sessions at once, and the IdP cannot sign them back in', async () => {
    const admin = await apiSession((await signInWithIdp(identity([g.admin]))).browser);
    const who = identity([g.caseworkerA]);
    const victim = await apiSession((await signInWithIdp(who)).browser);
    const [{ id }] = await t.dataSource.query(`SELECT id FROM app_user WHERE oidc_subject = $1`, [who.sub]);
    expect((await admin.patch(`/api/v1/admin/users/${id}`, { disabled: true })).status).toBe(200);
    expect((await victim.get('/api/v1/auth/me')).status).toBe(401);
    const again = await signInWithIdp(who);
    expect(again.res.status).toBe(403);
    expect(((await again.res.json()) as any).code).toBe('AUTH.ACCOUNT_DISABLED');
  });
});
