import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '#migrations';
import { ENTITIES } from './entities/index.js';

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
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: opts.poolSize ?? 10, application_name: opts.applicationName ?? 'matpunkt' },
  });
}

/** Runs every pending migration; safe to call from several processes (TypeORM takes a lock table row per run). */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  // One migrator at a time, whichever process gets there first (API, worker and CLI may all start together).
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(7367877)');
    const done = await dataSource.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(7367877)').catch(() => undefined);
    await runner.release();
  }
}
