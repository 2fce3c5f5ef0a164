import { Inject, Injectable, Logger } from '@nestjs/common';
import { type JobData, JobName } from '#jobs';
import { ReportGenerator } from '#reports';
import type { JobHandler } from '../job-handler.js';

/**
 * Generates one result report. Idempotent (docs/reports.md): a second run for the same (definition, period) finds
 * the stored report; a run that crashed before its commit left nothing and simply starts over.
 */
@Injectable()
export class ReportGenerateHandler implements JobHandler<JobName.ReportGenerate> {
  readonly name = JobName.ReportGenerate;
  private readonly logger = new Logger(ReportGenerateHandler.name);

  constructor(@Inject(ReportGenerator) private readonly generator: ReportGenerator) {}

  async handle(data: JobData<JobName.ReportGenerate>) {
    const outcome = await this.generator.generate(data);
    this.logger.log({ msg: 'result report', definitionId: data.definitionId, period: data.periodKey, status: outcome.status, version: outcome.version, reportId: outcome.reportId });
    return outcome;
  }
}
