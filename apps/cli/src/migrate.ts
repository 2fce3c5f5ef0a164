import 'reflect-metadata';
import { getConfig } from '#config';
import { createLogger } from '#logging';
import { createDataSource, migrate, resolveDatabase } from '#persistence';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database). */
async function main(): Promise<void> {
  const config = getConfig();
  const logger = createLogger({ level: config.logLevel, name: 'migrate' });
  const database = await resolveDatabase(config, logger);
  const ds = createDataSource(database.url, { poolSize: 1, applicationName: 'matpunkt-migrate' });
  await ds.initialize();
  const applied = await migrate(ds);
  await ds.destroy();
  await database.stop();
  process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
