import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readSheet } from 'read-excel-file/node';
import { Role } from '#domain';
import { ChromiumPdfRenderer, ReportGenerator } from '#reports';
import { type TestUser, TEST_PASSWORD, WorldFactory } from '../factories/world.factory.js';
import { buildReportCohort, pdfPagesToPng, REPORT_PERIOD, REPORT_TODAY } from '../integration/report-fixture.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';

const FORMULA_NAME = "=HYPERLINK(\"http://evil.example\",\"klicka\")";
let t: TestApp;
let cohort: Awaited<ReturnType<typeof buildReportCohort>>;
let users: Record<'unitHead' | 'unitHeadA' | 'caseworker' | 'analyst' | 'politician' | 'admin', TestUser>;
let politicianDefinition: string;
let politicianReport: string;
let managementReport: string;

/** A signed-in client that keeps bytes as bytes (PDF, XLSX). */
async function rawSession(username: string) {
  const res = await fetch(`${t.baseUrl}/api/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: TEST_PASSWORD }) });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('mp_session='))!.split(';')[0]!;
  return async (url: string) => {
    const r = await fetch(`${t.baseUrl}${url}`, { headers: { cookie } });
    return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
  };
}

beforeAll(async () => {
  t = await createTestApp({ today: REPORT_TODAY });
  cohort = await buildReportCohort(t.dataSource, { adm2Name: FORMULA_NAME });
  const w = cohort.c.world;
  const f = new WorldFactory(t.dataSource);
  users = {
    unitHead: await f.user(w.municipalityId, Role.UnitHead, w.root),
    unitHeadA: await f.user(w.municipalityId, Role.UnitHead, w.unitA),
    caseworker: await f.user(w.municipalityId, Role.Caseworker, w.root),
    analyst: await f.user(w.municipalityId, Role.Analyst, w.root),
    politician: await f.user(w.municipalityId, Role.Politician, w.root),
    admin: await f.user(w.municipalityId, Role.Admin, w.root),
  };
  // The whole municipality has two roots: the unit head and the politician hold their roles in both.
  for (const u of [users.unitHead, users.politician, users.admin, users.analyst]) {
    await t.dataSource.query(`INSERT INTO membership (user_id, org_unit_id, role) VALUES ($1, $2, $3)`, [u.id, cohort.adm2.id, u.role]);
  }
  await t.dataSource.query(`UPDATE outbox SET sent_at = now() WHERE municipality_id = $1`, [w.municipalityId]);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

const as = (u: TestUser) => HttpSession.signIn(t.baseUrl, u.username);

describe('report definitions', () => {
  it('a unit head defines a politicians\' report for the municipality; sections default to all, in report order', async () => {
    const s = await as(users.unitHead);
    const res = await s.post('/api/v1/reports/definitions', { name: 'Nämndens halvårsrapport', scopeKind: 'municipality', audience: 'politicians', periodKind: 'half_year' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ scopeKind: 'municipality', scopeId: cohort.c.world.municipalityId, audience: 'politicians', language: 'sv', active: true });
    expect(res.body.sections[0]).toBe('how_to_read');
    politicianDefinition = res.body.id;
    const audit = await t.dataSource.query(`SELECT action, purpose FROM audit_event WHERE resource = $1`, [`report_definition:${politicianDefinition}`]);
    expect(audit).toEqual([{ action: 'create', purpose: 'administration' }]);
  });

  it('refuses bad input with 400, roles without the permission with 403, and scopes outside the user\'s units', async () => {
    const s = await as(users.unitHead);
    for (const body of [
      { name: 'x', scopeKind: 'county', audience: 'politicians', periodKind: 'half_year' },
      { name: 'x', scopeKind: 'municipality', audience: 'politicians', periodKind: 'quarter' },
      { name: 'x', scopeKind: 'municipality', audience: 'politicians', periodKind: 'year', sections: ['outcomes', 'gossip'] },
      { name: 'x', scopeKind: 'municipality', audience: 'politicians', periodKind: 'year', extra: 1 },
      { name: '', scopeKind: 'municipality', audience: 'politicians', periodKind: 'year' },
    ]) {
      expect((await s.post('/api/v1/reports/definitions', body)).status).toBe(400);
    }
    const unitForPoliticians = await s.post('/api/v1/reports/definitions', { name: 'x', scopeKind: 'unit', scopeId: cohort.c.world.unitA.id, audience: 'politicians', periodKind: 'year' });
    expect(unitForPoliticians.status).toBe(400);
    expect(unitForPoliticians.body.code).toBe('REPORT.LEVEL_NOT_ALLOWED');
    const outside = await (await as(users.unitHeadA)).post('/api/v1/reports/definitions', { name: 'x', scopeKind: 'unit', scopeId: cohort.c.world.unitB.id, audience: 'management', periodKind: 'year' });
    expect(outside.status).toBe(400);
    for (const u of [users.caseworker, users.politician, users.analyst]) {
      expect((await (await as(u)).post('/api/v1/reports/definitions', { name: 'x', scopeKind: 'municipality', audience: 'politicians', periodKind: 'year' })).status).toBe(403);
    }
    expect((await (await as(users.unitHeadA)).get(`/api/v1/reports/definitions/${politicianDefinition}`)).status).toBe(404);
  });

  it('"generate now" queues the worker job for the latest ended period (202); a period not yet ended is refused', async () => {
    const s = await as(users.unitHead);
    const res = await s.post(`/api/v1/reports/definitions/${politicianDefinition}/generate`, {});
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ period: REPORT_PERIOD, jobId: `report.${politicianDefinition}.${REPORT_PERIOD}.manual`, state: 'queued' });
    expect((await s.post(`/api/v1/reports/definitions/${politicianDefinition}/generate`, { period: '2026-H2' })).status).toBe(400);
    expect((await s.post(`/api/v1/reports/definitions/${politicianDefinition}/generate`, { period: '2026' })).status).toBe(400);
  });
});

describe('downloads', () => {
  beforeAll(async () => {
    // What the queued job does in the worker (the worker itself is covered by test/integration/report.spec.ts).
    const generator = new ReportGenerator(t.dataSource, new ChromiumPdfRenderer(), () => REPORT_TODAY);
    const base = { municipalityId: cohort.c.world.municipalityId, periodKey: REPORT_PERIOD, trigger: 'manual' as const, requestedBy: users.unitHead.id, regenerate: true };
    politicianReport = (await generator.generate({ ...base, definitionId: politicianDefinition })).reportId;
    const s = await as(users.unitHead);
    const m = await s.post('/api/v1/reports/definitions', { name: 'Ledningsrapport', scopeKind: 'administration', scopeId: cohort.c.world.root.id, audience: 'management', periodKind: 'half_year' });
    managementReport = (await generator.generate({ ...base, definitionId: m.body.id })).reportId;
  }, 120_000);

  it('a politician lists and downloads the politicians\' report as HTML and PDF, each download audit-logged without client ids', async () => {
    const s = await as(users.politician);
    const list = await s.get('/api/v1/reports');
    expect(list.status).toBe(200);
    expect(list.body.map((r: any) => r.id)).toEqual([politicianReport]);
    const get = await rawSession(users.politician.username);
    const html = await get(`/api/v1/reports/${politicianReport}/html`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html.body.toString('utf8')).toContain('Resultatrapport för första halvåret 2026');
    const pdf = await get(`/api/v1/reports/${politicianReport}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const pages = await pdfPagesToPng(pdf.body);
    expect(pages.length).toBeGreaterThanOrEqual(1);
    const audit = await t.dataSource.query(`SELECT resource, purpose, client_id, client_pseudonym FROM audit_event WHERE actor_user_id = $1 AND resource LIKE 'result_report:%' ORDER BY id`, [users.politician.id]);
    expect(audit).toEqual([
      { resource: `result_report:${politicianReport}:v1:html`, purpose: 'administration', client_id: null, client_pseudonym: null },
      { resource: `result_report:${politicianReport}:v1:pdf`, purpose: 'administration', client_id: null, client_pseudonym: null },
    ]);
  }, 60_000);

  it('the management report is for unit heads over its scope: a politician, an admin and a unit head of one unit get 404', async () => {
    for (const u of [users.politician, users.admin, users.unitHeadA]) {
      expect((await (await as(u)).get(`/api/v1/reports/${managementReport}/html`)).status).toBe(404);
    }
    const ok = await (await as(users.unitHead)).get(`/api/v1/reports/${managementReport}/html`);
    expect(ok.status).toBe(200);
    expect((await (await as(users.analyst)).get(`/api/v1/reports/${politicianReport}/html`)).status).toBe(403);
    expect((await (await as(users.caseworker)).get(`/api/v1/reports`)).status).toBe(403);
  });
});

describe('exports', () => {
  const countMeasure = /(^|\.)(n|nClients|nPairs|numerator|denominator|started|active|closed)$/;

  it('CSV: UTF-8 with BOM, the politician\'s suppression (no count below 5), ".." for hidden cells', async () => {
    const get = await rawSession(users.politician.username);
    const res = await get(`/api/v1/exports/aggregates/municipality?format=csv&period=${REPORT_PERIOD}&breakdown=sex`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    expect([...res.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = res.body.toString('utf8').slice(1).trim().split('\r\n').map((l) => l.split(';'));
    expect(lines[0]).toEqual(['section', 'subject', 'breakdown', 'measure', 'value']);
    const counts = lines.slice(1).filter((l) => countMeasure.test(l[3]!) && /^\d+$/.test(l[4]!));
    expect(counts.length).toBeGreaterThan(5);
    for (const l of counts) expect(Number(l[4]) === 0 || Number(l[4]) >= 5).toBe(true);
    // Method M2 has 3 episodes: hidden, and so is method M (20) since the total (23) is shown.
    const byMethod = lines.filter((l) => l[0] === 'episodes' && l[1] !== '*' && l[3] === 'started');
    expect(byMethod.map((l) => l[4])).toEqual(['..', '..']);
    const audit = await t.dataSource.query(`SELECT resource FROM audit_event WHERE actor_user_id = $1 AND resource LIKE 'aggregate_export:%'`, [users.politician.id]);
    expect(audit).toEqual([{ resource: `aggregate_export:municipality:${cohort.c.world.municipalityId}:${REPORT_PERIOD}:sex:csv` }]);
  });

  it('neutralises a text cell that starts with "=" (a unit named like a formula) in CSV and XLSX', async () => {
    const get = await rawSession(users.politician.username);
    const csv = await get(`/api/v1/exports/aggregates/units/${cohort.adm2.id}?format=csv&period=${REPORT_PERIOD}`);
    expect(csv.status).toBe(200);
    const text = csv.body.toString('utf8');
    expect(text).toContain(`scope;;;scope.name;"'=HYPERLINK(""http://evil.example"",""klicka"")"`);
    expect(text).not.toMatch(/[;\n]=HYPERLINK/);
    const counts = text.split('\r\n').map((l) => l.split(';')).filter((l) => countMeasure.test(l[3] ?? '') && /^\d+$/.test(l[4] ?? ''));
    for (const l of counts) expect(Number(l[4]) === 0 || Number(l[4]) >= 5).toBe(true);
    const xlsx = await get(`/api/v1/exports/aggregates/units/${cohort.adm2.id}?format=xlsx&period=${REPORT_PERIOD}`);
    expect(xlsx.status).toBe(200);
    const rows = await readSheet(xlsx.body);
    expect(rows.find((r) => r[3] === 'scope.name')?.[4]).toBe(`'${FORMULA_NAME}`);
  });

  it('refuses an unknown format and levels a politician may not see', async () => {
    const s = await as(users.politician);
    expect((await s.get(`/api/v1/exports/aggregates/municipality?format=ods`)).status).toBe(400);
    expect((await s.get(`/api/v1/exports/aggregates/units/${cohort.c.world.unitA.id}?format=csv`)).status).toBe(403);
  });
});

describe('the aggregates API behind the report, for a politician', () => {
  it('hides per-method episode counts together (M2 = 3 and M = 20), so the shown total cannot give one back', async () => {
    const res = await (await as(users.politician)).get(`/api/v1/aggregates/municipality?period=${REPORT_PERIOD}`);
    expect(res.status).toBe(200);
    const byMethod = res.body.episodesByMethod as { started: number | null }[];
    expect(byMethod).toHaveLength(2);
    expect(byMethod.map((m) => m.started)).toEqual([null, null]);
  });
});
