// Import benchmark (not in CI): npm run bench:import [-- --responses 100000]
// Generates N responses (≈ 8.5 item answers each), imports them through the worker's ImportRunner into a
// fresh database, then COPYs the same item answers into a bare table with PostgreSQL's COPY FROM STDIN.
// The ratio of the two rates is the figure (docs/benchmarks.md, "Import").
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Permission, scopeFor } from '#access';
import { getConfig } from '#config';
import { createDataSource, IdentityCrypto, ImportRepository, migrate, UserRepository } from '#persistence';
import { ImportRunner } from '../../apps/worker/src/handlers/import-runner.js';
import { createImportWorld, IMPORT_FIXED_COLUMNS, importRows, toCsv } from '../factories/import-file.factory.js';

const TODAY = '2026-06-15';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

async function main(): Promise<void> {
  const responses = Number(arg('responses', '100000'));
  const url = new URL(arg('database', process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/matpunkt_bench_import'));
  const dbName = url.pathname.slice(1);
  if (!dbName.includes('bench')) throw new Error(`Refusing to recreate database "${dbName}": its name must contain "bench".`);

  // A fresh database every run.
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const [{ server_version: version }] = (await admin.query('SHOW server_version')).rows;
  await admin.end();

  const ds = createDataSource(url.toString(), { poolSize: 4, applicationName: 'matpunkt-bench-import' });
  await ds.initialize();
  await migrate(ds);
  const w = await createImportWorld(ds);
  const opts = { responses, unitCode: w.world.unitA.code, methodCode: w.methodCode, today: TODAY, refPrefix: 'BENCH', identityEvery: 10 };

  let t0 = Date.now();
  const csv = toCsv(importRows(opts));
  const answerRows: string[] = [];
  let header = true;
  let n = 0;
  for (const row of importRows(opts)) {
    if (header) {
      header = false;
      continue;
    }
    const items = row.slice(IMPORT_FIXED_COLUMNS.length);
    const responseId = `00000000-0000-4000-8000-${String(n++).padStart(12, '0')}`;
    for (const [i, v] of items.entries()) if (v !== '') answerRows.push(`${responseId}\tcol${i}\t${v}\t\\N\n`);
  }
  const answers = answerRows.length;
  process.stdout.write(`generated ${responses} responses, ${answers} item answers, ${(csv.length / 1e6).toFixed(1)} MB CSV in ${Date.now() - t0} ms\n`);

  // 1. The import, as the worker runs it (one transaction, set-based).
  const { pii } = getConfig();
  const runner = new ImportRunner(ds, new IdentityCrypto(pii.encryptionKey, pii.indexKey), () => TODAY);
  const actor = (await new UserRepository(ds).loadActor(w.unitHead.id, 'session'))!;
  const content = Buffer.from(csv, 'utf8');
  const job = await new ImportRepository(ds.manager).createJob(scopeFor(actor, Permission.ImportRun), {
    orgUnitId: w.world.unitA.id,
    createdBy: actor.userId,
    dryRun: false,
    format: 'csv',
    sha256: createHash('sha256').update(content).digest('hex'),
    content,
  });
  t0 = Date.now();
  const summary = await runner.run(job.id);
  const importSeconds = (Date.now() - t0) / 1000;
  if (!summary || summary.state !== 'succeeded' || summary.rowsImported !== responses) {
    throw new Error(`import did not succeed: ${JSON.stringify(summary?.errors.slice(0, 5) ?? summary)}`);
  }
  const timings = summary.result.timingsMs as Record<string, number>;

  // 2. The same item answers through PostgreSQL's raw COPY into a bare table (no keys, no indexes, no checks).
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query(`CREATE TABLE bench_answer_copy (response_id uuid, item_id text, value_numeric numeric, value_text text)`);
  t0 = Date.now();
  await pipeline(Readable.from(answerRows), client.query(copyFrom(`COPY bench_answer_copy FROM STDIN`)));
  const copySeconds = (Date.now() - t0) / 1000;
  const [{ count }] = (await client.query(`SELECT count(*)::int AS count FROM bench_answer_copy`)).rows;
  if (count !== answers) throw new Error(`COPY loaded ${count} rows, expected ${answers}`);
  await client.end();

  // 3. A re-run of the same file (idempotency: adds nothing).
  const again = await new ImportRepository(ds.manager).createJob(scopeFor(actor, Permission.ImportRun), {
    orgUnitId: w.world.unitA.id,
    createdBy: actor.userId,
    dryRun: false,
    format: 'csv',
    sha256: createHash('sha256').update(content).digest('hex'),
    content,
  });
  t0 = Date.now();
  const rerun = await runner.run(again.id);
  const rerunSeconds = (Date.now() - t0) / 1000;
  await ds.destroy();

  const importRate = answers / importSeconds;
  const copyRate = answers / copySeconds;
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), postgres: version, node: process.version },
    responses,
    answers,
    import: { seconds: importSeconds, answersPerSecond: Math.round(importRate), responsesPerSecond: Math.round(responses / importSeconds), timingsMs: timings },
    rawCopy: { seconds: copySeconds, answersPerSecond: Math.round(copyRate) },
    ratio: Number((copyRate / importRate).toFixed(2)),
    rerun: { seconds: rerunSeconds, rowsImported: rerun?.rowsImported },
  };
  process.stdout.write(
    `\nimport:   ${importSeconds.toFixed(1)} s  ${Math.round(importRate).toLocaleString('en')} item answers/s (${Math.round(responses / importSeconds).toLocaleString('en')} responses/s)\n` +
      `raw COPY: ${copySeconds.toFixed(1)} s  ${Math.round(copyRate).toLocaleString('en')} item answers/s (bare table)\n` +
      `ratio:    raw COPY is ${result.ratio}× the import rate\n` +
      `re-run:   ${rerunSeconds.toFixed(1)} s, ${rerun?.rowsImported} rows imported\n` +
      `steps:    ${JSON.stringify(timings)}\n\n${JSON.stringify(result)}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
