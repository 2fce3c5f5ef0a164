import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditAction, AuditPurpose, conflict, invalid, notFound, swedishToday } from '#domain';
import { type Actor, Permission, scopeFor } from '#access';
import { recordAudit } from '#audit';
import { getConfig } from '#config';
import { LogReviewRepository, OrgUnitRepository, type SampleItemRow, type SampleRow } from '#persistence';
import type { CreateSampleDto, SignOffSampleDto, UpdateSampleItemDto } from './log-review.dto.js';
import { unitNotFound } from './log-review.service.js';

export interface SampleView extends SampleRow {
  items: SampleItemRow[];
}

const sampleNotFound = () => notFound('LOG_REVIEW.SAMPLE_NOT_FOUND', 'Stickprovet finns inte eller du saknar behörighet.', 'The sample does not exist or you do not have access.');
const signedOff = () => conflict('LOG_REVIEW.SIGNED_OFF', 'Granskningen är redan signerad och kan inte ändras.', 'The review is already signed off and cannot change.');

/** The seed of a unit's monthly sample: the same unit and month always draw the same events. */
export function sampleSeed(unitId: string, month: string): string {
  return `${unitId}:${month}`;
}

/**
 * The monthly random-sample review per unit: draw (reproducible), work through (verdict and comment
 * per event), sign off. Each step is recorded in the sample tables and the audit log.
 */
@Injectable()
export class LogReviewSamplesService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Draws the unit's sample for a month, or returns the one already drawn (`created` false). */
  async create(actor: Actor, requestId: string, dto: CreateSampleDto): Promise<{ created: boolean; sample: SampleView }> {
    const scope = scopeFor(actor, Permission.AuditReview);
    if (dto.month > swedishToday().slice(0, 7)) {
      throw invalid('LOG_REVIEW.MONTH_IN_FUTURE', 'Månaden har inte börjat än.', 'The month has not started yet.', [
        { field: 'month', sv: 'month: Får inte ligga i framtiden.', en: 'month must not be in the future.' },
      ]);
    }
    const month = `${dto.month}-01`;
    return this.dataSource.transaction(async (m) => {
      const unit = await new OrgUnitRepository(m).findInScope(scope, dto.unitId);
      if (!unit) throw unitNotFound();
      const repo = new LogReviewRepository(m);
      let id = await repo.findSampleIdByUnitMonth(scope, unit.id, month);
      let created = false;
      if (!id) {
        const seed = sampleSeed(unit.id, dto.month);
        const size = getConfig().logReview.sampleSize;
        const maxEventId = await repo.maxEventId();
        const drawn = await repo.drawSample(scope, unit.path, month, seed, size, maxEventId);
        id = await repo.insertSample(scope, { unitId: unit.id, month, seed, sampleSize: size, population: drawn.population, maxEventId, eventIds: drawn.eventIds });
        // A concurrent draw for the same unit and month won: use that one (it is the same sample anyway).
        id ??= await repo.findSampleIdByUnitMonth(scope, unit.id, month);
        created = true;
      }
      await recordAudit(m, { scope, requestId }, [
        { action: created ? AuditAction.Create : AuditAction.Read, resource: `log_review_sample:${id}`, purpose: AuditPurpose.LogReview, orgUnitId: unit.id },
      ]);
      return { created, sample: await this.view(repo, scope, id!) };
    });
  }

  async list(actor: Actor, unitId: string | undefined) {
    const scope = scopeFor(actor, Permission.AuditReview);
    return this.dataSource.transaction(async (m) => {
      if (unitId && !(await new OrgUnitRepository(m).findInScope(scope, unitId))) throw unitNotFound();
      return { items: await new LogReviewRepository(m).listSamples(scope, unitId ?? null) };
    });
  }

  async get(actor: Actor, requestId: string, id: string): Promise<SampleView> {
    const scope = scopeFor(actor, Permission.AuditReview);
    return this.dataSource.transaction(async (m) => {
      const repo = new LogReviewRepository(m);
      const sample = await this.view(repo, scope, id);
      await recordAudit(m, { scope, requestId }, [{ action: AuditAction.Read, resource: `log_review_sample:${id}`, purpose: AuditPurpose.LogReview, orgUnitId: sample.orgUnitId }]);
      return sample;
    });
  }

  async updateItem(actor: Actor, requestId: string, id: string, eventId: string, dto: UpdateSampleItemDto): Promise<SampleItemRow> {
    const scope = scopeFor(actor, Permission.AuditReview);
    const comment = dto.comment?.trim() || null;
    if (dto.verdict === 'needs_follow_up' && !comment) {
      throw invalid('LOG_REVIEW.COMMENT_REQUIRED', 'Skriv vad som ska följas upp.', 'Write what is to be followed up.', [
        { field: 'comment', sv: 'comment: Krävs för needs_follow_up.', en: 'comment is required for needs_follow_up.' },
      ]);
    }
    return this.dataSource.transaction(async (m) => {
      const repo = new LogReviewRepository(m);
      const sample = await repo.findSample(scope, id, { lock: true });
      if (!sample) throw sampleNotFound();
      if (sample.signedOffAt) throw signedOff();
      if (!(await repo.updateItemVerdict(id, eventId, { verdict: dto.verdict, comment, reviewerId: actor.userId }))) {
        throw notFound('LOG_REVIEW.ITEM_NOT_FOUND', 'Händelsen ingår inte i stickprovet.', 'The event is not part of the sample.');
      }
      await recordAudit(m, { scope, requestId }, [
        { action: AuditAction.Update, resource: `log_review_sample:${id}:item:${eventId}`, purpose: AuditPurpose.LogReview, orgUnitId: sample.orgUnitId },
      ]);
      return (await repo.listSampleItems(id)).find((i) => i.eventId === eventId)!;
    });
  }

  /** Signs the review off; every sampled event must have a verdict first. Recorded in the sample and the audit log. */
  async signOff(actor: Actor, requestId: string, id: string, dto: SignOffSampleDto): Promise<SampleView> {
    const scope = scopeFor(actor, Permission.AuditReview);
    return this.dataSource.transaction(async (m) => {
      const repo = new LogReviewRepository(m);
      const sample = await repo.findSample(scope, id, { lock: true });
      if (!sample) throw sampleNotFound();
      if (sample.signedOffAt) throw signedOff();
      const open = await repo.countUnreviewed(id);
      if (open > 0) {
        throw conflict(
          'LOG_REVIEW.ITEMS_UNREVIEWED',
          `${open} händelser i stickprovet saknar bedömning.`,
          `${open} events in the sample have no verdict yet.`,
        );
      }
      await repo.signOff(id, actor.userId, dto.comment?.trim() || null);
      await recordAudit(m, { scope, requestId }, [{ action: AuditAction.Update, resource: `log_review_sample:${id}:sign_off`, purpose: AuditPurpose.LogReview, orgUnitId: sample.orgUnitId }]);
      return this.view(repo, scope, id);
    });
  }

  private async view(repo: LogReviewRepository, scope: ReturnType<typeof scopeFor>, id: string): Promise<SampleView> {
    const sample = await repo.findSample(scope, id);
    if (!sample) throw sampleNotFound();
    return { ...sample, items: await repo.listSampleItems(id) };
  }
}
