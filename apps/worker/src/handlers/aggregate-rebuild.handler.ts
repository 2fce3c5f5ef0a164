import { Inject, Injectable, Logger } from '@nestjs/common';
import { AggregationEngine } from '#aggregation';
import { type JobData, JobName } from '#jobs';
import type { JobHandler } from '../job-handler.js';

/** Rebuilds every aggregate of a municipality (or of all) from source rows. */
@Injectable()
export class AggregateRebuildHandler implements JobHandler<JobName.AggregateRebuild> {
  readonly name = JobName.AggregateRebuild;
  private readonly logger = new Logger(AggregateRebuildHandler.name);

  constructor(@Inject(AggregationEngine) private readonly engine: AggregationEngine) {}

  async handle(data: JobData<JobName.AggregateRebuild>) {
    const result = data.municipalityId ? await this.engine.rebuild(data.municipalityId) : await this.engine.rebuildAll();
    this.logger.log({ msg: 'aggregates rebuilt', trigger: data.trigger, municipalityId: data.municipalityId, ...result });
    return result;
  }
}
