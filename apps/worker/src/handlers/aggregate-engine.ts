import type { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AggregationEngine, recomputeJobId } from '#aggregation';
import { JobName, JobProducer } from '#jobs';

/** A large batch waits this long, so a stream of writes makes one municipality-wide recompute every few seconds. */
export const LARGE_BATCH_DEBOUNCE_MS = 2000;

/** The worker's aggregation engine: recompute jobs go through the one producer, coalesced by job id. */
export const AGGREGATION_ENGINE_PROVIDER: Provider = {
  provide: AggregationEngine,
  inject: [DataSource, JobProducer],
  useFactory: (ds: DataSource, producer: JobProducer) =>
    new AggregationEngine(ds, async (requests) => {
      await Promise.all(
        requests.map((r) =>
          producer.enqueue(
            { name: JobName.AggregateRecomputeScope, data: { municipalityId: r.municipalityId, scopeKey: r.scopeKey } },
            // Removed when done, so the same id can name the next request once this one has run (scope.ts).
            {
              jobId: recomputeJobId(r.scopeKey, r.computedSeq),
              removeOnComplete: true,
              removeOnFail: true,
              delay: r.scopeKey.startsWith('largebatch:') ? LARGE_BATCH_DEBOUNCE_MS : undefined,
            },
          ),
        ),
      );
    }),
};
