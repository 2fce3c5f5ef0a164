// Result report benchmark (not in CI): npm run bench:report [-- --source matpunkt_bench] [--runs 3] [--sample docs/sample-report]
// Copies the aggregation benchmark's dataset (test/bench/aggregation.mjs: 220 000 episodes, ≈ 2.3 million responses in
// matpunkt_bench on 127.0.0.1:5432) into matpunkt_bench_report with CREATE DATABASE … TEMPLATE, so the source stays
// untouched; migrates it, rebuilds the aggregates when none are stored, then times generating the municipality report
// (read aggregates → model → HTML → PDF with Chromium → stored) for politicians and for management.
import 'reflect-metadata';
import { cpus, totalmem } from 'node:os';
import { writeFile } from 'node:fs/promises';
import pg from 'pg';
import { AggregationEngine } from '#aggregation';
import { swedishToday } from '#domain';
import { createDataSource, migrate } from '#persistence';
import { ChromiumPdfRenderer, latestCompletedPeriod, REPORT_SECTIONS, ReportGenerator, ReportRepository } from '#reports';
import { seedDemo } from '../../apps/cli/src/demo-seed.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const SOURCE = arg('source', 'matpunkt_bench');
const TARGET = 'matpunkt_bench_report';
const RUNS = Number(arg('runs', '3'));
const SAMPLE = arg('sample', '');
const LIMIT_MS = 10_000;
const log = (...a: unknown[]) => console.log(new Date().toISOString().slice(11, 19), ...a);

/**
 * `--demo-sample <path>`: the demo municipality (Exempelkommun, the seed of `npm run demo`) in a scratch database,
 * its politicians' report for the last ended half-year written to <path>.html and <path>.pdf (docs/sample-report.*).
 */
async function demoSample(path: string): Promise<void> {
  const db = 'matpunkt_bench_report_sample';
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  const ds = createDataSource(`postgres://postgres@127.0.0.1:5432/${db}`, { poolSize: 4 });
  await ds.initialize();
  await migrate(ds);
  await seedDemo(ds);
  const [{ id: mun }] = await ds.query(`SELECT id FROM municipality`);
  await new AggregationEngine(ds, async () => undefined).rebuild(mun);
  const [{ id: admin_ }] = await ds.query(`SELECT id FROM app_user WHERE username = 'admin'`);
  const d = await new ReportRepository(ds).createDefinition({ municipalityId: mun, name: 'Socialnämndens resultatrapport', scopeKind: 'municipality', scopeId: mun, audience: 'politicians', periodKind: 'half_year', sections: [...REPORT_SECTIONS], language: 'sv', createdBy: admin_ });
  const period = latestCompletedPeriod('half_year', swedishToday());
  const outcome = await new ReportGenerator(ds, new ChromiumPdfRenderer(), () => swedishToday()).generate({ municipalityId: mun, definitionId: d.id, periodKey: period, trigger: 'manual', requestedBy: admin_, regenerate: false });
  const [r] = await ds.query(`SELECT html, pdf FROM result_report WHERE id = $1`, [outcome.reportId]);
  await writeFile(`${path}.html`, r.html);
  await writeFile(`${path}.pdf`, r.pdf);
  log(`demo sample (${period}) written to ${path}.html and ${path}.pdf`);
  await ds.destroy();
}

async function main(): Promise<void> {
  const sample = arg('demo-sample', '');
  if (sample) return demoSample(sample);
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  const exists = (await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [TARGET])).rowCount;
  if (!exists || process.argv.includes('--fresh')) {
    log(`copying ${SOURCE} → ${TARGET}`);
    await admin.query(`DROP DATABASE IF EXISTS ${TARGET} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TARGET} TEMPLATE ${SOURCE}`);
    // The copy starts without planner statistics or a visibility map (autovacuum would give a live database both).
    const copy = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${TARGET}` });
    await copy.connect();
    await copy.query('VACUUM ANALYZE');
    await copy.end();
  }
  await admin.end();
  const ds = createDataSource(`postgres://postgres@127.0.0.1:5432/${TARGET}`, { poolSize: 4 });
  await ds.initialize();
  await migrate(ds);
  const [{ id: mun, name }] = await ds.query(`SELECT id, name FROM municipality ORDER BY code LIMIT 1`);
  const [{ responses }] = await ds.query(`SELECT count(*)::int AS responses FROM response`);
  const [{ figures }] = await ds.query(`SELECT count(*)::int AS figures FROM aggregate_figure WHERE municipality_id = $1`, [mun]);
  if (figures === 0) {
    log('no aggregates stored: rebuilding');
    const r = await new AggregationEngine(ds, async () => undefined).rebuild(mun);
    log(`rebuild: ${(r.ms / 1000).toFixed(1)} s`);
  }
  const [user] = await ds.query(`SELECT id FROM app_user WHERE municipality_id = $1 LIMIT 1`, [mun]);
  const creator =
    user?.id ??
    (await ds.query(`INSERT INTO app_user (municipality_id, username, display_name, password_hash) VALUES ($1, 'bench', 'Bench', 'x') RETURNING id`, [mun]))[0].id;
  const period = latestCompletedPeriod('half_year', swedishToday());
  const repo = new ReportRepository(ds);
  const generator = new ReportGenerator(ds, new ChromiumPdfRenderer(), () => swedishToday());
  log(`${name}: ${responses} responses, period ${period}; machine ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
  const results: { audience: string; run: number; htmlMs: number; totalMs: number; bytes: number; pdfBytes: number }[] = [];
  for (const audience of ['politicians', 'management'] as const) {
    for (let run = 1; run <= RUNS; run++) {
      // A fresh definition per run, so every run generates and stores a report (none exists for it yet).
      const d = await repo.createDefinition({ municipalityId: mun, name: `Bench ${audience} ${run}`, scopeKind: 'municipality', scopeId: mun, audience, periodKind: 'half_year', sections: [...REPORT_SECTIONS], language: 'sv', createdBy: creator });
      const t0 = Date.now();
      const html = await generator.renderHtml(d, period);
      const htmlMs = Date.now() - t0;
      const t1 = Date.now();
      const outcome = await generator.generate({ municipalityId: mun, definitionId: d.id, periodKey: period, trigger: 'manual', requestedBy: creator, regenerate: false });
      const totalMs = Date.now() - t1;
      const [{ pdf_bytes }] = await ds.query(`SELECT length(pdf) AS pdf_bytes FROM result_report WHERE id = $1`, [outcome.reportId]);
      results.push({ audience, run, htmlMs, totalMs, bytes: html.html.length, pdfBytes: Number(pdf_bytes) });
      log(`${audience} run ${run}: HTML alone ${htmlMs} ms; full generation (HTML + PDF + store) ${totalMs} ms; HTML ${html.html.length} B, PDF ${pdf_bytes} B`);
      if (SAMPLE && audience === 'politicians' && run === 1) {
        const [r] = await ds.query(`SELECT html, pdf FROM result_report WHERE id = $1`, [outcome.reportId]);
        await writeFile(`${SAMPLE}.html`, r.html);
        await writeFile(`${SAMPLE}.pdf`, r.pdf);
        log(`sample written to ${SAMPLE}.html and ${SAMPLE}.pdf`);
      }
    }
  }
  await ds.query(`DELETE FROM result_report WHERE definition_id IN (SELECT id FROM report_definition WHERE name LIKE 'Bench %')`);
  await ds.query(`DELETE FROM report_definition WHERE name LIKE 'Bench %'`);
  await ds.destroy();
  const worst = Math.max(...results.map((r) => r.totalMs));
  log(`worst full generation ${worst} ms (limit ${LIMIT_MS} ms): ${worst <= LIMIT_MS ? 'PASS' : 'FAIL'}`);
  if (worst > LIMIT_MS) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
