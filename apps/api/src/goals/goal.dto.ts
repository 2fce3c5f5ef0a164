import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsInt, IsNumber, IsObject, IsOptional, IsString, IsUUID, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ValidateDate, ValidateText } from '../common/validators.js';

export class GoalScaleDto {
  @ApiProperty({ example: 'phq9', description: 'An instrument in the episode’s measurement plan.' }) @IsString() @Matches(/^[a-z0-9_-]{1,40}$/)
  instrumentCode: string;

  @ApiProperty({ example: 'phq9_total', description: 'A scale of the instrument’s current definition.' }) @IsString() @Matches(/^[A-Za-z0-9_.-]{1,80}$/)
  scaleId: string;

  @ApiProperty({ example: 9 }) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-1e6) @Max(1e6)
  targetValue: number;
}

/** What each GAS level means for this client; all five are described (Kiresuk & Sherman). */
export class GasLevelsDto {
  @ValidateText({ max: 1000, description: 'Much less than expected (−2).' })
  '-2': string;

  @ValidateText({ max: 1000, description: 'Somewhat less than expected (−1).' })
  '-1': string;

  @ValidateText({ max: 1000, description: 'The expected outcome (0).' })
  '0': string;

  @ValidateText({ max: 1000, description: 'Somewhat more than expected (+1).' })
  '1': string;

  @ValidateText({ max: 1000, description: 'Much more than expected (+2).' })
  '2': string;
}

export class GoalGasDto {
  @ApiProperty({ type: GasLevelsDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => GasLevelsDto)
  levels: GasLevelsDto;

  @ApiPropertyOptional({ default: 1, description: 'Weight in the GAS T-score; > 0.' })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0.001) @Max(100)
  weight?: number;
}

export class CreateGoalDto {
  @ValidateText({ max: 2000, description: 'The goal, written SMART (specific, measurable, achievable, relevant, time-bound).' })
  text: string;

  @ValidateDate({ optional: true, description: 'When the goal should be reached; not before the intervention start.' })
  targetDate?: string;

  @ApiPropertyOptional({ type: GoalScaleDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => GoalScaleDto)
  scale?: GoalScaleDto;

  @ApiPropertyOptional({ type: GoalGasDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => GoalGasDto)
  gas?: GoalGasDto;
}

export class UpdateGoalDto {
  @ValidateText({ optional: true, min: 1, max: 2000 })
  text?: string;

  @ValidateDate({ optional: true })
  targetDate?: string;

  @ApiPropertyOptional({ type: GoalGasDto, description: 'Replaces the GAS scale; refused (409) once attainment is recorded.' })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GoalGasDto)
  gas?: GoalGasDto;
}

export class RecordAttainmentDto {
  @ApiPropertyOptional({ minimum: -2, maximum: 2, description: 'Required when the goal has a GAS scale.' })
  @IsOptional() @IsInt() @Min(-2) @Max(2)
  gasLevel?: number;

  @ApiPropertyOptional({ description: 'Whether the goal is reached; required when the goal has no GAS scale.' }) @IsOptional() @IsBoolean()
  achieved?: boolean;

  @ValidateText({ optional: true, max: 2000 })
  comment?: string;
}

export class GoalIdParam {
  @IsUUID()
  id: string;
}

export class AttainmentParams {
  @IsUUID()
  id: string;

  @IsUUID()
  goalId: string;
}
