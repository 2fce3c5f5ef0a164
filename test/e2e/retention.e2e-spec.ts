import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '#domain';
import { getConfig } from '#config';
import { IdentityCrypto, runRetention } from '#persistence';
import { RetentionFixture } from '../factories/retention.factory.js';
import { WorldFactory } from '../factories/world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';

const ON = '2026-01-01';

let t: TestApp;
let f: RetentionFixture;
let admin: HttpSession;

async function clientCount(): Promise<number> {
  const [r] = await t.dataSource.query(`SELECT count(*)::int AS n FROM client WHERE municipality_id = $1`, [f.municipalityId]);
  return r.n;
}

beforeAll(async () => {
  t = await createTestApp();
  f = await RetentionFixture.create(t.dataSource);
  await f.client('2019-05-01');
  await f.client('2018-05-01', { identity: '198503051234' });
  await f.client('2022-05-01');
  const users = new WorldFactory(t.dataSource);
  admin = await HttpSession.signIn(t.baseUrl, (await users.user(f.municipalityId, Role.Admin, f.base.world.root)).username);
});

afterAll(async () => {
  await t?.close();
});

describe('GET /api/v1/retention/dry-run', () => {
  it('reports, for the admin’s municipality only, what a run would delete and keep, and changes nothing', async () => {
    const before = await clientCount();
    const res = await admin.get(`/api/v1/retention/dry-run?on=${ON}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ referenceDate: ON, cutoffDate: '2021-01-01', rule: { years: 5, keepBirthDays: [5, 15, 25] } });
    expect(res.body.municipalities).toHaveLength(1);
    expect(res.body.municipalities[0]).toMatchObject({
      municipalityId: f.municipalityId,
      expected: 2,
      toDelete: 1,
      kept: 1,
      keptByReason: { research_birth_day: 1 },
      heldByOpenEpisode: 0,
      toDeleteByLastEntryYear: { '2019': 1 },
      rows: { client: 1, episode: 1, response: 1 },
    });
    // Counts only: no client id or pseudonym in the report.
    expect(JSON.stringify(res.body)).not.toMatch(/K-\d{6}/);
    expect(res.body.municipalities[0].deleteIds).toBeUndefined();
    expect(await clientCount()).toBe(before);
  });

  it('defaults to today in Sweden', async () => {
    const res = await admin.get('/api/v1/retention/dry-run');
    expect(res.status).toBe(200);
    expect(res.body.referenceDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(res.body.cutoffDate).toBe(`${Number(res.body.referenceDate.slice(0, 4)) - 5}-01-01`);
  });

  it('refuses a bad date and unknown parameters (400)', async () => {
    expect((await admin.get('/api/v1/retention/dry-run?on=2026-02-30')).status).toBe(400);
    expect((await admin.get('/api/v1/retention/dry-run?on=tomorrow')).status).toBe(400);
    expect((await admin.get('/api/v1/retention/dry-run?municipalityId=x')).status).toBe(400);
  });

  it('is for administrators of a top unit only', async () => {
    const users = new WorldFactory(t.dataSource);
    const unitAdmin = await HttpSession.signIn(t.baseUrl, (await users.user(f.municipalityId, Role.Admin, f.base.world.unitA)).username);
    expect((await unitAdmin.get('/api/v1/retention/dry-run')).body.code).toBe('RETENTION.MUNICIPALITY_ADMIN_ONLY');
    expect((await unitAdmin.get('/api/v1/retention/dry-run')).status).toBe(403);
    for (const role of [Role.UnitHead, Role.Caseworker, Role.Analyst, Role.Politician]) {
      const s = await HttpSession.signIn(t.baseUrl, (await users.user(f.municipalityId, role, f.base.world.root)).username);
      expect((await s.get('/api/v1/retention/dry-run')).status).toBe(403);
      expect((await s.get('/api/v1/retention/runs')).status).toBe(403);
    }
    expect((await new HttpSession(t.baseUrl).get('/api/v1/retention/dry-run')).status).toBe(401);
  });
});

describe('GET /api/v1/retention/runs', () => {
  it('lists the municipality’s runs with their reconciliation, newest first', async () => {
    const { pii } = getConfig();
    let result;
    do {
      result = await runRetention(t.dataSource, new IdentityCrypto(pii.encryptionKey, pii.indexKey), {
        rule: { years: 5, keepBirthDays: [5, 15, 25] },
        referenceDate: ON,
        trigger: 'manual',
        batchSize: 100,
        municipalityId: f.municipalityId,
      });
    } while (result.locked);
    const res = await admin.get('/api/v1/retention/runs?limit=5');
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toMatchObject({
      municipalityId: f.municipalityId,
      trigger: 'manual',
      state: 'succeeded',
      referenceDate: ON,
      expected: 2,
      deleted: 1,
      kept: 1,
      keptByReason: { research_birth_day: 1 },
      difference: 0,
      remainingDue: 0,
      deletedRows: { client: 1, episode: 1 },
    });
    expect((await admin.get('/api/v1/retention/runs?limit=0')).status).toBe(400);
  });
});
