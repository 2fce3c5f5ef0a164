import type { Logger } from 'pino';
import pg from 'pg';
import type { AppConfig } from '#config';
import { startEmbeddedPostgres } from './embedded-postgres.js';

/**
 * DATABASE_URL set → that server. Unset → the embedded PostgreSQL on its fixed local port: reused
 * when another Mätpunkt process (e.g. `npm run demo`) already started it, started here otherwise.
 */
export async function resolveDatabase(config: AppConfig, logger: Logger): Promise<{ url: string; stop: () => Promise<void> }> {
  if (config.databaseUrl) return { url: config.databaseUrl, stop: async () => undefined };
  const url = `postgres://matpunkt:matpunkt-local@127.0.0.1:${config.embeddedPg.port}/matpunkt`;
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await probe.connect();
    await probe.end();
    logger.info({ port: config.embeddedPg.port }, 'using the running embedded PostgreSQL');
    return { url, stop: async () => undefined };
  } catch {
    await probe.end().catch(() => undefined);
  }
  logger.info({ port: config.embeddedPg.port, dir: config.embeddedPg.dir }, 'starting embedded PostgreSQL');
  const handle = await startEmbeddedPostgres({
    dir: config.embeddedPg.dir,
    port: config.embeddedPg.port,
    database: 'matpunkt',
    log: (line) => logger.debug({ postgres: line }),
  });
  return handle;
}
