import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type Actor, Permission } from '#access';
import { RequirePermission } from '../common/permission.decorator.js';
import { CurrentActor, RequestId } from '../common/request-context.js';
import { ReportArchiveService } from './report-archive.service.js';
import { ReportDefinitionsService } from './report-definitions.service.js';
import { CreateReportDefinitionDto, GenerateReportDto, ReportIdParam, ReportListQuery, UpdateReportDefinitionDto } from './reports.dto.js';

/** A stored report is a finished document: no scripts, inline styles and SVG only. */
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Result reports: definitions, "generate now", and the archive with HTML and PDF downloads (docs/reports.md). */
@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(
    @Inject(ReportDefinitionsService) private readonly definitions: ReportDefinitionsService,
    @Inject(ReportArchiveService) private readonly archive: ReportArchiveService,
  ) {}

  @RequirePermission(Permission.ReportAdmin)
  @Post('definitions')
  createDefinition(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Body() dto: CreateReportDefinitionDto) {
    return this.definitions.create(actor, requestId, dto);
  }

  @RequirePermission(Permission.ReportAdmin)
  @Get('definitions')
  listDefinitions(@CurrentActor() actor: Actor) {
    return this.definitions.list(actor);
  }

  @RequirePermission(Permission.ReportAdmin)
  @Get('definitions/:id')
  getDefinition(@CurrentActor() actor: Actor, @Param() p: ReportIdParam) {
    return this.definitions.get(actor, p.id);
  }

  @RequirePermission(Permission.ReportAdmin)
  @Patch('definitions/:id')
  updateDefinition(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: ReportIdParam, @Body() dto: UpdateReportDefinitionDto) {
    return this.definitions.update(actor, requestId, p.id, dto);
  }

  /** Generate now (or regenerate after a data correction): queued for the worker; 202 with the job id. */
  @RequirePermission(Permission.ReportAdmin)
  @Post('definitions/:id/generate')
  @HttpCode(202)
  createGeneration(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: ReportIdParam, @Body() dto: GenerateReportDto) {
    return this.definitions.generate(actor, requestId, p.id, dto.period);
  }

  @RequirePermission(Permission.ReportRead)
  @Get()
  listReports(@CurrentActor() actor: Actor, @Query() q: ReportListQuery) {
    return this.archive.list(actor, q.definitionId);
  }

  @RequirePermission(Permission.ReportRead)
  @Get(':id')
  getReport(@CurrentActor() actor: Actor, @Param() p: ReportIdParam) {
    return this.archive.get(actor, p.id);
  }

  @RequirePermission(Permission.ReportRead)
  @Get(':id/html')
  async getReportHtml(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: ReportIdParam, @Res({ passthrough: true }) reply: FastifyReply) {
    const { meta, body } = await this.archive.download(actor, requestId, p.id, 'html');
    void reply
      .header('Content-Type', 'text/html; charset=utf-8')
      .header('Content-Security-Policy', REPORT_CSP)
      .header('Cache-Control', 'no-store')
      .header('ETag', `"${meta.htmlSha256}"`)
      .header('Content-Disposition', `inline; filename="resultatrapport-${meta.periodKey}-v${meta.version}.html"`);
    return body;
  }

  @RequirePermission(Permission.ReportRead)
  @Get(':id/pdf')
  async getReportPdf(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: ReportIdParam, @Res({ passthrough: true }) reply: FastifyReply) {
    const { meta, body } = await this.archive.download(actor, requestId, p.id, 'pdf');
    void reply
      .header('Content-Type', 'application/pdf')
      .header('Cache-Control', 'no-store')
      .header('ETag', `"${meta.pdfSha256}"`)
      .header('Content-Disposition', `attachment; filename="resultatrapport-${meta.periodKey}-v${meta.version}.pdf"`);
    return body;
  }
}
