import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { JobProducer, QueueHealth } from './job-producer.js';
import { createQueueBackend } from './queue-backend.js';

/** The one job producer for the API process, on Redis or on PostgreSQL. */
@Global()
@Module({})
export class JobsModule implements OnApplicationShutdown {
  constructor(@Inject(JobProducer) private readonly producer: JobProducer) {}

  static forRoot(opts: { redisUrl?: string; databaseUrl: string }): DynamicModule {
    return {
      module: JobsModule,
      providers: [
        { provide: JobProducer, useFactory: () => new JobProducer(createQueueBackend(opts)) },
        { provide: QueueHealth, useFactory: (p: JobProducer) => new QueueHealth(p), inject: [JobProducer] },
      ],
      exports: [JobProducer, QueueHealth],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.close();
  }
}
