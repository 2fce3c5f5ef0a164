import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type Actor, Permission } from '#access';
import { RequirePermission } from '../common/permission.decorator.js';
import { CurrentActor, RequestId } from '../common/request-context.js';
import { AddExtraOccasionDto, CloseEpisodeDto, IdParam, MarkMissedDto, StartEpisodeDto, WorklistQuery } from './episode.dto.js';
import { EpisodesService } from './episodes.service.js';
import { WorklistService } from './worklist.service.js';

@ApiTags('episodes')
@Controller()
export class EpisodesController {
  constructor(
    @Inject(EpisodesService) private readonly episodes: EpisodesService,
    @Inject(WorklistService) private readonly worklist: WorklistService,
  ) {}

  @RequirePermission(Permission.ClientWrite)
  @Post('episodes')
  createEpisode(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Body() dto: StartEpisodeDto) {
    return this.episodes.start(actor, requestId, dto);
  }

  @RequirePermission(Permission.ClientRead)
  @Get('episodes/:id')
  getEpisode(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: IdParam) {
    return this.episodes.get(actor, requestId, p.id);
  }

  @RequirePermission(Permission.ClientRead)
  @Get('clients/:id/episodes')
  listClientEpisodes(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: IdParam) {
    return this.episodes.listForClient(actor, requestId, p.id);
  }

  @RequirePermission(Permission.ClientWrite)
  @Post('episodes/:id/close')
  @HttpCode(200)
  closeEpisode(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: IdParam, @Body() dto: CloseEpisodeDto) {
    return this.episodes.close(actor, requestId, p.id, dto);
  }

  @RequirePermission(Permission.ClientWrite)
  @Post('episodes/:id/occasions')
  createExtraOccasion(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: IdParam, @Body() dto: AddExtraOccasionDto) {
    return this.episodes.addExtraOccasion(actor, requestId, p.id, dto);
  }

  @RequirePermission(Permission.ClientWrite)
  @Post('occasions/:id/missed')
  @HttpCode(200)
  updateOccasionMissed(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: IdParam, @Body() dto: MarkMissedDto) {
    return this.episodes.markMissed(actor, requestId, p.id, dto.reason);
  }

  /** Due and overdue occasions, and follow-ups waiting for an adjustment decision; most urgent first. */
  @RequirePermission(Permission.ClientRead)
  @Get('worklist')
  listWorklist(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Query() q: WorklistQuery) {
    return this.worklist.list(actor, requestId, q);
  }
}
