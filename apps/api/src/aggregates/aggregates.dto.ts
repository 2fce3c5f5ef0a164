import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { EvidenceStatus } from '#domain';

export class IdParam {
  @IsUUID()
  id: string;
}

export class ScopeQuery {
  @ApiPropertyOptional({ description: 'YYYY, YYYY-H1, YYYY-H2 or R12 (rolling 12 months; default).', example: 'R12' })
  @IsOptional() @Matches(/^(\d{4}(-H[12])?|R12)$/)
  period?: string;

  @ApiPropertyOptional({ enum: ['all', 'sex', 'age'], default: 'all' })
  @IsOptional() @IsIn(['all', 'sex', 'age'])
  breakdown?: 'all' | 'sex' | 'age';
}

export class TrendQuery {
  @ApiProperty({ description: 'Instrument id and scale id, `<instrumentId>/<scaleId>`.' })
  @IsString() @Matches(/^[0-9a-f-]{36}\/[A-Za-z0-9_.-]{1,60}$/)
  subject: string;
}

export class EvidenceQuery {
  @ApiProperty()
  @IsUUID()
  methodId: string;

  @ApiPropertyOptional({ description: 'A unit: the method within that unit and everything below it.' })
  @IsOptional() @IsUUID()
  unitId?: string;
}

export class EvidenceAnswerDto {
  @ApiProperty()
  @IsUUID()
  methodId: string;

  @ApiPropertyOptional()
  @IsOptional() @IsUUID()
  unitId?: string;

  @ApiProperty({ enum: [10, 11] })
  @Type(() => Number) @IsIn([10, 11])
  element: 10 | 11;

  @ApiProperty({ minimum: 1, maximum: 7 })
  @Type(() => Number) @IsInt() @Min(1) @Max(7)
  question: number;

  @ApiProperty({ enum: ['ja', 'delvis', 'nej'] })
  @IsIn(['ja', 'delvis', 'nej'])
  answer: 'ja' | 'delvis' | 'nej';

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional() @IsString() @MaxLength(4000)
  comment?: string;
}

const ELEMENTS = ['theory', 'positive_effect', 'description', 'goals', 'transferability', 'economy', 'professional_reflection', 'relational_collaboration', 'individual_adaptation'];

export class MethodDescriptionDto {
  @ApiPropertyOptional({ description: `Text per element of the 11-element model (${ELEMENTS.join(', ')}); elements 10 and 11 come from data.` })
  @IsOptional() @IsObject()
  elementDescriptions?: Record<string, string>;

  @ApiPropertyOptional({ enum: Object.values(EvidenceStatus) })
  @IsOptional() @IsIn(Object.values(EvidenceStatus))
  evidenceStatus?: EvidenceStatus;
}

export const ELEMENT_KEYS: readonly string[] = ELEMENTS;

/** PUT /aggregates/settings: the whole row (docs/aggregation.md, "Settings"). */
export class AggregationSettingsDto {
  @ApiProperty({ minimum: 1, maximum: 100, description: 'Suppression k for politicians: counts 0 < n < k are shown as "..".' })
  @IsInt() @Min(1) @Max(100)
  kPolitician: number;

  @ApiProperty({ minimum: 1, maximum: 100, description: 'Suppression k for analysts.' })
  @IsInt() @Min(1) @Max(100)
  kAnalyst: number;

  @ApiProperty({ description: 'Evidence threshold for "Ja": a share in (0, 1].', example: 0.8 })
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  evidenceYes: number;

  @ApiProperty({ description: 'Evidence threshold for "Delvis": a share in (0, 1], at most evidenceYes.', example: 0.5 })
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  evidencePartly: number;
}
