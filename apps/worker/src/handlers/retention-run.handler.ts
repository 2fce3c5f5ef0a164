import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { swedishToday } from '#domain';
import { getConfig } from '#config';
import { AggregationEngine } from '#aggregation';
import { type JobData, JobName } from '#jobs';
import { IdentityCrypto, runRetention, type RetentionRunResult } from '#persistence';
import type { JobHandler } from '../job-handler.js';

/**
 * The nightly retention run (gallring, docs/retention.md): deletes every client record whose deadline has
 * come, keeps those an exception covers, and reconciles per municipality. Idempotent: each batch commits
 * on its own, and a re-run (after a crash, or the same night) plans from what remains. The birth day of
 * the research exception is read by decrypting the stored identity number here, in the worker only.
 */
@Injectable()
export class RetentionRunHandler implements JobHandler<JobName.RetentionRun> {
  readonly name = JobName.RetentionRun;
  private readonly logger = new Logger(RetentionRunHandler.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(AggregationEngine) private readonly engine: AggregationEngine,
  ) {}

  async handle(data: JobData<JobName.RetentionRun>): Promise<RetentionRunResult> {
    const { pii, retention } = getConfig();
    const referenceDate = data.today ?? swedishToday();
    const result = await runRetention(this.dataSource, new IdentityCrypto(pii.encryptionKey, pii.indexKey), {
      rule: { years: retention.years, keepBirthDays: retention.keepBirthDays },
      batchSize: retention.batchSize,
      referenceDate,
      trigger: data.trigger,
      beforeDelete: (tx, municipalityId, clientIds) => this.engine.forgetClients(tx, municipalityId, clientIds),
      onRun: (run) => {
        const entry = {
          msg: 'retention run reconciled',
          runId: run.id,
          municipalityId: run.municipalityId,
          referenceDate,
          cutoffDate: run.cutoffDate,
          expected: run.expected,
          deleted: run.deleted,
          kept: run.kept,
          keptByReason: run.keptByReason,
          skipped: run.skipped,
          difference: run.difference,
          remainingDue: run.remainingDue,
          heldByOpenEpisode: run.heldByOpenEpisode,
        };
        if (run.difference === 0 && run.remainingDue === 0) this.logger.log(entry);
        else this.logger.error({ ...entry, msg: 'RETENTION RECONCILIATION DIFFERS' });
      },
    });
    if (result.locked) this.logger.warn({ msg: 'retention run skipped: another run holds the lock', referenceDate });
    return result;
  }
}
