import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { swedishToday } from '#aggregation';
import { type JobData, JobName, JobProducer } from '#jobs';
import type { JobHandler } from '../job-handler.js';

/**
 * Nightly: periods (R12) and "occasions due so far" move with the date, and built-in instrument definitions may
 * change on upgrade without an outbox row, so each municipality is rebuilt once a day (a fan-out of rebuild jobs).
 */
@Injectable()
export class AggregateRefreshDailyHandler implements JobHandler<JobName.AggregateRefreshDaily> {
  readonly name = JobName.AggregateRefreshDaily;

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(JobProducer) private readonly producer: JobProducer,
  ) {}

  async handle(data: JobData<JobName.AggregateRefreshDaily>) {
    const rows: { id: string }[] = await this.ds.query(`SELECT id FROM municipality`);
    const day = swedishToday();
    for (const { id } of rows) {
      await this.producer.enqueue({ name: JobName.AggregateRebuild, data: { municipalityId: id, trigger: data.trigger } }, { jobId: `rebuild.${id}.${day}` });
    }
    return { municipalities: rows.length };
  }
}
