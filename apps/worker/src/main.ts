import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { getConfig } from '#config';
import { createLogger, PinoNestLogger } from '#logging';
import { migrate, createDataSource, resolveDatabase } from '#persistence';
import { WorkerModule } from './worker.module.js';

/** The worker: no HTTP server, only BullMQ processors and job schedulers. */
async function bootstrap(): Promise<void> {
  const config = getConfig();
  const logger = createLogger({ level: config.logLevel, name: 'worker' });
  const database = await resolveDatabase(config, logger);
  const ds = createDataSource(database.url, { poolSize: 1 });
  await ds.initialize();
  await migrate(ds);
  await ds.destroy();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot({ databaseUrl: database.url, redisUrl: config.redisUrl }), {
    logger: new PinoNestLogger(logger),
  });
  app.enableShutdownHooks();
  await app.init();
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
