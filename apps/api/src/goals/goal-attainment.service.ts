import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditAction, AuditPurpose, conflict, invalid, notFound, OccasionKind, OccasionState, unprocessable } from '#domain';
import { type Actor, Permission, scopeFor } from '#access';
import { recordAudit } from '#audit';
import { writeOutbox } from '#jobs';
import { EpisodeRepository, type GoalAttainmentRow, GoalRepository } from '#persistence';
import { Clock } from '../common/clock.js';
import type { RecordAttainmentDto } from './goal.dto.js';
import { goalNotFound } from './goals.service.js';

export interface AttainmentView extends GoalAttainmentRow {
  /** False when the same attainment was already stored (a repeated PUT changes nothing). */
  changed: boolean;
}

const occasionNotFound = () =>
  notFound('OCCASION.NOT_FOUND', 'Mättillfället finns inte eller du saknar behörighet.', 'The occasion does not exist or you do not have access.');

/** Goal attainment at a follow-up, close or extra occasion: one record per goal and occasion, replaced on repeat. */
@Injectable()
export class GoalAttainmentService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async record(actor: Actor, requestId: string, occasionId: string, goalId: string, dto: RecordAttainmentDto): Promise<AttainmentView> {
    const scope = scopeFor(actor, Permission.ClientWrite);
    const today = this.clock.today();
    return this.dataSource.transaction(async (m) => {
      const goals = new GoalRepository(m);
      // The goal is locked first, so a concurrent change of its GAS scale cannot slip in between check and write.
      const goal = await goals.findVisible(scope, goalId, { forUpdate: true });
      if (!goal) throw goalNotFound();
      const occasion = await new EpisodeRepository(m).findVisibleOccasion(scope, occasionId);
      if (!occasion) throw occasionNotFound();
      if (occasion.episodeId !== goal.episodeId) {
        throw unprocessable('GOAL_ATTAINMENT.OTHER_EPISODE', 'Målet hör till en annan insats än mättillfället.', 'The goal belongs to another intervention than the occasion.', [
          { field: 'goalId', sv: 'goalId: Inte ett mål i mättillfällets insats.', en: 'goalId is not a goal of the occasion’s intervention.' },
        ]);
      }
      if (occasion.kind === OccasionKind.Start) {
        throw unprocessable('GOAL_ATTAINMENT.START_OCCASION', 'Måluppfyllelse registreras vid uppföljning, avslut eller extra tillfälle, inte vid start.', 'Goal attainment is recorded at a follow-up, close or extra occasion, not at the start.', [
          { field: 'occasionId', sv: 'occasionId: Starttillfället.', en: 'occasionId is the start occasion.' },
        ]);
      }
      if (occasion.state === OccasionState.Cancelled) {
        throw conflict('OCCASION.CANCELLED', 'Mättillfället är inställt.', 'The occasion is cancelled.');
      }
      if (occasion.state !== OccasionState.Done && occasion.windowStart > today) {
        throw conflict('OCCASION.NOT_YET_OPEN', 'Mättillfällets fönster har inte öppnat än.', 'The occasion’s window has not opened yet.');
      }
      if (goal.gas && dto.gasLevel === undefined) {
        throw invalid('GOAL_ATTAINMENT.GAS_LEVEL_REQUIRED', 'Målet har en GAS-skala: ange nivå −2…+2.', 'The goal has a GAS scale: give a level −2…+2.', [
          { field: 'gasLevel', sv: 'gasLevel: Måste anges för ett GAS-mål.', en: 'gasLevel is required for a GAS goal.' },
        ]);
      }
      if (!goal.gas && dto.gasLevel !== undefined) {
        throw invalid('GOAL_ATTAINMENT.NO_GAS_SCALE', 'Målet har ingen GAS-skala.', 'The goal has no GAS scale.', [
          { field: 'gasLevel', sv: 'gasLevel: Målet har ingen GAS-skala.', en: 'gasLevel: the goal has no GAS scale.' },
        ]);
      }
      if (!goal.gas && dto.achieved === undefined) {
        throw invalid('GOAL_ATTAINMENT.ACHIEVED_REQUIRED', 'Ange om målet är uppnått.', 'Say whether the goal is achieved.', [
          { field: 'achieved', sv: 'achieved: Måste anges för ett mål utan GAS-skala.', en: 'achieved is required for a goal without a GAS scale.' },
        ]);
      }
      const { row, changed, created } = await goals.upsertAttainment(scope, {
        goalId: goal.id,
        occasionId: occasion.id,
        gasLevel: dto.gasLevel ?? null,
        achieved: dto.achieved ?? null,
        comment: dto.comment ?? null,
      });
      if (changed) await writeOutbox(m, scope.municipalityId, [{ topic: 'goal.changed', payload: { goalId: goal.id, episodeId: goal.episodeId, occasionId: occasion.id } }]);
      await recordAudit(m, { scope, requestId }, [
        {
          action: created ? AuditAction.Create : AuditAction.Update,
          resource: 'goal_attainment',
          purpose: AuditPurpose.FollowUp,
          clientId: goal.episode.clientId,
          clientPseudonym: goal.episode.clientPseudonym,
          orgUnitId: goal.episode.orgUnitId,
        },
      ]);
      return { ...row, changed };
    });
  }
}
