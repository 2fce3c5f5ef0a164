import { Body, Controller, Get, Inject, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type Actor, Permission } from '#access';
import { RequirePermission } from '../common/permission.decorator.js';
import { CurrentActor, RequestId } from '../common/request-context.js';
import { AttainmentParams, CreateGoalDto, GoalIdParam, RecordAttainmentDto, UpdateGoalDto } from './goal.dto.js';
import { GoalAttainmentService } from './goal-attainment.service.js';
import { GoalsService } from './goals.service.js';

@ApiTags('goals')
@Controller()
export class GoalsController {
  constructor(
    @Inject(GoalsService) private readonly goals: GoalsService,
    @Inject(GoalAttainmentService) private readonly attainment: GoalAttainmentService,
  ) {}

  @RequirePermission(Permission.ClientWrite)
  @Post('episodes/:id/goals')
  createGoal(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: GoalIdParam, @Body() dto: CreateGoalDto) {
    return this.goals.create(actor, requestId, p.id, dto);
  }

  /** The episode's goals with their attainment history and the GAS T-score per occasion. */
  @RequirePermission(Permission.ClientRead)
  @Get('episodes/:id/goals')
  listEpisodeGoals(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: GoalIdParam) {
    return this.goals.listForEpisode(actor, requestId, p.id);
  }

  @RequirePermission(Permission.ClientWrite)
  @Patch('goals/:id')
  updateGoal(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: GoalIdParam, @Body() dto: UpdateGoalDto) {
    return this.goals.update(actor, requestId, p.id, dto);
  }

  /** Idempotent: the same body again changes nothing; a different one replaces the record for this goal and occasion. */
  @RequirePermission(Permission.ClientWrite)
  @Put('occasions/:id/goal-attainments/:goalId')
  updateGoalAttainment(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: AttainmentParams, @Body() dto: RecordAttainmentDto) {
    return this.attainment.record(actor, requestId, p.id, p.goalId, dto);
  }
}
