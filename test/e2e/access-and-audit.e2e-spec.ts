import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '#domain';
import { INDIVIDUAL_LEVEL_PERMISSIONS } from '#access';
import { verifyAuditChain } from '#audit';
import { listRoutes } from '../../apps/api/src/common/route-check.js';
import { WEB_CONTROLLERS } from '../../apps/api/src/web/web-controllers.js';
import { WorldFactory, type TestUser } from '../factories/world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';

const PNR = '19811218-9876';
const PNR_DIGITS = ['198112189876', '8112189876', '811218-9876', '19811218-9876'];

let t: TestApp;
let world: Awaited<ReturnType<WorldFactory['create']>>;
let caseworkerA: TestUser;
let caseworkerB: TestUser;
let unitHeadRoot: TestUser;
let politician: TestUser;
let analyst: TestUser;
let admin: TestUser;

async function auditRows(clientId: string) {
  return t.dataSource.query(`SELECT action, resource, actor_user_id, actor_role, request_id FROM audit_event WHERE client_id = $1 ORDER BY id`, [clientId]);
}

beforeAll(async () => {
  t = await createTestApp();
  const f = new WorldFactory(t.dataSource);
  world = await f.create();
  caseworkerA = await f.user(world.municipalityId, Role.Caseworker, world.unitA);
  caseworkerB = await f.user(world.municipalityId, Role.Caseworker, world.unitB);
  unitHeadRoot = await f.user(world.municipalityId, Role.UnitHead, world.root);
  politician = await f.user(world.municipalityId, Role.Politician, world.root);
  analyst = await f.user(world.municipalityId, Role.Analyst, world.root);
  admin = await f.user(world.municipalityId, Role.Admin, world.root);
});

afterAll(async () => {
  await t?.close();
});

describe('deny by default', () => {
  it('every route declares a permission or is explicitly public', () => {
    const routes = listRoutes(t.app);
    expect(routes.length).toBeGreaterThan(5);
    for (const r of routes) expect(r.public || r.permission !== null).toBe(true);
    expect(routes.filter((r) => r.public).map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      [
        'GET /health/live',
        'GET /health/ready',
        'POST /auth/sign-in',
        'GET /auth/oidc/start',
        'GET /auth/oidc/callback',
        // The web UI's sign-in form, language switch and accessibility statement.
        'GET /logga-in',
        'POST /logga-in',
        'GET /sprak',
        'GET /tillganglighet',
      ].sort(),
    );
  });

  it('answers 401 with a bilingual body when nobody is signed in', async () => {
    const res = await new HttpSession(t.baseUrl).get('/api/v1/clients');
    expect(res.status).toBe(401);
    const body = res.body;
    expect(body).toMatchObject({ code: 'AUTH.REQUIRED', message: { sv: 'Du behöver logga in.', en: 'You need to sign in.' } });
    expect(body.requestId).toBeTruthy();
  });

  it('refuses a cookie-authenticated write without the CSRF token', async () => {
    const s = await HttpSession.signIn(t.baseUrl, caseworkerA.username);
    const res = await s.withoutCsrf().post('/api/v1/clients', { homeUnitId: world.unitA.id });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('AUTH.CSRF');
  });
});

describe('unit scoping', () => {
  let clientOfB: string;

  beforeAll(async () => {
    const b = await HttpSession.signIn(t.baseUrl, caseworkerB.username);
    const res = await b.post('/api/v1/clients', { homeUnitId: world.unitB.id, birthYear: 1990, sex: 'female' });
    expect(res.status).toBe(201);
    clientOfB = res.body.id;
  });

  it('a caseworker of unit A gets 404, not 403, for a client of unit B — and no audit row', async () => {
    const a = await HttpSession.signIn(t.baseUrl, caseworkerA.username);
    const before = (await auditRows(clientOfB)).length;
    for (const url of [`/api/v1/clients/${clientOfB}`, `/api/v1/clients/${clientOfB}/identity`]) {
      const res = await a.get(url);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('CLIENT.NOT_FOUND');
    }
    const patch = await a.patch(`/api/v1/clients/${clientOfB}`, { birthYear: 1991 });
    expect(patch.status).toBe(404);
    expect((await auditRows(clientOfB)).length).toBe(before);
    const [row] = await t.dataSource.query(`SELECT birth_year FROM client WHERE id = $1`, [clientOfB]);
    expect(row.birth_year).toBe(1990);
  });

  it('a unit head of the parent unit sees clients of every unit below', async () => {
    const head = await HttpSession.signIn(t.baseUrl, unitHeadRoot.username);
    expect((await head.get(`/api/v1/clients/${clientOfB}`)).status).toBe(200);
  });

  it('a caseworker cannot register a client in a unit outside their units', async () => {
    const a = await HttpSession.signIn(t.baseUrl, caseworkerA.username);
    const count = async () => (await t.dataSource.query(`SELECT count(*)::int AS n FROM client WHERE home_unit_id = $1`, [world.unitB.id]))[0].n;
    const before = await count();
    const res = await a.post('/api/v1/clients', { homeUnitId: world.unitB.id });
    expect(res.status).toBe(404);
    expect(await count()).toBe(before);
  });

  it('a caseworker of unit A works in team A1 below it', async () => {
    const a = await HttpSession.signIn(t.baseUrl, caseworkerA.username);
    expect((await a.post('/api/v1/clients', { homeUnitId: world.teamA1.id })).status).toBe(201);
  });
});

describe('roles without individual-level access', () => {
  it('politicians and analysts get 403 on every individual-level route', async () => {
    const individual = listRoutes(t.app).filter((r) => r.permission && INDIVIDUAL_LEVEL_PERMISSIONS.has(r.permission));
    expect(individual.length).toBeGreaterThanOrEqual(6);
    for (const user of [politician, analyst, admin]) {
      const s = await HttpSession.signIn(t.baseUrl, user.username);
      for (const r of individual) {
        // Pages (apps/api/src/web) are served outside the API prefix; they are guarded the same way.
        const prefix = WEB_CONTROLLERS.some((c) => c.name === r.controller) ? '' : '/api/v1';
        const url = `${prefix}${r.path.replace(/:\w+/g, '00000000-0000-4000-8000-000000000000')}`;
        const res = await s.request(r.method, url, r.method === 'GET' ? undefined : { homeUnitId: world.unitA.id });
        expect({ route: `${r.method} ${r.path}`, role: user.role, status: res.status }).toEqual({ route: `${r.method} ${r.path}`, role: user.role, status: 403 });
      }
    }
  });

  it('politicians still reach what they may: their own profile and the org tree', async () => {
    const s = await HttpSession.signIn(t.baseUrl, politician.username);
    expect((await s.get('/api/v1/auth/me')).status).toBe(200);
    expect((await s.get('/api/v1/org-units')).status).toBe(200);
  });
});

describe('audit', () => {
  it('every client read and write leaves exactly one audit row, with actor, role, unit and request id', async () => {
    const s = await HttpSession.signIn(t.baseUrl, caseworkerA.username);
    const created = await s.post('/api/v1/clients', { homeUnitId: world.unitA.id, personalIdentityNumber: PNR }, { 'x-request-id': 'req-create-0001' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(await auditRows(id)).toEqual([
      { action: 'create', resource: 'client', actor_user_id: caseworkerA.id, actor_role: 'caseworker', request_id: 'req-create-0001' },
    ]);
    expect((await s.get(`/api/v1/clients/${id}`)).status).toBe(200);
    expect((await s.patch(`/api/v1/clients/${id}`, { sex: 'male' })).status).toBe(200);
    expect((await s.post('/api/v1/clients/search', { personalIdentityNumber: PNR })).body.id).toBe(id);
    expect((await s.get(`/api/v1/clients/${id}/identity`)).body.personalIdentityNumber).toBe(PNR);
    const list = await s.get('/api/v1/clients?limit=200');
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain(id);
    expect((await auditRows(id)).map((r: { action: string; resource: string }) => `${r.action}:${r.resource}`)).toEqual([
      'create:client',
      'read:client',
      'update:client',
      'search:client',
      'read:client.identity',
      'list:client',
    ]);
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the audit table', async () => {
    await expect(t.dataSource.query(`UPDATE audit_event SET action = 'read' WHERE id = (SELECT max(id) FROM audit_event)`)).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)`)).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`TRUNCATE audit_event`)).rejects.toThrow(/append-only/);
  });

  it('audit:verify accepts the chain and detects a tampered row', async () => {
    expect((await verifyAuditChain(t.dataSource)).ok).toBe(true);
    const [victim] = await t.dataSource.query(`SELECT id::text AS id, client_pseudonym FROM audit_event WHERE client_pseudonym IS NOT NULL ORDER BY id LIMIT 1`);
    // A superuser could bypass the trigger; the chain is what catches it.
    await t.dataSource.transaction(async (m) => {
      await m.query(`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`);
      await m.query(`UPDATE audit_event SET client_pseudonym = 'K-999999' WHERE id = $1`, [victim.id]);
      await m.query(`ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only`);
    });
    try {
      const result = await verifyAuditChain(t.dataSource);
      expect(result).toMatchObject({ ok: false, firstBrokenId: victim.id, reason: 'hash does not match the row content' });
    } finally {
      await t.dataSource.transaction(async (m) => {
        await m.query(`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`);
        await m.query(`UPDATE audit_event SET client_pseudonym = $2 WHERE id = $1`, [victim.id, victim.client_pseudonym]);
        await m.query(`ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only`);
      });
    }
    expect((await verifyAuditChain(t.dataSource)).ok).toBe(true);
  });
});

describe('personnummer stays out of logs, URLs and job payloads', () => {
  it('is stored only encrypted and never written to a log line or an outbox payload', async () => {
    const s = await HttpSession.signIn(t.baseUrl, caseworkerA.username);
    const pnr = '19121212-1212';
    const created = await s.post('/api/v1/clients', { homeUnitId: world.unitA.id, personalIdentityNumber: pnr });
    expect(created.status).toBe(201);
    await s.post('/api/v1/clients/search', { personalIdentityNumber: pnr });
    await s.post('/api/v1/clients/search', { personalIdentityNumber: '19121212-1213' }); // a failed search too
    const logs = t.logs.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const needle of [...PNR_DIGITS, '191212121212', '1212121212', '19121212-1212', '191212121213']) expect(logs).not.toContain(needle);
    const [row] = await t.dataSource.query(`SELECT identity_ciphertext::text AS c, identity_blind_index AS b FROM client WHERE id = $1`, [created.body.id]);
    expect(row.c).not.toContain('191212121212');
    expect(row.b).not.toContain('191212121212');
    const outbox = await t.dataSource.query(`SELECT payload::text AS p FROM outbox`);
    expect(outbox.length).toBeGreaterThan(0);
    for (const o of outbox) for (const needle of ['191212121212', '198112189876']) expect(o.p).not.toContain(needle);
    const listed = await s.get('/api/v1/clients?limit=200');
    expect(listed.body.items.length).toBeGreaterThan(0);
    const lists = JSON.stringify(listed.body);
    expect(lists).not.toContain('191212121212');
    expect(lists).not.toContain('19121212-1212');
  });

  it('requests that carry it use the body: no route takes it in a path or query', () => {
    for (const r of listRoutes(t.app)) expect(r.path).not.toMatch(/personnummer|identity-number|pnr/i);
  });
});

describe('bad input', () => {
  it('invalid identity numbers get 400 naming the field, and nothing is stored', async () => {
    const s = await HttpSession.signIn(t.baseUrl, caseworkerA.username);
    const count = async () => (await t.dataSource.query(`SELECT count(*)::int AS n FROM client`))[0].n;
    const before = await count();
    const cases: [string, string][] = [
      ['19811218-9875', 'Kontrollsiffran stämmer inte.'],
      ['19810231-1234', 'Personnumret innehåller ett datum som inte finns.'],
      ['19811292-9876', 'Personnumret innehåller ett datum som inte finns.'],
      ['abcdefghij', 'Personnumret ska skrivas ÅÅÅÅMMDD-NNNN (eller ÅÅMMDD-NNNN).'],
    ];
    for (const [input, sv] of cases) {
      const res = await s.post('/api/v1/clients', { homeUnitId: world.unitA.id, personalIdentityNumber: input });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('IDENTITY_NUMBER.INVALID');
      expect(res.body.fields).toEqual([expect.objectContaining({ field: 'personalIdentityNumber', sv })]);
    }
    const unknownField = await s.post('/api/v1/clients', { homeUnitId: world.unitA.id, isAdmin: true });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.fields[0]).toMatchObject({ field: 'isAdmin', sv: 'isAdmin: Fältet är inte tillåtet.' });
    const proto = await s.post('/api/v1/clients', '{"homeUnitId":"' + world.unitA.id + '","__proto__":{"admin":true}}');
    expect(proto.status).toBe(400);
    expect(proto.body.message.sv).toBeTruthy();
    expect(await count()).toBe(before);
  });

  it('a samordningsnummer is accepted and its real birth year recorded', async () => {
    const s = await HttpSession.signIn(t.baseUrl, caseworkerA.username);
    const res = await s.post('/api/v1/clients', { homeUnitId: world.unitA.id, personalIdentityNumber: '701063-2391' });
    expect(res.status).toBe(201);
    expect(res.body.birthYear).toBe(1970);
  });

  it('a second client with the same identity number is a 409', async () => {
    const s = await HttpSession.signIn(t.baseUrl, caseworkerA.username);
    const res = await s.post('/api/v1/clients', { homeUnitId: world.unitA.id, personalIdentityNumber: PNR });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CLIENT.IDENTITY_EXISTS');
  });
});
