import { Body, Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type Actor, Permission } from '#access';
import { Idempotency, type IdempotencyRequest, sendOutcome } from '../common/idempotency.js';
import { RequirePermission } from '../common/permission.decorator.js';
import { CurrentActor, RequestId } from '../common/request-context.js';
import { CorrectResponseDto, RecordResponseDto, IdParam } from './response.dto.js';
import { ResponseReadsService } from './response-reads.service.js';
import { ResponsesService } from './responses.service.js';

const IDEMPOTENCY_DOC = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Any 1–200 characters, unique per write: a retry with the same key and body replays the stored result.',
};

@ApiTags('responses')
@Controller()
export class ResponsesController {
  constructor(
    @Inject(ResponsesService) private readonly responses: ResponsesService,
    @Inject(ResponseReadsService) private readonly reads: ResponseReadsService,
  ) {}

  /** Records one instrument at one occasion: validated, scored, and the occasion done once the plan's instruments are in. */
  @RequirePermission(Permission.ClientWrite)
  @ApiHeader(IDEMPOTENCY_DOC)
  @Post('occasions/:id/responses')
  async createResponse(
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
    @Param() p: IdParam,
    @Body() dto: RecordResponseDto,
    @Idempotency() idem: IdempotencyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    sendOutcome(reply, await this.responses.record(actor, requestId, p.id, dto, idem));
  }

  /** A corrected revision with a reason; the corrected one stays readable in the history. */
  @RequirePermission(Permission.ClientWrite)
  @ApiHeader(IDEMPOTENCY_DOC)
  @Post('responses/:id/corrections')
  async createCorrection(
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
    @Param() p: IdParam,
    @Body() dto: CorrectResponseDto,
    @Idempotency() idem: IdempotencyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    sendOutcome(reply, await this.responses.correct(actor, requestId, p.id, dto, idem));
  }

  @RequirePermission(Permission.ClientRead)
  @Get('responses/:id')
  getResponse(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: IdParam) {
    return this.reads.get(actor, requestId, p.id);
  }

  @RequirePermission(Permission.ClientRead)
  @Get('responses/:id/history')
  listResponseHistory(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: IdParam) {
    return this.reads.history(actor, requestId, p.id);
  }

  /** The data of the client's progress chart: current scores per occasion, with each scale's cut-off and reliable-change distance. */
  @RequirePermission(Permission.ClientRead)
  @Get('episodes/:id/responses')
  listEpisodeResponses(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: IdParam) {
    return this.reads.listForEpisode(actor, requestId, p.id);
  }
}
