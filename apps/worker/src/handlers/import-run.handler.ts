import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { getConfig } from '#config';
import { type JobData, JobName } from '#jobs';
import { IdentityCrypto } from '#persistence';
import type { JobHandler } from '../job-handler.js';
import { ImportRunner, type ImportRunSummary } from './import-runner.js';

/**
 * Runs one uploaded import (docs/import.md). Idempotent: a job that has ended is not run again, and
 * one interrupted mid-way (crash, stalled) starts over — its writes were one transaction that never committed.
 */
@Injectable()
export class ImportRunHandler implements JobHandler<JobName.ImportRun> {
  readonly name = JobName.ImportRun;
  private readonly logger = new Logger(ImportRunHandler.name);
  private readonly runner: ImportRunner;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    const { pii } = getConfig();
    this.runner = new ImportRunner(dataSource, new IdentityCrypto(pii.encryptionKey, pii.indexKey));
  }

  async handle(data: JobData<JobName.ImportRun>): Promise<Omit<ImportRunSummary, 'errors'> | null> {
    const summary = await this.runner.run(data.importJobId);
    if (!summary) return null;
    const { errors: _errors, ...counts } = summary;
    // Ids and counts only: row errors may quote cell values.
    this.logger.log({ msg: 'import finished', importJobId: data.importJobId, state: counts.state, rowsTotal: counts.rowsTotal, rowsImported: counts.rowsImported, rowsFailed: counts.rowsFailed });
    return counts;
  }
}
