import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { DataSource as DataSourceToken } from 'typeorm';
import { createLogger } from '#logging';
import { Clock } from '../../apps/api/src/common/clock.js';
import { createApiApp } from '../../apps/api/src/create-api-app.js';
import { openTestDataSource, testDatabaseUrl } from './database.js';

export interface TestApp {
  app: NestFastifyApplication;
  dataSource: DataSource;
  /** Every log line the app wrote, for checks that no personal data reaches the logs. */
  logs: string[];
  /** http://127.0.0.1:<port>: tests talk real HTTP to the listening app. */
  baseUrl: string;
  close(): Promise<void>;
}

/** The production app (same plugins, pipes, filters, boot checks) on the test database, with logs captured. */
export async function createTestApp(opts: { today?: string; clock?: Clock } = {}): Promise<TestApp> {
  const migrated = await openTestDataSource();
  await migrated.destroy();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'info', name: 'api-test', destination: sink });
  const app = await createApiApp({ databaseUrl: testDatabaseUrl(), redisUrl: process.env.REDIS_URL || undefined, logger, swaggerUi: false, clock: opts.clock ?? (opts.today ? fixedClock(opts.today) : undefined) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  return { app, dataSource: app.get(DataSourceToken), logs, baseUrl: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}

/** A clock frozen on one Swedish calendar day; `set` moves it (for journeys over months). */
export function fixedClock(today: string): Clock & { set(day: string): void } {
  let current = today;
  const clock = Object.assign(new Clock(), { set: (day: string) => void (current = day) });
  clock.today = () => current;
  return clock;
}
