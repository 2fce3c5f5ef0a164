import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DomainError, ErrorKind } from '#domain';
import { type Actor, Permission } from '#access';
import { XLSX_MEDIA_TYPE } from '#imports';
import { RequirePermission } from '../common/permission.decorator.js';
import { CurrentActor } from '../common/request-context.js';
import { CreateImportQuery, ImportIdParam } from './import.dto.js';
import { ImportsService } from './imports.service.js';

@ApiTags('imports')
@Controller('imports')
export class ImportsController {
  constructor(@Inject(ImportsService) private readonly imports: ImportsService) {}

  /** The file is the raw body (`text/csv` or XLSX, at most 50 MB); answers 202 with the queued job. */
  @RequirePermission(Permission.ImportRun)
  @Post()
  @HttpCode(202)
  @ApiConsumes('text/csv', XLSX_MEDIA_TYPE)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  createImport(@CurrentActor() actor: Actor, @Query() q: CreateImportQuery, @Req() req: FastifyRequest) {
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const format = type === 'text/csv' ? 'csv' : type === XLSX_MEDIA_TYPE ? 'xlsx' : null;
    if (!format || !Buffer.isBuffer(req.body)) {
      throw new DomainError('IMPORT.UNSUPPORTED_MEDIA_TYPE', ErrorKind.Invalid, 'Skicka filen som text/csv eller XLSX.', `Send the file as text/csv or ${XLSX_MEDIA_TYPE}.`, [
        { field: 'content-type', sv: 'Innehållstypen stöds inte.', en: 'Unsupported content type.' },
      ]);
    }
    return this.imports.create(actor, { unitId: q.unitId, dryRun: q.dryRun !== 'false', format, file: req.body });
  }

  /** Progress, counts and the first row errors of an import in your units. */
  @RequirePermission(Permission.ImportRun)
  @Get(':id')
  getImport(@CurrentActor() actor: Actor, @Param() p: ImportIdParam) {
    return this.imports.get(actor, p.id);
  }
}
