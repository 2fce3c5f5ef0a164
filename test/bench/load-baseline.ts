// The load benchmark's baseline (docs/benchmarks.md, "Load"): a bare NestJS 12 + Fastify app with one endpoint
// that INSERTs one row through `pg`. No guard, session, validation pipe, audit or transaction: the floor that
// any NestJS write on this machine and database pays. Started as its own process by test/bench/load.ts:
//   DATABASE_URL=postgres://… PORT=… node dist/test/bench/load-baseline.js
import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Inject, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';

const POOL = 'BENCH_PG_POOL';

@Controller()
class InsertController {
  constructor(@Inject(POOL) private readonly pool: pg.Pool) {}

  /** One row, the request body as jsonb (the same PHQ-9 body the recording benchmark sends). */
  @Post('insert')
  @HttpCode(201)
  async insert(@Body() body: unknown): Promise<{ id: string }> {
    const { rows } = await this.pool.query<{ id: string }>('INSERT INTO bench_load_insert (payload) VALUES ($1) RETURNING id', [JSON.stringify(body)]);
    return { id: rows[0]!.id };
  }

  @Get('ready')
  ready(): { ok: true } {
    return { ok: true };
  }
}

@Module({
  controllers: [InsertController],
  // The same pool size as the API's (apps/api/src/app.module.ts: poolSize 20).
  providers: [{ provide: POOL, useFactory: () => new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20, application_name: 'matpunkt-bench-baseline' }) }],
})
class BaselineModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BaselineModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen({ port: Number(process.env.PORT ?? 3999), host: '127.0.0.1' });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
