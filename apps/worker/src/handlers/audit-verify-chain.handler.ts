import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { verifyAuditChain, type ChainVerification } from '#audit';
import { type JobData, JobName } from '#jobs';
import type { JobHandler } from '../job-handler.js';

@Injectable()
export class AuditVerifyChainHandler implements JobHandler<JobName.AuditVerifyChain> {
  readonly name = JobName.AuditVerifyChain;
  private readonly logger = new Logger(AuditVerifyChainHandler.name);

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async handle(data: JobData<JobName.AuditVerifyChain>): Promise<ChainVerification> {
    const result = await verifyAuditChain(this.dataSource);
    if (result.ok) this.logger.log({ msg: 'audit chain verified', trigger: data.trigger, checked: result.checked });
    else this.logger.error({ msg: 'AUDIT CHAIN BROKEN', trigger: data.trigger, firstBrokenId: result.firstBrokenId, reason: result.reason });
    return result;
  }
}
