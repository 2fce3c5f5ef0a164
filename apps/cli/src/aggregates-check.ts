import 'reflect-metadata';
import { AggregationEngine } from '#aggregation';
import { getConfig } from '#config';
import { createLogger } from '#logging';
import { createDataSource, resolveDatabase } from '#persistence';

/**
 * `npm run aggregates:check`: recomputes every municipality into scratch tables in one snapshot and diffs against
 * the stored aggregates. Prints each difference; exit code 1 if there is any, 0 when stored = fresh.
 */
async function main(): Promise<void> {
  const config = getConfig();
  const logger = createLogger({ level: 'warn', name: 'aggregates-check' });
  const database = await resolveDatabase(config, logger);
  const ds = createDataSource(database.url, { poolSize: 2, applicationName: 'matpunkt-aggregates-check' });
  await ds.initialize();
  const engine = new AggregationEngine(ds, async () => undefined);
  const municipalities: { id: string; code: string }[] = await ds.query(`SELECT id, code FROM municipality ORDER BY code`);
  let total = 0;
  for (const m of municipalities) {
    const started = Date.now();
    const r = await engine.check(m.id);
    total += r.total;
    process.stdout.write(`${m.code}: ${r.total} differences, ${r.pending} scopes pending (${Date.now() - started} ms)\n`);
    for (const d of r.differences) process.stdout.write(`  ${d.side.padEnd(11)} ${d.table} ${d.key}\n`);
  }
  await ds.destroy();
  await database.stop();
  process.stdout.write(total === 0 ? 'Aggregates consistent / Sammanställningarna stämmer: 0 differences.\n' : `AGGREGATES DIFFER / SAMMANSTÄLLNINGARNA SKILJER SIG: ${total} differences.\n`);
  if (total > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(2);
});
