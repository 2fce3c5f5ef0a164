import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { addDays, swedishToday } from '#domain';
import { getConfig } from '#config';
import { type JobData, JobName } from '#jobs';
import { LogReviewRepository } from '#persistence';
import type { JobHandler } from '../job-handler.js';

/**
 * The nightly unusual-access run: flags, for one Swedish calendar day (default yesterday), accesses
 * to clients outside the person's caseload and bursts of many distinct clients. Idempotent: the
 * flags table has one row per kind, person, day, unit (and client), so a second run adds nothing.
 */
@Injectable()
export class LogReviewFlagAccessHandler implements JobHandler<JobName.LogReviewFlagAccess> {
  readonly name = JobName.LogReviewFlagAccess;
  private readonly logger = new Logger(LogReviewFlagAccessHandler.name);

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async handle(data: JobData<JobName.LogReviewFlagAccess>): Promise<{ day: string; outsideCaseload: number; manyClients: number }> {
    const day = data.day ?? addDays(swedishToday(), -1);
    const { manyClientsThreshold, manyClientsWindowMinutes } = getConfig().logReview;
    const counts = await this.dataSource.transaction((m) => new LogReviewRepository(m).computeFlags(day, manyClientsThreshold, manyClientsWindowMinutes));
    this.logger.log({ msg: 'access flags computed', trigger: data.trigger, day, ...counts });
    return { day, ...counts };
  }
}
