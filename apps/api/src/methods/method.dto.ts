import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min, ValidateNested } from 'class-validator';
import { EvidenceStatus, OccasionKind } from '#domain';
import { ValidateText } from '../common/validators.js';

export class CreateMethodDto {
  @ApiProperty({ example: 'MI' }) @IsString() @Matches(/^[A-Za-z0-9_.-]{1,40}$/)
  code: string;

  @ValidateText({ max: 200 })
  name: string;

  @ValidateText({ optional: true, max: 5000 })
  description?: string;

  @ApiPropertyOptional({ enum: Object.values(EvidenceStatus) }) @IsOptional() @IsIn(Object.values(EvidenceStatus))
  evidenceStatus?: EvidenceStatus;
}

export class PlanInstrumentDto {
  @ApiProperty({ enum: Object.values(OccasionKind) }) @IsIn(Object.values(OccasionKind))
  occasionKind: OccasionKind;

  @ApiProperty({ example: 'phq9' }) @IsString() @Matches(/^[a-z0-9_-]{1,40}$/)
  instrumentCode: string;
}

export class CreatePlanDto {
  @ApiPropertyOptional({ default: 6 }) @IsOptional() @IsInt() @Min(1) @Max(36)
  intervalMonths?: number;

  @ApiPropertyOptional({ default: 4 }) @IsOptional() @IsInt() @Min(0) @Max(40)
  maxFollowUps?: number;

  @ApiPropertyOptional({ default: 14 }) @IsOptional() @IsInt() @Min(0) @Max(365)
  startWindowBeforeDays?: number;

  @ApiPropertyOptional({ default: 30 }) @IsOptional() @IsInt() @Min(0) @Max(365)
  startWindowAfterDays?: number;

  @ApiPropertyOptional({ default: 30 }) @IsOptional() @IsInt() @Min(0) @Max(365)
  followUpWindowDays?: number;

  @ApiPropertyOptional({ default: 30 }) @IsOptional() @IsInt() @Min(0) @Max(365)
  closeWindowBeforeDays?: number;

  @ApiPropertyOptional({ default: 14 }) @IsOptional() @IsInt() @Min(0) @Max(365)
  closeWindowAfterDays?: number;

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean()
  requiresAdjustmentDecision?: boolean;

  @ApiProperty({ type: [PlanInstrumentDto] }) @IsArray() @ArrayMaxSize(60) @ValidateNested({ each: true }) @Type(() => PlanInstrumentDto)
  instruments: PlanInstrumentDto[];
}

export class MethodIdParam {
  @IsUUID()
  id: string;
}
