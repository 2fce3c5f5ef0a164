import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AggregationEngine, OutboxRelay } from '#aggregation';
import { JobName, JobProducer } from '#jobs';

export const RELAY_OPTIONS = Symbol('RELAY_OPTIONS');
export interface RelayOptions {
  enabled: boolean;
  pollMs?: number;
  sweepMs?: number;
}

/** Runs the outbox → queue relay (and the sweep of lost recompute requests) inside the worker process. */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  readonly relay: OutboxRelay;

  constructor(
    @Inject(DataSource) ds: DataSource,
    @Inject(AggregationEngine) private readonly engine: AggregationEngine,
    @Inject(JobProducer) private readonly producer: JobProducer,
    @Inject(RELAY_OPTIONS) private readonly options: RelayOptions,
  ) {
    this.relay = new OutboxRelay(
      ds,
      engine,
      async (municipalityId, tag) => {
        await producer.enqueue({ name: JobName.AggregateRebuild, data: { municipalityId, trigger: 'manual' } }, { jobId: `rebuild.${municipalityId}.o${tag}` });
      },
      {
        pollMs: options.pollMs,
        sweepMs: options.sweepMs,
        onError: (e) => this.logger.warn({ msg: 'outbox relay failed; rows stay unsent and are retried', error: e instanceof Error ? e.message : String(e) }),
      },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.enabled) return;
    // A municipality whose cells were never built (new install, or the upgrade that introduced them) is rebuilt
    // once; until then its client batches start from empty cells, which the rebuild replaces.
    for (const municipalityId of await this.engine.municipalitiesWithoutCells()) {
      await this.producer.enqueue({ name: JobName.AggregateRebuild, data: { municipalityId, trigger: 'manual' } }, { jobId: `rebuild.${municipalityId}.cells` });
      this.logger.log({ msg: 'aggregate cells missing; rebuild enqueued', municipalityId });
    }
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
