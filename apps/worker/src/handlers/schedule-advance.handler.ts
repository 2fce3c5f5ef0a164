import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { swedishToday } from '#domain';
import { type JobData, JobName, writeOutbox } from '#jobs';
import { ScheduleRepository } from '#persistence';
import type { JobHandler } from '../job-handler.js';

/**
 * The nightly schedule run: extends rolling follow-ups and moves open occasions between planned,
 * due and overdue. Idempotent: a second run on the same day finds nothing to change. Episodes whose
 * occasions changed are announced through the outbox (completeness depends on them).
 */
@Injectable()
export class ScheduleAdvanceHandler implements JobHandler<JobName.ScheduleAdvance> {
  readonly name = JobName.ScheduleAdvance;
  private readonly logger = new Logger(ScheduleAdvanceHandler.name);

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async handle(data: JobData<JobName.ScheduleAdvance>): Promise<{ today: string; extended: number; moved: number }> {
    const today = data.today ?? swedishToday();
    return this.dataSource.transaction(async (m) => {
      const schedule = new ScheduleRepository(m);
      const extended = await schedule.extendFollowUps(today);
      const moved = await schedule.advanceStates(today);
      const touched = new Map([...extended, ...moved].map((e) => [e.episodeId, e]));
      const byMunicipality = new Map<string, { episodeId: string; clientId: string }[]>();
      for (const e of touched.values()) byMunicipality.set(e.municipalityId, [...(byMunicipality.get(e.municipalityId) ?? []), e]);
      for (const [municipalityId, episodes] of byMunicipality) {
        await writeOutbox(
          m,
          municipalityId,
          episodes.map((e) => ({ topic: 'episode.changed' as const, payload: { episodeId: e.episodeId, clientId: e.clientId } })),
        );
      }
      this.logger.log({ msg: 'schedule advanced', today, extended: extended.length, moved: moved.length });
      return { today, extended: extended.length, moved: moved.length };
    });
  }
}
