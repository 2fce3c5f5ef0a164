import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { ValidateDate, ValidateText } from '../common/validators.js';

export class ClientIdParam {
  @IsUUID()
  clientId: string;
}

export class SampleIdParam {
  @IsUUID()
  id: string;
}

export class SampleItemParam {
  @IsUUID()
  id: string;

  @Matches(/^[1-9][0-9]{0,17}$/, { message: '$property must be an audit event id' })
  eventId: string;
}

export class ClientAccessesQuery {
  @ValidateDate({ optional: true, description: 'Accesses on or after this day.' })
  from?: string;

  @ValidateDate({ optional: true, description: 'Accesses on or before this day.' })
  to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 5000, default: 500 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(5000)
  limit?: number;
}

export class CreateSampleDto {
  @ApiProperty({ description: 'A unit within your units; its subtree is included.' })
  @IsUUID()
  unitId: string;

  @ApiProperty({ example: '2026-01', description: 'The reviewed month, YYYY-MM (not in the future).' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: '$property must be a month YYYY-MM' })
  month: string;
}

export class ListSamplesQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID()
  unitId?: string;
}

export const VERDICTS = ['ok', 'needs_follow_up'] as const;

export class UpdateSampleItemDto {
  @ApiProperty({ enum: VERDICTS })
  @IsIn(VERDICTS)
  verdict: (typeof VERDICTS)[number];

  @ValidateText({ optional: true, max: 2000, description: 'Required for needs_follow_up: what is to be followed up.' })
  comment?: string;
}

export class SignOffSampleDto {
  @ValidateText({ optional: true, max: 2000 })
  comment?: string;
}

export class FlagsQuery {
  @ApiPropertyOptional({ description: 'A unit within your units (and everything below it).' }) @IsOptional() @IsUUID()
  unitId?: string;

  @ValidateDate({ optional: true })
  from?: string;

  @ValidateDate({ optional: true })
  to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 5000, default: 500 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(5000)
  limit?: number;
}

export class AccessRightsQuery {
  @ApiProperty() @IsUUID()
  unitId: string;
}
