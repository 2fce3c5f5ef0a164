import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { isoDateOrNull } from './iso-date.js';

/** A calendar date 'YYYY-MM-DD' that exists (2026-02-30 is refused). */
export function ValidateDate(opts: { optional?: boolean; description?: string } = {}) {
  return applyDecorators(
    ...(opts.optional ? [IsOptional(), ApiPropertyOptional({ format: 'date', description: opts.description })] : [ApiProperty({ format: 'date', description: opts.description })]),
    IsString(),
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date YYYY-MM-DD' }),
    // The pattern accepts 2026-02-30; this refuses dates that do not exist.
    isoDateOrNull(),
  );
}

/** Free text a person writes: trimmed length limits, stored verbatim, always rendered escaped. */
export function ValidateText(opts: { optional?: boolean; min?: number; max: number; description?: string }) {
  return applyDecorators(
    ...(opts.optional ? [IsOptional(), ApiPropertyOptional({ description: opts.description, maxLength: opts.max })] : [ApiProperty({ description: opts.description, maxLength: opts.max })]),
    IsString(),
    MinLength(opts.min ?? (opts.optional ? 0 : 1)),
    MaxLength(opts.max),
  );
}
