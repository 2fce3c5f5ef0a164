import { type DynamicModule, Module } from '@nestjs/common';
import { createQueueBackend, JobProducer } from '#jobs';
import { DatabaseModule } from '#persistence';
import { AuditVerifyChainHandler } from './handlers/audit-verify-chain.handler.js';
import { ImportRunHandler } from './handlers/import-run.handler.js';
import { ScheduleAdvanceHandler } from './handlers/schedule-advance.handler.js';
import { AGGREGATION_ENGINE_PROVIDER } from './handlers/aggregate-engine.js';
import { AggregateRebuildHandler } from './handlers/aggregate-rebuild.handler.js';
import { AggregateRecomputeScopeHandler } from './handlers/aggregate-recompute-scope.handler.js';
import { AggregateRefreshDailyHandler } from './handlers/aggregate-refresh-daily.handler.js';
import { JOB_HANDLERS } from './job-handler.js';
import { OutboxRelayService, RELAY_OPTIONS, type RelayOptions } from './outbox-relay.service.js';
import { QUEUE_BACKEND, WorkerHost } from './worker-host.js';
import { LogReviewFlagAccessHandler } from './handlers/log-review-flag-access.handler.js';
import { RetentionRunHandler } from './handlers/retention-run.handler.js';
import { ReportGenerateHandler } from './handlers/report-generate.handler.js';
import { REPORT_GENERATOR_PROVIDER } from './handlers/report-generator.provider.js';
import { ReportScheduleDueHandler } from './handlers/report-schedule-due.handler.js';

const HANDLERS = [
  LogReviewFlagAccessHandler,
  AuditVerifyChainHandler,
  ScheduleAdvanceHandler,
  ImportRunHandler,
  AggregateRecomputeScopeHandler,
  AggregateRebuildHandler,
  AggregateRefreshDailyHandler,
  RetentionRunHandler,
  ReportScheduleDueHandler,
  ReportGenerateHandler,
];

@Module({})
export class WorkerModule {
  static forRoot(opts: { databaseUrl: string; redisUrl?: string; queuePrefix?: string; relay?: RelayOptions }): DynamicModule {
    return {
      module: WorkerModule,
      imports: [DatabaseModule.forRoot(opts.databaseUrl, { applicationName: 'matpunkt-worker', poolSize: 10 })],
      providers: [
        ...HANDLERS,
        { provide: JOB_HANDLERS, useFactory: (...handlers: unknown[]) => handlers, inject: HANDLERS },
        { provide: QUEUE_BACKEND, useFactory: () => createQueueBackend({ ...opts, prefix: opts.queuePrefix }) },
        { provide: JobProducer, useFactory: (backend) => new JobProducer(backend), inject: [QUEUE_BACKEND] },
        AGGREGATION_ENGINE_PROVIDER,
        REPORT_GENERATOR_PROVIDER,
        { provide: RELAY_OPTIONS, useValue: opts.relay ?? { enabled: true } },
        OutboxRelayService,
        WorkerHost,
      ],
    };
  }
}
