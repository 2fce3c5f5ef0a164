import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type Actor, Permission } from '#access';
import { RequirePermission } from '../common/permission.decorator.js';
import { CurrentActor, RequestId } from '../common/request-context.js';
import {
  AccessRightsQuery,
  ClientAccessesQuery,
  ClientIdParam,
  CreateSampleDto,
  FlagsQuery,
  ListSamplesQuery,
  SampleIdParam,
  SampleItemParam,
  SignOffSampleDto,
  UpdateSampleItemDto,
} from './log-review.dto.js';
import { LogReviewSamplesService } from './log-review-samples.service.js';
import { LogReviewService } from './log-review.service.js';

/** Log review for unit heads and administrators, within their units (docs/log-review.md). */
@ApiTags('log-review')
@Controller('log-review')
export class LogReviewController {
  constructor(
    @Inject(LogReviewService) private readonly review: LogReviewService,
    @Inject(LogReviewSamplesService) private readonly samples: LogReviewSamplesService,
  ) {}

  /** Who has accessed client X: actor, role, unit, action, resource, purpose, time. */
  @RequirePermission(Permission.AuditReview)
  @Get('clients/:clientId/accesses')
  listClientAccesses(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: ClientIdParam, @Query() q: ClientAccessesQuery) {
    return this.review.listClientAccesses(actor, requestId, p.clientId, q);
  }

  @RequirePermission(Permission.AuditReview)
  @Post('samples')
  async createSample(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Body() dto: CreateSampleDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const { created, sample } = await this.samples.create(actor, requestId, dto);
    void reply.status(created ? 201 : 200);
    return sample;
  }

  @RequirePermission(Permission.AuditReview)
  @Get('samples')
  listSamples(@CurrentActor() actor: Actor, @Query() q: ListSamplesQuery) {
    return this.samples.list(actor, q.unitId);
  }

  @RequirePermission(Permission.AuditReview)
  @Get('samples/:id')
  getSample(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: SampleIdParam) {
    return this.samples.get(actor, requestId, p.id);
  }

  @RequirePermission(Permission.AuditReview)
  @Patch('samples/:id/items/:eventId')
  updateSampleItem(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: SampleItemParam, @Body() dto: UpdateSampleItemDto) {
    return this.samples.updateItem(actor, requestId, p.id, p.eventId, dto);
  }

  @RequirePermission(Permission.AuditReview)
  @Post('samples/:id/sign-off')
  @HttpCode(200)
  createSampleSignOff(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: SampleIdParam, @Body() dto: SignOffSampleDto) {
    return this.samples.signOff(actor, requestId, p.id, dto);
  }

  /** Unusual accesses found by the nightly job. */
  @RequirePermission(Permission.AuditReview)
  @Get('flags')
  listFlags(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Query() q: FlagsQuery) {
    return this.review.listFlags(actor, requestId, q);
  }

  /** Who holds which role in the unit, below it and above it: for periodic recertification. */
  @RequirePermission(Permission.AuditReview)
  @Get('access-rights')
  listAccessRights(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Query() q: AccessRightsQuery) {
    return this.review.listAccessRights(actor, requestId, q);
  }
}
