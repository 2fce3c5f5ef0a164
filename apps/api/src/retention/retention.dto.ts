import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ValidateDate } from '../common/validators.js';

export class RetentionDryRunQuery {
  @ValidateDate({ optional: true, description: 'The day to plan for (default: today in Sweden), e.g. 1 January next year.' })
  on?: string;
}

export class RetentionRunsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;
}
