import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type Actor, Permission } from '#access';
import type { ScopeKind } from '#aggregation';
import { RequirePermission } from '../common/permission.decorator.js';
import { CurrentActor, RequestId } from '../common/request-context.js';
import { AggregateExportsService } from './aggregate-exports.service.js';
import { ExportQuery, ReportIdParam } from './reports.dto.js';

/** CSV (UTF-8 with BOM) and XLSX of the aggregate views, with the reader's suppression and neutralised formulas. */
@ApiTags('exports')
@Controller('exports/aggregates')
export class ExportsController {
  constructor(@Inject(AggregateExportsService) private readonly exports: AggregateExportsService) {}

  private async send(reply: FastifyReply, actor: Actor, requestId: string, kind: ScopeKind, id: string, q: ExportQuery) {
    const out = await this.exports.export(actor, requestId, kind, id, q);
    void reply.header('Content-Type', out.contentType).header('Cache-Control', 'no-store').header('Content-Disposition', `attachment; filename="${out.filename}"`);
    return out.body;
  }

  @RequirePermission(Permission.AggregateRead)
  @Get('municipality')
  getMunicipalityExport(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Query() q: ExportQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.send(reply, actor, requestId, 'municipality', actor.municipalityId, q);
  }

  @RequirePermission(Permission.AggregateRead)
  @Get('units/:id')
  getUnitExport(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: ReportIdParam, @Query() q: ExportQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.send(reply, actor, requestId, 'unit', p.id, q);
  }

  @RequirePermission(Permission.AggregateRead)
  @Get('methods/:id')
  getMethodExport(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: ReportIdParam, @Query() q: ExportQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.send(reply, actor, requestId, 'method', p.id, q);
  }

  @RequirePermission(Permission.AggregateRead)
  @Get('groups/:id')
  getGroupExport(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: ReportIdParam, @Query() q: ExportQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.send(reply, actor, requestId, 'group', p.id, q);
  }
}
