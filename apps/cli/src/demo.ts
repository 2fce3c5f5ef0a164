import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { getConfig } from '#config';
import { createLogger } from '#logging';
import { createDataSource, migrate, resolveDatabase } from '#persistence';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from './demo-seed.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * `npm run demo`: the whole platform on embedded defaults. Starts (or reuses) the database,
 * migrates, seeds an empty one, then runs the API and the worker as two processes, as in production.
 */
async function main(): Promise<void> {
  const config = getConfig();
  const logger = createLogger({ level: config.logLevel, name: 'demo' });
  const database = await resolveDatabase(config, logger);
  const ds = createDataSource(database.url, { poolSize: 2, applicationName: 'matpunkt-demo' });
  await ds.initialize();
  await migrate(ds);
  const started = Date.now();
  if (await seedDemo(ds)) logger.info({ ms: Date.now() - started }, 'seeded the demo municipality');
  await ds.destroy();

  // The children inherit this environment (their own config validates it), plus the resolved database.
  // eslint-disable-next-line no-restricted-syntax
  const env = { ...process.env, DATABASE_URL: database.url };
  const children: ChildProcess[] = [
    spawn(process.execPath, [resolve(here, '../../api/src/main.js')], { env, stdio: 'inherit' }),
    spawn(process.execPath, [resolve(here, '../../worker/src/main.js')], { env, stdio: 'inherit' }),
  ];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    await database.stop();
    process.exit(code);
  };
  for (const c of children) c.once('exit', (code) => void stop(code ?? 1));
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  const url = `http://localhost:${config.port}`;
  // Print the banner once the API answers, so the URL works when it is shown.
  for (let i = 0; i < 600 && !stopping; i++) {
    const ready = await fetch(`${url}/health/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  process.stdout.write(
    [
      '',
      `Mätpunkt körs på / is running at ${url}`,
      `  API-dokumentation / API docs: ${url}/api/docs`,
      `  Demokonton / demo accounts (lösenord / password: ${DEMO_PASSWORD}):`,
      ...DEMO_USERS.map((u) => `    ${u.username.padEnd(14)} ${u.role}`),
      `  Databas / database: ${config.databaseUrl ? 'DATABASE_URL' : `embedded PostgreSQL, ${config.embeddedPg.dir}`}; kö / queue: ${config.redisUrl ? 'Redis' : 'BullMQ on PostgreSQL'}`,
      '  Stoppa med Ctrl+C / stop with Ctrl+C',
      '',
    ].join('\n'),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
