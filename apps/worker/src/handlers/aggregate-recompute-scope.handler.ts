import { Inject, Injectable } from '@nestjs/common';
import { AggregationEngine } from '#aggregation';
import { type JobData, JobName } from '#jobs';
import type { JobHandler } from '../job-handler.js';

/** Recomputes one scope from source rows; a repeat is a no-op once the scope is computed (idempotent). */
@Injectable()
export class AggregateRecomputeScopeHandler implements JobHandler<JobName.AggregateRecomputeScope> {
  readonly name = JobName.AggregateRecomputeScope;

  constructor(@Inject(AggregationEngine) private readonly engine: AggregationEngine) {}

  handleAggregateRecomputeScope(data: JobData<JobName.AggregateRecomputeScope>) {
    return this.engine.recompute(data.municipalityId, data.scopeKey);
  }

  handle(data: JobData<JobName.AggregateRecomputeScope>) {
    return this.handleAggregateRecomputeScope(data);
  }
}
