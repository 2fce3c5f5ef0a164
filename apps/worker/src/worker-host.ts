import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Worker } from 'bullmq';
import { JOB_QUEUE, JobName, JobProducer, QueueName, type QueueBackend } from '#jobs';
import { JOB_HANDLERS, type JobHandler } from './job-handler.js';

export const QUEUE_BACKEND = Symbol('QUEUE_BACKEND');

/** Every job name has exactly one handler; checked before any worker starts. */
export function assertOneHandlerPerJob(handlers: readonly JobHandler[]): Map<JobName, JobHandler> {
  const byName = new Map<JobName, JobHandler>();
  const problems: string[] = [];
  for (const h of handlers) {
    if (byName.has(h.name)) problems.push(`${h.name}: more than one handler`);
    byName.set(h.name, h);
  }
  for (const name of Object.values(JobName)) if (!byName.has(name)) problems.push(`${name}: no handler`);
  if (problems.length > 0) throw new Error(`Job handlers are not one per job name:\n  ${problems.join('\n  ')}`);
  return byName;
}

/** Schedules that the worker keeps in place (upsert: idempotent across restarts and replicas). */
export const SCHEDULES = [
  { id: 'audit-verify-nightly', pattern: '15 2 * * *', item: { name: JobName.AuditVerifyChain, data: { trigger: 'schedule' } } },
  { id: 'schedule-advance-nightly', pattern: '5 0 * * *', item: { name: JobName.ScheduleAdvance, data: { trigger: 'schedule' } } },
  { id: 'aggregate-refresh-nightly', pattern: '20 0 * * *', item: { name: JobName.AggregateRefreshDaily, data: { trigger: 'schedule' } } },
  { id: 'log-review-flags-nightly', pattern: '30 1 * * *', item: { name: JobName.LogReviewFlagAccess, data: { trigger: 'schedule' } } },
  { id: 'retention-nightly', pattern: '45 2 * * *', item: { name: JobName.RetentionRun, data: { trigger: 'schedule' } } },
  // After the nightly aggregate rebuild (00:20): the first night after a period ends generates its reports.
  { id: 'report-schedule-daily', pattern: '30 3 * * *', item: { name: JobName.ReportScheduleDue, data: { trigger: 'schedule' } } },
] as const;

/** Starts one BullMQ worker per queue and dispatches jobs to their handler by name. */
@Injectable()
export class WorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHost.name);
  private readonly workers: Worker[] = [];
  private readonly handlers: Map<JobName, JobHandler>;

  constructor(
    @Inject(QUEUE_BACKEND) private readonly backend: QueueBackend,
    @Inject(JobProducer) private readonly producer: JobProducer,
    @Inject(JOB_HANDLERS) handlers: JobHandler[],
  ) {
    this.handlers = assertOneHandlerPerJob(handlers);
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const s of SCHEDULES) await this.producer.schedule(s.id, s.pattern, s.item);
    for (const queue of Object.values(QueueName)) {
      const worker = this.backend.createWorker(
        queue,
        async (job) => {
          const handler = this.handlers.get(job.name as JobName);
          if (!handler || JOB_QUEUE[handler.name] !== queue) throw new Error(`No handler for ${job.name} on ${queue}`);
          return handler.handle(job.data as never, { jobId: job.id, attempt: job.attemptsMade + 1 });
        },
        { concurrency: 4 },
      );
      worker.on('failed', (job, err) => this.logger.warn({ msg: 'job failed', queue, job: job?.name, jobId: job?.id, error: err.message }));
      worker.on('error', (err) => this.logger.error({ msg: 'worker error', queue, error: err.message }));
      this.workers.push(worker);
    }
    this.logger.log({ msg: 'worker started', backend: this.backend.kind, queues: Object.values(QueueName) });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await this.producer.close();
  }
}
