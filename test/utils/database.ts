import type { DataSource } from 'typeorm';
import { createDataSource, migrate } from '#persistence';

/** The test database URL prepared by globalSetup (embedded or DATABASE_URL). */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run tests through jest (globalSetup prepares the database).');
  return url;
}

/** A DataSource on the migrated test database (the first test file to get here migrates it, under a lock). */
export async function openTestDataSource(): Promise<DataSource> {
  const ds = createDataSource(testDatabaseUrl(), { poolSize: 4, applicationName: 'matpunkt-test' });
  await ds.initialize();
  await migrate(ds);
  return ds;
}
