import { createPostgresBackend, createRedisBackend, Queue, Worker, type Processor, type WorkerOptions, type QueueOptions } from 'bullmq';

export type QueueBackendKind = 'redis' | 'postgres';

/**
 * One code path for BullMQ on either backend: REDIS_URL set → Redis (ioredis); unset → BullMQ's
 * PostgreSQL backend in its own schema of the application database, migrated by BullMQ itself.
 */
export interface QueueBackend {
  kind: QueueBackendKind;
  createQueue(name: string, opts?: Omit<QueueOptions, 'connection'>): Queue;
  createWorker(name: string, processor: Processor, opts?: Omit<WorkerOptions, 'connection'>): Worker;
}

export const BULLMQ_PG_SCHEMA = 'bullmq';

export function createQueueBackend(opts: { redisUrl?: string; databaseUrl: string; prefix?: string }): QueueBackend {
  const prefix = opts.prefix ?? 'mp';
  if (opts.redisUrl) {
    const url = new URL(opts.redisUrl);
    const connection = {
      host: url.hostname,
      port: Number(url.port || 6379),
      username: url.username || undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
      tls: url.protocol === 'rediss:' ? {} : undefined,
      // BullMQ workers need blocking commands without a per-request retry limit.
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
    };
    return {
      kind: 'redis',
      createQueue: (name, o) => new Queue(name, { ...o, prefix, connection }, createRedisBackend),
      createWorker: (name, processor, o) => new Worker(name, processor, { ...o, prefix, connection }, createRedisBackend),
    };
  }
  const connection = { connectionString: opts.databaseUrl, schema: BULLMQ_PG_SCHEMA, migrate: true, max: 5 };
  const make = <T>(build: () => T) => build();
  return {
    kind: 'postgres',
    createQueue: (name, o) =>
      make(() => new (Queue as any)(name, { ...o, prefix, connection }, createPostgresBackend) as Queue),
    createWorker: (name, processor, o) =>
      make(() => new (Worker as any)(name, processor, { ...o, prefix, connection }, createPostgresBackend) as Worker),
  };
}
