import 'reflect-metadata';
import { getConfig } from '#config';
import { createLogger } from '#logging';
import { resolveDatabase } from '#persistence';
import { createApiApp } from './create-api-app.js';

async function bootstrap(): Promise<void> {
  const config = getConfig();
  const logger = createLogger({ level: config.logLevel, name: 'api' });
  const database = await resolveDatabase(config, logger);
  const app = await createApiApp({ databaseUrl: database.url, redisUrl: config.redisUrl, logger });
  await app.listen({ port: config.port, host: '0.0.0.0' });
  logger.info({ port: config.port, queue: config.redisUrl ? 'redis' : 'postgres' }, 'Mätpunkt API listening');
}

bootstrap().catch((error: unknown) => {
  // Config errors list every bad variable; print them plainly.
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
