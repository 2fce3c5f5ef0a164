import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type Actor, Permission } from '#access';
import { RequirePermission } from '../common/permission.decorator.js';
import { CurrentActor } from '../common/request-context.js';
import { RetentionDryRunQuery, RetentionRunsQuery } from './retention.dto.js';
import { RetentionService } from './retention.service.js';

/** Retention (gallring): what a run would delete and keep, and the reconciliation of past runs. */
@ApiTags('retention')
@Controller('retention')
export class RetentionController {
  constructor(@Inject(RetentionService) private readonly retention: RetentionService) {}

  @RequirePermission(Permission.RetentionAdmin)
  @Get('dry-run')
  getDryRun(@CurrentActor() actor: Actor, @Query() q: RetentionDryRunQuery) {
    return this.retention.dryRun(actor, q);
  }

  @RequirePermission(Permission.RetentionAdmin)
  @Get('runs')
  listRuns(@CurrentActor() actor: Actor, @Query() q: RetentionRunsQuery) {
    return this.retention.listRuns(actor, q);
  }
}
