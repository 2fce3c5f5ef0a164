import { type DynamicModule, Module } from '@nestjs/common';
import { createQueueBackend, JobProducer } from '#jobs';
import { DatabaseModule } from '#persistence';
import { AuditVerifyChainHandler } from './handlers/audit-verify-chain.handler.js';
import { ScheduleAdvanceHandler } from './handlers/schedule-advance.handler.js';
import { JOB_HANDLERS } from './job-handler.js';
import { QUEUE_BACKEND, WorkerHost } from './worker-host.js';

const HANDLERS = [AuditVerifyChainHandler, ScheduleAdvanceHandler];

@Module({})
export class WorkerModule {
  static forRoot(opts: { databaseUrl: string; redisUrl?: string; queuePrefix?: string }): DynamicModule {
    return {
      module: WorkerModule,
      imports: [DatabaseModule.forRoot(opts.databaseUrl, { applicationName: 'matpunkt-worker', poolSize: 10 })],
      providers: [
        ...HANDLERS,
        { provide: JOB_HANDLERS, useFactory: (...handlers: unknown[]) => handlers, inject: HANDLERS },
        { provide: QUEUE_BACKEND, useFactory: () => createQueueBackend({ ...opts, prefix: opts.queuePrefix }) },
        { provide: JobProducer, useFactory: (backend) => new JobProducer(backend), inject: [QUEUE_BACKEND] },
        WorkerHost,
      ],
    };
  }
}
