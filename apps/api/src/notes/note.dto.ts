import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, IsUUID, Matches, Max, Min, ValidateNested } from 'class-validator';
import { OCCASION_NOTE_KINDS, type OccasionNoteKind, UNIT_NOTE_KINDS, type UnitNoteKind } from '#persistence';
import { ValidateDate, ValidateText } from '../common/validators.js';

export const WITH_WHOM = ['client', 'relative', 'both'] as const;

/** An occasion-level note: client data. Which fields apply depends on `kind` (checked by the service, naming the field). */
export class CreateOccasionNoteDto {
  @ApiProperty({ enum: OCCASION_NOTE_KINDS }) @IsIn(OCCASION_NOTE_KINDS)
  kind: OccasionNoteKind;

  @ValidateDate({ description: 'When it was discussed or decided; not in the future, not before the intervention start.' })
  heldOn: string;

  @ApiPropertyOptional({ enum: WITH_WHOM, description: 'discussed_with_client: with whom (required).' }) @IsOptional() @IsIn(WITH_WHOM)
  withWhom?: (typeof WITH_WHOM)[number];

  @ValidateText({ optional: true, max: 10000, description: 'discussed_with_client: the client’s own comment.' })
  clientComment?: string;

  @ValidateText({ optional: true, max: 10000, description: 'Further remarks.' })
  text?: string;

  @ApiPropertyOptional({ description: 'adjustment_decision: whether the intervention was adjusted (required).' }) @IsOptional() @IsBoolean()
  adjusted?: boolean;

  @ValidateText({ optional: true, max: 4000, description: 'adjustment_decision: what was adjusted (required when adjusted).' })
  what?: string;

  @ValidateText({ optional: true, max: 4000, description: 'adjustment_decision: why it was, or deliberately was not, adjusted (required).' })
  why?: string;

  @ApiPropertyOptional({ description: 'The note of the same kind at this occasion that this one corrects.' }) @IsOptional() @IsUUID()
  correctsNoteId?: string;
}

export const PROMPT_SCOPES = ['unit', 'method', 'group'] as const;

/** The aggregate figure that prompted a note (e.g. a method adjustment). */
export class AggregatePromptDto {
  @ApiProperty({ enum: PROMPT_SCOPES }) @IsIn(PROMPT_SCOPES)
  scope: (typeof PROMPT_SCOPES)[number];

  @ApiProperty({ description: 'The unit, method or group the figure is about.' }) @IsUUID()
  scopeId: string;

  @ApiProperty({ example: '2025-H1', description: 'The period of the figure, as the aggregates name it (e.g. 2025, 2025-H1, 2025-01-01/2025-06-30).' })
  @IsString() @Matches(/^[A-Za-z0-9:/_.-]{1,40}$/)
  period: string;

  @ApiProperty({ example: 'phq9_total.reliably_improved_share', description: 'Which figure (key as the aggregates name it).' })
  @IsString() @Matches(/^[A-Za-z0-9:_.-]{1,100}$/)
  figure: string;

  @ApiPropertyOptional({ description: 'The figure’s value when it prompted the note.' }) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false })
  value?: number;
}

export class NoteDetailsDto {
  @ApiPropertyOptional({ type: AggregatePromptDto, description: 'Required for method_adjusted: the aggregate that prompted it.' })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => AggregatePromptDto)
  prompt?: AggregatePromptDto;

  @ValidateText({ optional: true, min: 1, max: 1000, description: 'partner_discussion: which partners (organisations, not people).' })
  partners?: string;

  @ValidateDate({ optional: true, description: 'method_review: the due date of the scheduled review this note records as done.' })
  scheduledFor?: string;
}

/** A unit- or method-level note: organisation data, never about a client. */
export class CreateUnitNoteDto {
  @ApiProperty({ enum: UNIT_NOTE_KINDS }) @IsIn(UNIT_NOTE_KINDS)
  kind: UnitNoteKind;

  @ApiPropertyOptional({ description: 'The unit (within your units); may be left out when you are unit head of exactly one unit.' })
  @IsOptional() @IsUUID()
  orgUnitId?: string;

  @ApiPropertyOptional({ description: 'The method; required for method_adjusted and method_review.' }) @IsOptional() @IsUUID()
  methodId?: string;

  @ValidateDate({ description: 'When the meeting or decision took place; not in the future.' })
  heldOn: string;

  @ValidateText({ max: 10000, description: 'What was discussed or decided. No client data.' })
  text: string;

  @ApiPropertyOptional({ type: NoteDetailsDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => NoteDetailsDto)
  details?: NoteDetailsDto;

  @ApiPropertyOptional({ description: 'The note of the same kind that this one corrects.' }) @IsOptional() @IsUUID()
  correctsNoteId?: string;
}

export class UnitNotesQuery {
  @ApiPropertyOptional({ description: 'A unit within your units (and everything below it).' }) @IsOptional() @IsUUID()
  orgUnitId?: string;

  @ApiPropertyOptional() @IsOptional() @IsUUID()
  methodId?: string;

  @ApiPropertyOptional({ enum: UNIT_NOTE_KINDS }) @IsOptional() @IsIn(UNIT_NOTE_KINDS)
  kind?: UnitNoteKind;

  @ValidateDate({ optional: true, description: 'Held on or after.' })
  from?: string;

  @ValidateDate({ optional: true, description: 'Held on or before.' })
  to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 200 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;
}

export class NoteIdParam {
  @IsUUID()
  id: string;
}
