import 'reflect-metadata';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { AuditFlushSubscriber } from '#audit';
import { MIGRATIONS } from '#migrations';
import { ENTITIES } from './entities/index.js';
import { InstrumentRepository } from './repositories/instrument.repository.js';

/**
 * The one DataSource definition, used by the API, the worker, the CLI (migrations, demo) and tests.
 * Schema changes only through migrations/: synchronize is never on.
 */
export function createDataSource(url: string, opts: { poolSize?: number; applicationName?: string } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    subscribers: [AuditFlushSubscriber],
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: {
      max: opts.poolSize ?? 10,
      application_name: opts.applicationName ?? 'matpunkt',
      // The aggregate rebuild works in temporary tables of a few hundred MB at large-city scale; with the default
      // 8 MB of local buffers every scan of them goes through the kernel. Allocated only as temp tables fill.
      options: '-c temp_buffers=256MB',
    },
  });
}

/**
 * Runs every pending migration, then installs the built-in instruments, one process at a time (API,
 * worker and CLI may all start together). The advisory lock lives on its own connection, so a
 * DataSource with a pool of one cannot deadlock on it. Returns the names of the migrations run.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const lock = new pg.Client({ connectionString: (dataSource.options as { url: string }).url });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(7367877)');
    const done = await dataSource.runMigrations({ transaction: 'each' });
    // Built-in instruments are reference data every database needs; installed whole or not at all.
    await dataSource.transaction((m) => new InstrumentRepository(m).installBuiltIns());
    return done.map((m) => m.name);
  } finally {
    await lock.end().catch(() => undefined); // ending the session releases the lock
  }
}
