import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Worker } from 'bullmq';
import writeXlsxFile from 'write-excel-file/node';
import { Role, swedishToday } from '#domain';
import { createQueueBackend, QueueName } from '#jobs';
import { XLSX_MEDIA_TYPE } from '#imports';
import { ImportRunHandler } from '../../apps/worker/src/handlers/import-run.handler.js';
import { createImportWorld, importRows, importTableCounts, toCsv } from '../factories/import-file.factory.js';
import { WorldFactory, type TestUser } from '../factories/world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';
import { testDatabaseUrl } from '../utils/database.js';

let t: TestApp;
let w: Awaited<ReturnType<typeof createImportWorld>>;
let worker: Worker;
let unitHeadB: TestUser;
const tokens = new Map<string, string>();

/** An API token for the user: uploads are raw bodies, sent with Bearer auth as an integration would. */
async function token(user: TestUser): Promise<string> {
  if (!tokens.has(user.id)) {
    const s = await HttpSession.signIn(t.baseUrl, user.username);
    const res = await s.post('/api/v1/auth/api-tokens', { name: 'import' });
    expect(res.status).toBe(201);
    tokens.set(user.id, res.body.token);
  }
  return tokens.get(user.id)!;
}

async function call(user: TestUser, method: string, path: string, body?: Buffer | string, contentType?: string) {
  const res = await fetch(`${t.baseUrl}${path}`, {
    method,
    body,
    headers: { authorization: `Bearer ${await token(user)}`, ...(contentType ? { 'content-type': contentType } : {}) },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function finished(user: TestUser, id: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await call(user, 'GET', `/api/v1/imports/${id}`);
    expect(res.status).toBe(200);
    if (res.body.state === 'succeeded' || res.body.state === 'failed') return res.body;
    if (Date.now() > deadline) throw new Error(`import ${id} did not finish: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const file = (prefix: string, responses = 24) =>
  [...importRows({ responses, unitCode: w.world.unitA.code, methodCode: w.methodCode, today: swedishToday(), refPrefix: `${prefix}${w.world.suffix}`, identityEvery: 3 })];

beforeAll(async () => {
  t = await createTestApp();
  w = await createImportWorld(t.dataSource);
  unitHeadB = await new WorldFactory(t.dataSource).user(w.world.municipalityId, Role.UnitHead, w.world.unitB);
  // Only the imports queue: the worker process's other queues belong to other suites.
  const backend = createQueueBackend({ databaseUrl: testDatabaseUrl(), redisUrl: process.env.REDIS_URL || undefined });
  const handler = new ImportRunHandler(t.dataSource);
  worker = backend.createWorker(QueueName.Imports, (job) => handler.handle(job.data), { concurrency: 1 });
});

afterAll(async () => {
  await worker?.close();
  await t?.close();
});

describe('POST /api/v1/imports', () => {
  it('a unit head imports a CSV file: 202 with a queued job, then progress and counts on GET', async () => {
    const before = await importTableCounts(t.dataSource, w.world.municipalityId);
    const res = await call(w.unitHead, 'POST', `/api/v1/imports?unitId=${w.world.unitA.id}&dryRun=false`, toCsv(file('H')), 'text/csv; charset=utf-8');
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ state: 'queued', dryRun: false, format: 'csv', orgUnitId: w.world.unitA.id, rowsTotal: 0 });
    expect(res.body.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(res.body).not.toHaveProperty('fileContent');
    const job = await finished(w.unitHead, res.body.id);
    expect(job).toMatchObject({ state: 'succeeded', phase: null, rowsTotal: 24, rowsProcessed: 24, rowsImported: 24, rowsFailed: 0, errorCount: 0, errors: [] });
    expect(job.result).toMatchObject({ clients: { created: 3 }, episodes: { created: 3 }, responses: { created: 24 } });
    const after = await importTableCounts(t.dataSource, w.world.municipalityId);
    expect(after.response - before.response).toBe(24);
    // One audit event per client, by the importer, and the file itself is gone.
    const audit = await t.dataSource.query(`SELECT action, actor_user_id, request_id FROM audit_event WHERE resource = 'import' AND request_id = $1`, [`import-${res.body.id}`]);
    expect(audit).toHaveLength(3);
    expect(audit.every((a: any) => a.action === 'create' && a.actor_user_id === w.unitHead.id)).toBe(true);
    const [stored] = await t.dataSource.query(`SELECT file_content FROM import_job WHERE id = $1`, [res.body.id]);
    expect(stored.file_content).toBeNull();
  });

  it('a dry run (the default) of an XLSX file checks every row and changes nothing', async () => {
    const rows = file('X', 16);
    rows[3]![rows[0]!.indexOf('phq9_2')] = '5';
    const xlsx = await writeXlsxFile(rows.map((r) => r.map((value) => (value === '' ? null : { value }))) as never).toBuffer();
    const before = await importTableCounts(t.dataSource, w.world.municipalityId);
    const res = await call(w.unitHead, 'POST', `/api/v1/imports?unitId=${w.world.unitA.id}`, xlsx, XLSX_MEDIA_TYPE);
    expect(res.status).toBe(202);
    expect(res.body.dryRun).toBe(true);
    const job = await finished(w.unitHead, res.body.id);
    expect(job).toMatchObject({ state: 'succeeded', rowsTotal: 16, rowsFailed: 1, errorCount: 1 });
    expect(job.errors).toEqual([{ row: 4, column: 'phq9_2', reason: { sv: expect.stringContaining('5'), en: expect.stringContaining('5 is not an option') } }]);
    expect(await importTableCounts(t.dataSource, w.world.municipalityId)).toEqual(before);
  });

  it('a unit outside the user’s units is a 404, and no job is created', async () => {
    const [{ n: before }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM import_job WHERE municipality_id = $1`, [w.world.municipalityId]);
    const res = await call(w.unitHead, 'POST', `/api/v1/imports?unitId=${w.world.unitB.id}&dryRun=false`, toCsv(file('B')), 'text/csv');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'ORG_UNIT.NOT_FOUND', message: { sv: expect.any(String), en: expect.any(String) } });
    const [{ n: after }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM import_job WHERE municipality_id = $1`, [w.world.municipalityId]);
    expect(after).toBe(before);
  });

  it('politicians and caseworkers get 403', async () => {
    for (const user of [w.politician, w.caseworker]) {
      const res = await call(user, 'POST', `/api/v1/imports?unitId=${w.world.unitA.id}`, toCsv(file('P')), 'text/csv');
      expect({ role: user.role, status: res.status }).toEqual({ role: user.role, status: 403 });
    }
  });

  it('refuses other media types and bad query parameters, changing nothing', async () => {
    const json = await call(w.unitHead, 'POST', `/api/v1/imports?unitId=${w.world.unitA.id}`, '{"a":1}', 'application/json');
    expect(json.status).toBe(400);
    expect(json.body.code).toBe('IMPORT.UNSUPPORTED_MEDIA_TYPE');
    const plain = await call(w.unitHead, 'POST', `/api/v1/imports?unitId=${w.world.unitA.id}`, 'a,b', 'text/plain');
    expect(plain.status).toBe(400);
    expect(plain.body.code).toBe('IMPORT.UNSUPPORTED_MEDIA_TYPE');
    const badQuery = await call(w.unitHead, 'POST', `/api/v1/imports?unitId=nope&dryRun=maybe`, 'a,b', 'text/csv');
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['dryRun', 'unitId']);
    // The CSV parser (and its larger limit) exists on the import route only.
    expect((await call(w.unitHead, 'POST', '/api/v1/clients', 'a,b', 'text/csv')).status).toBe(415);
  });
});

describe('GET /api/v1/imports/:id', () => {
  it('a job of another unit is a 404', async () => {
    const res = await call(w.unitHead, 'POST', `/api/v1/imports?unitId=${w.world.unitA.id}`, toCsv(file('G', 8)), 'text/csv');
    expect(res.status).toBe(202);
    expect((await call(unitHeadB, 'GET', `/api/v1/imports/${res.body.id}`)).status).toBe(404);
    expect((await call(w.politician, 'GET', `/api/v1/imports/${res.body.id}`)).status).toBe(403);
    await finished(w.unitHead, res.body.id);
  });
});
