import 'reflect-metadata';
import { getConfig } from '#config';
import { createLogger } from '#logging';
import { createDataSource, migrate, resolveDatabase } from '#persistence';
import { createApiApp } from './create-api-app.js';

async function bootstrap(): Promise<void> {
  const config = getConfig();
  const logger = createLogger({ level: config.logLevel, name: 'api' });
  const database = await resolveDatabase(config, logger);
  // API and worker both migrate on start, one at a time (advisory lock), so either may start first.
  const ds = createDataSource(database.url, { poolSize: 1, applicationName: 'matpunkt-api-migrate' });
  await ds.initialize();
  await migrate(ds);
  await ds.destroy();
  const app = await createApiApp({ databaseUrl: database.url, redisUrl: config.redisUrl, logger });
  await app.listen({ port: config.port, host: '0.0.0.0' });
  logger.info({ port: config.port, queue: config.redisUrl ? 'redis' : 'postgres' }, 'Mätpunkt API listening');
}

bootstrap().catch((error: unknown) => {
  // Config errors list every bad variable; print them plainly.
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
