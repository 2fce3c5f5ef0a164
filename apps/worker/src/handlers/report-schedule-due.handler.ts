import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { swedishToday } from '#domain';
import { type JobData, JobName, JobProducer } from '#jobs';
import { latestCompletedPeriod, ReportRepository, reportJobId } from '#reports';
import type { JobHandler } from '../job-handler.js';

/**
 * Daily: every active definition whose latest period has ended and has no report yet gets one generation job, with
 * the deterministic id `report.<definitionId>.<period>`, so a second run (or a second worker) enqueues nothing new.
 */
@Injectable()
export class ReportScheduleDueHandler implements JobHandler<JobName.ReportScheduleDue> {
  readonly name = JobName.ReportScheduleDue;

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(JobProducer) private readonly producer: JobProducer,
  ) {}

  async handle(data: JobData<JobName.ReportScheduleDue>) {
    const today = data.today ?? swedishToday();
    const repo = new ReportRepository(this.ds);
    const due: { definitionId: string; periodKey: string; jobId: string }[] = [];
    for (const d of await repo.listActiveDefinitions()) {
      if (data.municipalityId && d.municipalityId !== data.municipalityId) continue;
      const periodKey = latestCompletedPeriod(d.periodKind, today);
      if (await repo.hasReport(d.id, periodKey)) continue;
      const jobId = reportJobId(d.id, periodKey);
      await this.producer.enqueue(
        { name: JobName.ReportGenerate, data: { municipalityId: d.municipalityId, definitionId: d.id, periodKey, trigger: 'schedule', requestedBy: null, regenerate: false } },
        { jobId },
      );
      due.push({ definitionId: d.id, periodKey, jobId });
    }
    return { today, enqueued: due };
  }
}
