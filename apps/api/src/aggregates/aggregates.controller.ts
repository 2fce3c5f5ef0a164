import { Body, Controller, Get, Inject, Param, Patch, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type Actor, Permission } from '#access';
import { RequirePermission } from '../common/permission.decorator.js';
import { CurrentActor, RequestId } from '../common/request-context.js';
import { AggregationSettingsDto, EvidenceAnswerDto, EvidenceQuery, IdParam, MethodDescriptionDto, ScopeQuery, TrendQuery } from './aggregates.dto.js';
import { AggregatesService } from './aggregates.service.js';
import { AggregationSettingsService } from './aggregation-settings.service.js';
import { EvidenceService } from './evidence.service.js';

/** Aggregated figures (DOMAIN.md's seven questions) per client, group, unit subtree, method and municipality. */
@ApiTags('aggregates')
@Controller('aggregates')
export class AggregatesController {
  constructor(
    @Inject(AggregatesService) private readonly aggregates: AggregatesService,
    @Inject(EvidenceService) private readonly evidence: EvidenceService,
    @Inject(AggregationSettingsService) private readonly settings: AggregationSettingsService,
  ) {}

  /** The caseworker's view of one client: per episode and scale baseline, latest, change and categories. */
  @RequirePermission(Permission.ClientRead)
  @Get('clients/:id')
  getClientAggregates(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: IdParam) {
    return this.aggregates.getClient(actor, requestId, p.id);
  }

  @RequirePermission(Permission.AggregateRead)
  @Get('units/:id')
  getUnitAggregates(@CurrentActor() actor: Actor, @Param() p: IdParam, @Query() q: ScopeQuery) {
    return this.aggregates.getScope(actor, 'unit', p.id, q);
  }

  @RequirePermission(Permission.AggregateRead)
  @Get('units/:id/trends')
  getUnitTrends(@CurrentActor() actor: Actor, @Param() p: IdParam, @Query() q: TrendQuery) {
    return this.aggregates.getTrend(actor, 'unit', p.id, q.subject);
  }

  @RequirePermission(Permission.AggregateRead)
  @Get('groups/:id')
  getGroupAggregates(@CurrentActor() actor: Actor, @Param() p: IdParam, @Query() q: ScopeQuery) {
    return this.aggregates.getScope(actor, 'group', p.id, q);
  }

  @RequirePermission(Permission.AggregateRead)
  @Get('methods/:id')
  getMethodAggregates(@CurrentActor() actor: Actor, @Param() p: IdParam, @Query() q: ScopeQuery) {
    return this.aggregates.getScope(actor, 'method', p.id, q);
  }

  @RequirePermission(Permission.AggregateRead)
  @Get('municipality')
  getMunicipalityAggregates(@CurrentActor() actor: Actor, @Query() q: ScopeQuery) {
    return this.aggregates.getScope(actor, 'municipality', actor.municipalityId, q);
  }

  @RequirePermission(Permission.AggregateRead)
  @Get('municipality/trends')
  getMunicipalityTrends(@CurrentActor() actor: Actor, @Query() q: TrendQuery) {
    return this.aggregates.getTrend(actor, 'municipality', actor.municipalityId, q.subject);
  }

  /** Elements 10 and 11 per method (and unit): Ja / Delvis / Nej from data, hand answers, the other nine elements. */
  @RequirePermission(Permission.AggregateRead)
  @Get('evidence')
  getEvidence(@CurrentActor() actor: Actor, @Query() q: EvidenceQuery) {
    return this.evidence.get(actor, q.methodId, q.unitId ?? null);
  }

  @RequirePermission(Permission.EvidenceWrite)
  @Put('evidence/answers')
  updateEvidenceAnswer(@CurrentActor() actor: Actor, @Body() dto: EvidenceAnswerDto) {
    return this.evidence.answer(actor, dto);
  }

  /** The method's description in the 11-element model and its evidence status: the method owners' (admins'). */
  @RequirePermission(Permission.MethodAdmin)
  @Patch('evidence/methods/:id')
  updateMethodDescription(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: IdParam, @Body() dto: MethodDescriptionDto) {
    return this.evidence.describe(actor, requestId, p.id, dto);
  }

  /** Suppression k per audience and the evidence thresholds of the municipality (admins of the whole organisation). */
  @RequirePermission(Permission.AggregationSettingsAdmin)
  @Get('settings')
  getAggregationSettings(@CurrentActor() actor: Actor) {
    return this.settings.get(actor);
  }

  @RequirePermission(Permission.AggregationSettingsAdmin)
  @Put('settings')
  updateAggregationSettings(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Body() dto: AggregationSettingsDto) {
    return this.settings.update(actor, requestId, dto);
  }
}
