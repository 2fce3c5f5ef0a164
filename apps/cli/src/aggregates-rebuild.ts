import 'reflect-metadata';
import { AggregationEngine } from '#aggregation';
import { getConfig } from '#config';
import { createLogger } from '#logging';
import { createDataSource, migrate, resolveDatabase } from '#persistence';

/** `npm run aggregates:rebuild`: rebuilds every aggregate of every municipality from the source rows. */
async function main(): Promise<void> {
  const config = getConfig();
  const logger = createLogger({ level: 'warn', name: 'aggregates-rebuild' });
  const database = await resolveDatabase(config, logger);
  const ds = createDataSource(database.url, { poolSize: 2, applicationName: 'matpunkt-aggregates-rebuild' });
  await ds.initialize();
  await migrate(ds);
  // Jobs of the requests still pending are the worker's; the rebuild only moves computed_seq forward.
  const result = await new AggregationEngine(ds, async () => undefined).rebuildAll();
  await ds.destroy();
  await database.stop();
  process.stdout.write(
    `Aggregates rebuilt / Sammanställningarna ombyggda: ${result.municipalities} municipalities, ${result.scopes} scopes in ${result.ms} ms.\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(2);
});
