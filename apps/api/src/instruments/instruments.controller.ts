import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { type Actor, Permission } from '#access';
import { RequirePermission } from '../common/permission.decorator.js';
import { CurrentActor } from '../common/request-context.js';
import { FhirExportQuery, FhirImportQuery, InstrumentCodeParam, InstrumentDefinitionDto, InstrumentVersionParam } from './instrument.dto.js';
import { InstrumentsService } from './instruments.service.js';

@ApiTags('instruments')
@Controller('instruments')
export class InstrumentsController {
  constructor(@Inject(InstrumentsService) private readonly instruments: InstrumentsService) {}

  @RequirePermission(Permission.InstrumentRead)
  @Get()
  listInstruments(@CurrentActor() actor: Actor) {
    return this.instruments.list(actor);
  }

  @RequirePermission(Permission.InstrumentAdmin)
  @Post()
  createInstrument(@CurrentActor() actor: Actor, @Body() dto: InstrumentDefinitionDto) {
    return this.instruments.create(actor, dto.definition);
  }

  /**
   * The body is the Questionnaire resource itself, as FHIR clients send it; it has no DTO because the
   * instruments library reads and validates it whole (an untyped body passes the validation pipe untouched).
   */
  @RequirePermission(Permission.InstrumentAdmin)
  @Post('import/fhir')
  @ApiBody({ description: 'An HL7 FHIR R4 Questionnaire resource.', schema: { type: 'object', additionalProperties: true } })
  importFhirInstrument(@CurrentActor() actor: Actor, @Body() questionnaire: Record<string, unknown>, @Query() q: FhirImportQuery) {
    return this.instruments.importFhir(actor, questionnaire, q.code);
  }

  @RequirePermission(Permission.InstrumentRead)
  @Get(':code')
  getInstrument(@CurrentActor() actor: Actor, @Param() p: InstrumentCodeParam) {
    return this.instruments.get(actor, p.code);
  }

  @RequirePermission(Permission.InstrumentRead)
  @Get(':code/fhir')
  getInstrumentFhir(@CurrentActor() actor: Actor, @Param() p: InstrumentCodeParam, @Query() q: FhirExportQuery) {
    return this.instruments.exportFhir(actor, p.code, q.version);
  }

  @RequirePermission(Permission.InstrumentRead)
  @Get(':code/versions/:version')
  getInstrumentVersion(@CurrentActor() actor: Actor, @Param() p: InstrumentVersionParam) {
    return this.instruments.get(actor, p.code, p.version);
  }

  @RequirePermission(Permission.InstrumentAdmin)
  @Post(':code/versions')
  createInstrumentVersion(@CurrentActor() actor: Actor, @Param() p: InstrumentCodeParam, @Body() dto: InstrumentDefinitionDto) {
    return this.instruments.createVersion(actor, p.code, dto.definition);
  }
}
