import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import writeXlsxFile from 'write-excel-file/node';
import { Permission, scopeFor } from '#access';
import { getConfig } from '#config';
import { IdentityCrypto, ImportRepository, UserRepository } from '#persistence';
import { ImportRunner } from '../../apps/worker/src/handlers/import-runner.js';
import { createImportWorld, importRows, importTableCounts, IMPORT_FIXED_COLUMNS, RESPONSES_PER_CLIENT, toCsv } from '../factories/import-file.factory.js';
import { openTestDataSource } from '../utils/database.js';

const TODAY = '2026-06-15';
/**
 * 10,000 responses by default (≈ 85,000 item answers): the 100,000-response file takes longer
 * than a test should on a 2-core machine, so it runs in the benchmark (npm run bench:import, docs/benchmarks.md)
 * and here on demand: IMPORT_TEST_RESPONSES=100000 npm run test:services.
 */
const LARGE = Number(process.env.IMPORT_TEST_RESPONSES ?? 10_000);

let ds: DataSource;
let w: Awaited<ReturnType<typeof createImportWorld>>;
let runner: ImportRunner;

async function submit(file: Buffer | string, opts: { dryRun: boolean; format?: 'csv' | 'xlsx' }) {
  const actor = (await new UserRepository(ds).loadActor(w.unitHead.id, 'session'))!;
  const content = Buffer.isBuffer(file) ? file : Buffer.from(file, 'utf8');
  const job = await new ImportRepository(ds.manager).createJob(scopeFor(actor, Permission.ImportRun), {
    orgUnitId: w.world.unitA.id,
    createdBy: actor.userId,
    dryRun: opts.dryRun,
    format: opts.format ?? 'csv',
    sha256: createHash('sha256').update(content).digest('hex'),
    content,
  });
  const summary = await runner.run(job.id);
  return { summary: summary!, job: (await ds.query(`SELECT * FROM import_job WHERE id = $1`, [job.id]))[0] };
}

beforeAll(async () => {
  ds = await openTestDataSource();
  w = await createImportWorld(ds);
  const { pii } = getConfig();
  runner = new ImportRunner(ds, new IdentityCrypto(pii.encryptionKey, pii.indexKey), () => TODAY);
});

afterAll(async () => {
  await ds?.destroy();
});

describe('bulk import: a large file', () => {
  const opts = () => ({ responses: LARGE, unitCode: w.world.unitA.code, methodCode: w.methodCode, today: TODAY, refPrefix: `L${w.world.suffix}`, identityEvery: 10 });
  let csv: string;
  let answers: number;

  beforeAll(() => {
    csv = toCsv(importRows(opts()));
    answers = 0;
    let header = true;
    for (const row of importRows(opts())) {
      if (header) header = false;
      else answers += row.slice(IMPORT_FIXED_COLUMNS.length).filter((v) => v !== '').length;
    }
  });

  it(`imports ${LARGE.toLocaleString('en')} responses in one transaction, set-based`, async () => {
    const before = await importTableCounts(ds, w.world.municipalityId);
    const started = Date.now();
    const { summary, job } = await submit(csv, { dryRun: false });
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`import of ${LARGE} responses / ${answers} answers: ${seconds.toFixed(1)} s (${Math.round(answers / seconds)} answers/s) ${JSON.stringify(summary.result.timingsMs)}\n`);
    expect(summary.errors).toEqual([]);
    expect(summary).toMatchObject({ state: 'succeeded', rowsTotal: LARGE, rowsImported: LARGE, rowsFailed: 0 });
    expect(job).toMatchObject({ state: 'succeeded', rows_total: LARGE, rows_processed: LARGE, rows_imported: LARGE, phase: null, file_content: null });

    const clients = LARGE / RESPONSES_PER_CLIENT;
    const after = await importTableCounts(ds, w.world.municipalityId);
    expect({
      client: after.client - before.client,
      episode: after.episode - before.episode,
      occasion: after.occasion - before.occasion,
      response: after.response - before.response,
      response_answer: after.response_answer - before.response_answer,
      scale_score: after.scale_score - before.scale_score,
      outbox: after.outbox - before.outbox,
    }).toEqual({
      client: clients,
      episode: clients,
      occasion: clients * 4,
      response: LARGE,
      response_answer: answers,
      scale_score: LARGE,
      outbox: clients * 2, // client.changed + episode.changed
    });

    // Every occasion done on its earliest answer date, windows from the plan; scores as scoreResponse computes them.
    const states = await ds.query(
      `SELECT o.state, count(*)::int AS n, bool_and(o.window_start <= o.due_date AND o.due_date <= o.window_end) AS windows_ok
         FROM occasion o WHERE o.municipality_id = $1 GROUP BY o.state`,
      [w.world.municipalityId],
    );
    expect(states).toEqual([{ state: 'done', n: clients * 4, windows_ok: true }]);
    const [phq] = await ds.query(
      `SELECT count(*)::int AS n, bool_and(s.raw = (SELECT sum(a.value_numeric) FROM response_answer a WHERE a.response_id = r.id AND a.item_id ~ '^phq9_[1-9]$')) AS sums_ok
         FROM response r JOIN instrument i ON i.id = r.instrument_id AND i.code = 'phq9' JOIN scale_score s ON s.response_id = r.id
        WHERE r.municipality_id = $1`,
      [w.world.municipalityId],
    );
    expect(phq).toEqual({ n: LARGE / 2, sums_ok: true });

    // Personnummer encrypted with a blind index, exactly like registration; references stored only as an index.
    const [ids] = await ds.query(
      `SELECT count(*) FILTER (WHERE identity_ciphertext IS NOT NULL)::int AS with_identity, count(DISTINCT identity_blind_index)::int AS indexes
         FROM client WHERE municipality_id = $1`,
      [w.world.municipalityId],
    );
    expect(ids).toEqual({ with_identity: clients / 10, indexes: clients / 10 });
    const crypto = new IdentityCrypto(getConfig().pii.encryptionKey, getConfig().pii.indexKey);
    const [one] = await ds.query(`SELECT identity_ciphertext FROM client WHERE municipality_id = $1 AND identity_ciphertext IS NOT NULL LIMIT 1`, [w.world.municipalityId]);
    expect(crypto.decrypt(w.world.municipalityId, one.identity_ciphertext)).toMatch(/^\d{12}$/);

    // One audit event per imported client: action create, resource import, with the importer as actor.
    const [audit] = await ds.query(
      `SELECT count(*)::int AS n, count(DISTINCT client_id)::int AS clients, bool_and(action = 'create') AS all_create, bool_and(actor_user_id = $2) AS by_importer
         FROM audit_event WHERE municipality_id = $1 AND resource = 'import'`,
      [w.world.municipalityId, w.unitHead.id],
    );
    expect(audit).toEqual({ n: clients, clients, all_create: true, by_importer: true });
  }, 240_000);

  it('a re-run of the same file adds nothing (natural keys), and says it saw the file before', async () => {
    const before = await importTableCounts(ds, w.world.municipalityId);
    const started = Date.now();
    const { summary } = await submit(csv, { dryRun: false });
    process.stdout.write(`re-run: ${((Date.now() - started) / 1000).toFixed(1)} s ${JSON.stringify(summary.result.timingsMs)}\n`);
    expect(summary).toMatchObject({ state: 'succeeded', rowsTotal: LARGE, rowsImported: 0, rowsFailed: 0 });
    expect(summary.result).toMatchObject({
      clients: { created: 0, matched: LARGE / RESPONSES_PER_CLIENT },
      episodes: { created: 0 },
      occasions: { created: 0, markedDone: 0 },
      responses: { created: 0, alreadyPresent: LARGE },
      outboxEvents: 0,
    });
    expect(summary.result.sameFileAs).toMatch(/^[0-9a-f-]{36}$/);
    expect(await importTableCounts(ds, w.world.municipalityId)).toEqual(before);
  }, 240_000);
});

describe('bulk import: dry run and errors', () => {
  const header = [...IMPORT_FIXED_COLUMNS, 'phq9_1', 'phq9_2', 'phq9_3', 'phq9_4', 'phq9_5', 'phq9_6', 'phq9_7', 'phq9_8', 'phq9_9', 'gad7_1'];
  const row = (over: Partial<Record<(typeof header)[number], string>>) => {
    const base: Record<string, string> = {
      client_ref: `E${w.world.suffix}-1`,
      unit_code: w.world.unitA.code,
      method_code: w.methodCode,
      episode_start: '2025-01-10',
      episode_close: '2025-12-01',
      close_reason: 'completed_as_planned',
      occasion: 'start',
      answered_on: '2025-01-12',
      instrument: 'phq9',
      instrument_version: '1',
      sex: 'female',
      birth_year: '1980',
    };
    for (let i = 1; i <= 9; i++) base[`phq9_${i}`] = '1';
    const values = { ...base, ...over };
    return header.map((h) => values[h] ?? '');
  };

  it('a dry run lists every row error (row, column, reason in sv and en) and changes nothing', async () => {
    const rows = [
      header,
      row({}), // row 2: valid
      row({ unit_code: w.world.unitB.code, occasion: 'follow_up:1', answered_on: '2025-07-10' }), // 3: unit outside the import's unit
      row({ method_code: 'NO-SUCH-METHOD' }), // 4
      row({ instrument: 'nosuch', occasion: 'follow_up:2', answered_on: '2026-01-05' }), // 5
      row({ episode_start: '2025-13-01' }), // 6: bad date
      row({ phq9_3: '7', phq9_4: 'x', occasion: 'follow_up:1', answered_on: '2025-07-10' }), // 7: out of range, not a number
      row({}), // 8: duplicate of row 2
      row({ occasion: 'follow_up:3', answered_on: '2025-11-20' }), // 9: follow-up 3 (2026-01-10) is not before the close
      row({ client_ref: `E${w.world.suffix}-2`, episode_close: '', close_reason: '', occasion: 'close' }), // 10: close without a close date
      row({ client_ref: `E${w.world.suffix}-3`, personnummer: '19811218-9877' }), // 11: bad check digit
      row({ client_ref: `E${w.world.suffix}-4`, answered_on: '2024-12-01' }), // 12: before the episode start
      row({ client_ref: `E${w.world.suffix}-5`, gad7_1: '1' }), // 13: item of another instrument
      row({ birth_year: '1981', occasion: 'close', answered_on: '2025-11-30' }), // 14: birth year differs from row 2
      row({ client_ref: `E${w.world.suffix}-6`, instrument: 'gad7', gad7_1: '1', ...Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`phq9_${i + 1}`, ''])) }), // 15: valid (GAD-7 with gaps)
    ];
    const before = await importTableCounts(ds, w.world.municipalityId);
    const { summary, job } = await submit(toCsv(rows), { dryRun: true });
    expect(job.state).toBe('succeeded');
    expect(job.file_content).toBeNull();
    const cells = summary.errors.map((e) => `${e.row}:${e.column}`);
    expect(cells).toEqual([
      '3:unit_code',
      '4:method_code',
      '5:instrument',
      '6:episode_start',
      '7:phq9_3',
      '7:phq9_4',
      '8:occasion',
      '9:occasion',
      '10:occasion',
      '11:personnummer',
      '12:answered_on',
      '13:gad7_1',
      '14:birth_year',
    ]);
    expect(summary.errors.find((e) => e.row === 8)!.reason.en).toMatch(/Duplicate of row 2/);
    expect(summary.errors.find((e) => e.column === 'phq9_3')!.reason).toEqual({ sv: expect.stringContaining('7'), en: expect.stringContaining('not an option') });
    expect(summary).toMatchObject({ rowsTotal: 14, rowsFailed: 12, rowsImported: 0, errorCount: 13 });
    expect(job).toMatchObject({ rows_total: 14, rows_failed: 12, error_count: 13 });
    expect(JSON.stringify(job.errors)).not.toContain('9877');
    expect(await importTableCounts(ds, w.world.municipalityId)).toEqual(before);
  });

  it('a real run of a file with errors is all-or-nothing: it fails and writes nothing', async () => {
    const before = await importTableCounts(ds, w.world.municipalityId);
    const rows = [header, row({ client_ref: `F${w.world.suffix}-1` }), row({ client_ref: `F${w.world.suffix}-2`, phq9_1: '9' })];
    const { summary, job } = await submit(toCsv(rows), { dryRun: false });
    expect(summary).toMatchObject({ state: 'failed', rowsTotal: 2, rowsFailed: 1, rowsImported: 0 });
    expect(job.state).toBe('failed');
    expect(await importTableCounts(ds, w.world.municipalityId)).toEqual(before);
  });

  it('a dry run of a valid file changes nothing and says what it would write', async () => {
    const before = await importTableCounts(ds, w.world.municipalityId);
    const rows = [header, row({ client_ref: `D${w.world.suffix}-1` })];
    const { summary } = await submit(toCsv(rows), { dryRun: true });
    expect(summary).toMatchObject({ state: 'succeeded', rowsFailed: 0, errorCount: 0 });
    expect(summary.result.planned).toMatchObject({ newClients: 1, newEpisodes: 1, responses: 1, answers: 9 });
    expect(await importTableCounts(ds, w.world.municipalityId)).toEqual(before);
  });
});

describe('bulk import: file formats', () => {
  const small = (prefix: string) => ({ responses: 16, unitCode: w.world.unitA.code, methodCode: w.methodCode, today: TODAY, refPrefix: `${prefix}${w.world.suffix}` });

  it('reads a semicolon-separated CSV with a byte-order mark (Swedish Excel)', async () => {
    const { summary } = await submit(`\uFEFF${toCsv(importRows(small('S')), ';')}`, { dryRun: false });
    expect(summary.errors).toEqual([]);
    expect(summary).toMatchObject({ state: 'succeeded', rowsTotal: 16, rowsImported: 16 });
  });

  it('reads the first sheet of an XLSX file, with real dates and numbers in the cells', async () => {
    const [head, ...rest] = [...importRows(small('X'))];
    const dateColumns = new Set(['episode_start', 'episode_close', 'answered_on'].map((c) => head!.indexOf(c)));
    const sheet = [
      head!.map((value) => ({ value })),
      ...rest.map((r) =>
        r.map((value, i) =>
          value === '' ? null : dateColumns.has(i) ? { value: new Date(`${value}T00:00:00Z`), format: 'yyyy-mm-dd' } : /^\d+$/.test(value) && i > 3 ? { value: Number(value) } : { value },
        ),
      ),
    ];
    const file = await writeXlsxFile(sheet as never).toBuffer();
    const { summary } = await submit(file, { dryRun: false, format: 'xlsx' });
    expect(summary.errors).toEqual([]);
    expect(summary).toMatchObject({ state: 'succeeded', rowsTotal: 16, rowsImported: 16 });
  });

  it('reports a file that is not UTF-8, or not XLSX, as one error and writes nothing', async () => {
    const latin1 = Buffer.from('client_ref,sex\nR1,kvinna\n'.replace('client_ref', 'klientreferens'), 'latin1');
    latin1[latin1.indexOf(0x6b)] = 0xe5; // "å" in Latin-1 is not valid UTF-8
    const bad = await submit(latin1, { dryRun: true });
    expect(bad.summary.state).toBe('failed');
    expect(bad.summary.errors[0]!.reason.en).toMatch(/UTF-8/);
    const notXlsx = await submit(Buffer.from('not a zip'), { dryRun: true, format: 'xlsx' });
    expect(notXlsx.summary.errors[0]!.reason.en).toMatch(/XLSX/);
  });

  it('a job that has ended is not run again (a queue retry is a no-op)', async () => {
    const { job } = await submit(toCsv(importRows(small('R'))), { dryRun: true });
    expect(await runner.run(job.id)).toBeNull();
  });
});
