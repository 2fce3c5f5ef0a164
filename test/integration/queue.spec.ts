import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { JobName, JobProducer, QueueName } from '#jobs';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';
import { assertOneHandlerPerJob, SCHEDULES } from '../../apps/worker/src/worker-host.js';
import { openTestDataSource, testDatabaseUrl } from '../utils/database.js';

const backend = process.env.REDIS_URL ? 'redis' : 'postgres';
let worker: INestApplicationContext;
let producer: JobProducer;

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  await (await openTestDataSource()).destroy();
  worker = await NestFactory.createApplicationContext(
    // No outbox relay here: this file tests the queue; aggregation.spec.ts runs the relay (and its jobs) on the shared test database.
    WorkerModule.forRoot({ databaseUrl: testDatabaseUrl(), redisUrl: process.env.REDIS_URL || undefined, queuePrefix: `mp-test-${randomUUID().slice(0, 8)}`, relay: { enabled: false } }),
    { logger: false },
  );
  await worker.init();
  producer = worker.get(JobProducer);
});

afterAll(async () => {
  await worker?.close();
});

describe(`BullMQ on ${backend}`, () => {
  it('runs the backend this environment selects', () => {
    expect(producer.backendKind).toBe(backend);
  });

  it('processes a job in the worker and keeps its result', async () => {
    const id = await producer.enqueue({ name: JobName.AuditVerifyChain, data: { trigger: 'manual' } }, { jobId: `verify-${randomUUID()}` });
    const queue = producer.queue(QueueName.Maintenance);
    const result = await waitFor(async () => {
      const job = await queue.getJob(id!);
      return job?.finishedOn ? job.returnvalue : undefined;
    });
    expect(result).toMatchObject({ ok: true });
  });

  it('a deterministic job id makes a repeated enqueue one job', async () => {
    const jobId = `dedup-${randomUUID()}`;
    const queue = producer.queue(QueueName.Maintenance);
    await queue.pause();
    try {
      const first = await producer.enqueue({ name: JobName.AuditVerifyChain, data: { trigger: 'manual' } }, { jobId });
      const second = await producer.enqueue({ name: JobName.AuditVerifyChain, data: { trigger: 'manual' } }, { jobId });
      expect(second).toBe(first);
      const waiting = await queue.getJobs(['waiting', 'prioritized', 'delayed']);
      expect(waiting.filter((j) => j.id === jobId)).toHaveLength(1);
    } finally {
      await queue.resume();
    }
  });

  it('schedules are upserted: restarting the worker does not duplicate them', async () => {
    for (const s of SCHEDULES) await producer.schedule(s.id, s.pattern, s.item);
    const schedulers = await producer.queue(QueueName.Maintenance).getJobSchedulers();
    expect(schedulers.map((s) => s.key ?? s.id).sort()).toEqual(SCHEDULES.map((s) => s.id).sort());
  });

  it('refuses to start with a job name that has no handler or two', () => {
    expect(() => assertOneHandlerPerJob([])).toThrow(/audit.verify-chain: no handler/);
    const h = { name: JobName.AuditVerifyChain, handle: async () => undefined };
    expect(() => assertOneHandlerPerJob([h, h])).toThrow(/more than one handler/);
  });
});
