import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditAction, AuditPurpose, conflict, invalid, notFound } from '#domain';
import { type Actor, Permission, scopeFor, type UnitScope } from '#access';
import { recordAudit } from '#audit';
import { writeOutbox } from '#jobs';
import { EpisodeRepository, type EpisodeRow, type GoalAttainmentRow, GoalRepository, type GoalRow, InstrumentRepository, MethodRepository } from '#persistence';
import { episodeNotFound } from '../episodes/episodes.service.js';
import { gasByOccasion, type GasOccasionSummary } from './gas-by-occasion.js';
import type { CreateGoalDto, GoalGasDto, UpdateGoalDto } from './goal.dto.js';

export interface GoalView extends GoalRow {
  /** Attainment recorded at occasions, in occasion order. */
  attainments: (Omit<GoalAttainmentRow, 'goalId'> & { occasionKind: string; occasionSeq: number })[];
}

export interface EpisodeGoalsView {
  episodeId: string;
  goals: GoalView[];
  /** The GAS T-score per occasion at which attainment was recorded (empty when the episode has no GAS goals). */
  gas: GasOccasionSummary[];
}

export const goalNotFound = () => notFound('GOAL.NOT_FOUND', 'Målet finns inte eller du saknar behörighet.', 'The goal does not exist or you do not have access.');

const fieldError = (code: string, field: string, sv: string, en: string) => invalid(code, sv, en, [{ field, sv: `${field}: ${sv}`, en: `${field}: ${en}` }]);

type GasInput = { levels: Record<'-2' | '-1' | '0' | '1' | '2', string>; weight: number };

function gasInput(dto: GoalGasDto): GasInput {
  const l = dto.levels;
  return { levels: { '-2': l['-2'], '-1': l['-1'], '0': l['0'], '1': l['1'], '2': l['2'] }, weight: dto.weight ?? 1 };
}

function sameGas(a: GasInput, b: GoalRow['gas']): boolean {
  return b !== null && a.weight === b.weight && (['-2', '-1', '0', '1', '2'] as const).every((k) => a.levels[k] === b.levels[k]);
}

/** Goals of the implementation plan (genomförandeplan); client data, so every access is audited. */
@Injectable()
export class GoalsService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  private async audit(m: EntityManager, scope: UnitScope, requestId: string, action: AuditAction, e: { clientId: string; clientPseudonym: string; orgUnitId: string }) {
    await recordAudit(m, { scope, requestId }, [
      { action, resource: 'goal', purpose: AuditPurpose.FollowUp, clientId: e.clientId, clientPseudonym: e.clientPseudonym, orgUnitId: e.orgUnitId },
    ]);
  }

  /** Goals of an episode with their attainment and the GAS T-score per occasion. */
  private async episodeGoals(m: EntityManager, episodeId: string): Promise<EpisodeGoalsView> {
    const goalsRepo = new GoalRepository(m);
    const [goals, attainments, occasions] = [
      await goalsRepo.listForEpisode(episodeId),
      await goalsRepo.listAttainmentsForEpisode(episodeId),
      await new EpisodeRepository(m).listOccasions(episodeId),
    ];
    const occasionById = new Map(occasions.map((o) => [o.id, o]));
    return {
      episodeId,
      goals: goals.map((g) => ({
        ...g,
        attainments: attainments
          .filter((a) => a.goalId === g.id)
          .map(({ goalId: _goalId, ...a }) => ({ ...a, occasionKind: occasionById.get(a.occasionId)!.kind, occasionSeq: occasionById.get(a.occasionId)!.seq })),
      })),
      gas: gasByOccasion(goals, attainments, occasions),
    };
  }

  private async goalView(m: EntityManager, goal: { id: string; episodeId: string }): Promise<GoalView> {
    return (await this.episodeGoals(m, goal.episodeId)).goals.find((g) => g.id === goal.id)!;
  }

  /** The instrument scale a goal is measured by: the instrument must be in the episode's plan, the scale in its current definition. */
  private async resolveScale(m: EntityManager, scope: UnitScope, episode: EpisodeRow, scale: NonNullable<CreateGoalDto['scale']>) {
    const plan = await new MethodRepository(m).findPlan(episode.planId);
    const inPlan = plan?.instruments.find((i) => i.code === scale.instrumentCode);
    if (!inPlan) {
      throw fieldError('GOAL.INSTRUMENT_NOT_IN_PLAN', 'scale.instrumentCode', 'Formuläret ingår inte i insatsens mätplan.', 'The instrument is not in the intervention’s measurement plan.');
    }
    const current = await new InstrumentRepository(m).findVersion(scope.municipalityId, scale.instrumentCode);
    if (!current || current.instrumentId !== inPlan.instrumentId || !current.definition.scales.some((s) => s.id === scale.scaleId)) {
      throw fieldError('GOAL.UNKNOWN_SCALE', 'scale.scaleId', 'Skalan finns inte i formulärets nuvarande version.', 'The scale does not exist in the instrument’s current version.');
    }
    return { instrumentId: inPlan.instrumentId, scaleId: scale.scaleId, targetValue: scale.targetValue };
  }

  async create(actor: Actor, requestId: string, episodeId: string, dto: CreateGoalDto): Promise<GoalView> {
    const scope = scopeFor(actor, Permission.ClientWrite);
    return this.dataSource.transaction(async (m) => {
      const episode = await new EpisodeRepository(m).findVisible(scope, episodeId, { forUpdate: true });
      if (!episode) throw episodeNotFound();
      if (episode.closeDate) throw conflict('EPISODE.CLOSED', 'Insatsen är avslutad; nya mål kan inte läggas till.', 'The intervention is closed; no new goals can be added.');
      if (dto.targetDate && dto.targetDate < episode.startDate) {
        throw fieldError('GOAL.TARGET_BEFORE_START', 'targetDate', 'Måldatum ligger före insatsens start.', 'The target date is before the intervention start.');
      }
      const scale = dto.scale ? await this.resolveScale(m, scope, episode, dto.scale) : null;
      const id = await new GoalRepository(m).insert(scope, {
        episodeId,
        text: dto.text,
        targetDate: dto.targetDate ?? null,
        scale,
        gas: dto.gas ? gasInput(dto.gas) : null,
      });
      await writeOutbox(m, scope.municipalityId, [{ topic: 'goal.changed', payload: { goalId: id, episodeId } }]);
      await this.audit(m, scope, requestId, AuditAction.Create, episode);
      return this.goalView(m, { id, episodeId });
    });
  }

  /** Text and target date may change; the GAS scale only until attainment is recorded against it (history would change meaning). */
  async update(actor: Actor, requestId: string, goalId: string, dto: UpdateGoalDto): Promise<GoalView> {
    const scope = scopeFor(actor, Permission.ClientWrite);
    if (dto.text === undefined && dto.targetDate === undefined && dto.gas === undefined) {
      throw invalid('GOAL.NOTHING_TO_CHANGE', 'Ange minst ett av text, targetDate eller gas.', 'Give at least one of text, targetDate or gas.', [
        { field: 'text', sv: 'text: Inget att ändra.', en: 'text: Nothing to change.' },
      ]);
    }
    return this.dataSource.transaction(async (m) => {
      const goals = new GoalRepository(m);
      const goal = await goals.findVisible(scope, goalId, { forUpdate: true });
      if (!goal) throw goalNotFound();
      if (dto.targetDate && dto.targetDate < goal.episode.startDate) {
        throw fieldError('GOAL.TARGET_BEFORE_START', 'targetDate', 'Måldatum ligger före insatsens start.', 'The target date is before the intervention start.');
      }
      const gas = dto.gas ? gasInput(dto.gas) : undefined;
      if (gas && !sameGas(gas, goal.gas) && (await goals.hasAttainments(goal.id))) {
        throw conflict(
          'GOAL.GAS_LOCKED',
          'GAS-skalan kan inte ändras när måluppfyllelse redan är registrerad. Skapa ett nytt mål i stället.',
          'The GAS scale cannot change once attainment is recorded. Create a new goal instead.',
          [{ field: 'gas', sv: 'gas: Låst av registrerad måluppfyllelse.', en: 'gas: Locked by recorded attainment.' }],
        );
      }
      await goals.update(goal.id, { text: dto.text, targetDate: dto.targetDate, gas });
      await writeOutbox(m, scope.municipalityId, [{ topic: 'goal.changed', payload: { goalId: goal.id, episodeId: goal.episodeId } }]);
      await this.audit(m, scope, requestId, AuditAction.Update, goal.episode);
      return this.goalView(m, goal);
    });
  }

  async listForEpisode(actor: Actor, requestId: string, episodeId: string): Promise<EpisodeGoalsView> {
    const scope = scopeFor(actor, Permission.ClientRead);
    return this.dataSource.transaction(async (m) => {
      const episode = await new EpisodeRepository(m).findVisible(scope, episodeId);
      if (!episode) throw episodeNotFound();
      await this.audit(m, scope, requestId, AuditAction.List, episode);
      return this.episodeGoals(m, episode.id);
    });
  }
}
