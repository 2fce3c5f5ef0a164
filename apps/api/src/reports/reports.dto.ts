import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { REPORT_AUDIENCES, REPORT_PERIOD_KINDS, REPORT_SCOPE_KINDS, REPORT_SECTIONS, type ReportAudience, type ReportLanguage, type ReportPeriodKind, type ReportScopeKind, type ReportSection } from '#reports';

export class ReportIdParam {
  @IsUUID()
  id: string;
}

export class CreateReportDefinitionDto {
  @ApiProperty({ maxLength: 200, example: 'Nämndens halvårsrapport' })
  @IsString() @MinLength(1) @MaxLength(200)
  name: string;

  @ApiProperty({ enum: REPORT_SCOPE_KINDS })
  @IsIn(REPORT_SCOPE_KINDS as string[])
  scopeKind: ReportScopeKind;

  @ApiPropertyOptional({ description: 'The administration/unit or method id; omitted for the municipality.' })
  @IsOptional() @IsUUID()
  scopeId?: string;

  @ApiProperty({ enum: REPORT_AUDIENCES })
  @IsIn(REPORT_AUDIENCES as string[])
  audience: ReportAudience;

  @ApiProperty({ enum: REPORT_PERIOD_KINDS })
  @IsIn(REPORT_PERIOD_KINDS as string[])
  periodKind: ReportPeriodKind;

  @ApiPropertyOptional({ enum: REPORT_SECTIONS, isArray: true, description: 'Sections to include, in report order; default all.' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(REPORT_SECTIONS.length) @ArrayUnique() @IsIn(REPORT_SECTIONS as readonly string[] as string[], { each: true })
  sections?: ReportSection[];

  @ApiPropertyOptional({ enum: ['sv', 'en'], default: 'sv' })
  @IsOptional() @IsIn(['sv', 'en'])
  language?: ReportLanguage;
}

export class UpdateReportDefinitionDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: REPORT_SECTIONS, isArray: true })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(REPORT_SECTIONS.length) @ArrayUnique() @IsIn(REPORT_SECTIONS as readonly string[] as string[], { each: true })
  sections?: ReportSection[];

  @ApiPropertyOptional({ enum: ['sv', 'en'] })
  @IsOptional() @IsIn(['sv', 'en'])
  language?: ReportLanguage;

  @ApiPropertyOptional({ description: 'false stops scheduled generation; stored reports stay.' })
  @IsOptional() @IsBoolean()
  active?: boolean;
}

export class GenerateReportDto {
  @ApiPropertyOptional({ description: 'An ended period of the definition\'s kind (YYYY-H1, YYYY-H2 or YYYY); default the latest ended.', example: '2026-H1' })
  @IsOptional() @Matches(/^\d{4}(-H[12])?$/)
  period?: string;
}

export class ReportListQuery {
  @ApiPropertyOptional()
  @IsOptional() @IsUUID()
  definitionId?: string;
}

export class ExportQuery {
  @ApiProperty({ enum: ['csv', 'xlsx'] })
  @IsIn(['csv', 'xlsx'])
  format: 'csv' | 'xlsx';

  @ApiPropertyOptional({ description: 'YYYY, YYYY-H1, YYYY-H2 or R12 (default).' })
  @IsOptional() @Matches(/^(\d{4}(-H[12])?|R12)$/)
  period?: string;

  @ApiPropertyOptional({ enum: ['all', 'sex', 'age'], default: 'all' })
  @IsOptional() @IsIn(['all', 'sex', 'age'])
  breakdown?: 'all' | 'sex' | 'age';
}
