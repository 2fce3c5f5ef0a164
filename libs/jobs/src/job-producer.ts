import type { JobsOptions, Queue } from 'bullmq';
import { JOB_QUEUE, type JobItem, QueueName } from './job-names.js';
import type { QueueBackend } from './queue-backend.js';

const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 5000 },
};

/** The one producer: every job enters a queue through here, typed by the JobItem union. */
export class JobProducer {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(private readonly backend: QueueBackend) {
    for (const name of Object.values(QueueName)) {
      this.queues.set(name, backend.createQueue(name, { defaultJobOptions: DEFAULT_JOB_OPTIONS }));
    }
  }

  get backendKind() {
    return this.backend.kind;
  }

  queue(name: QueueName): Queue {
    return this.queues.get(name)!;
  }

  /**
   * Adds a job. A deterministic `jobId` makes a repeated enqueue of the same work a no-op while
   * the first is still known to the queue.
   */
  async enqueue(
    item: JobItem,
    opts: Pick<JobsOptions, 'jobId' | 'delay' | 'removeOnComplete' | 'removeOnFail'> = {},
  ): Promise<string | undefined> {
    const job = await this.queue(JOB_QUEUE[item.name]).add(item.name, item.data, { ...opts });
    return job.id;
  }

  /** Creates or updates a repeating job (idempotent by scheduler id). */
  async schedule(schedulerId: string, pattern: string, item: JobItem): Promise<void> {
    await this.queue(JOB_QUEUE[item.name]).upsertJobScheduler(schedulerId, { pattern, tz: 'Europe/Stockholm' }, { name: item.name, data: item.data });
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}

/** Readiness probe for the queue backend. */
export class QueueHealth {
  constructor(private readonly producer: JobProducer) {}

  get backend() {
    return this.producer.backendKind;
  }

  async ping(): Promise<void> {
    await Promise.race([
      this.producer.queue(QueueName.Maintenance).getJobCounts('waiting'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('queue backend timeout')), 2000)),
    ]);
  }
}
