import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min, ValidateBy } from 'class-validator';
import { Respondent, ResponseMode } from '#domain';
import type { AnswerValue } from '#instruments';
import { ValidateDate, ValidateText } from '../common/validators.js';

const MAX_ANSWERS = 500;
const MAX_ANSWER_TEXT = 4000;
const ITEM_ID = /^[A-Za-z0-9_.-]{1,100}$/;

/** Modes a person chooses when recording; `imported` is only set by bulk import. */
const RECORDING_MODES = [ResponseMode.WithCaseworker, ResponseMode.SelfOnDevice, ResponseMode.Paper];

/**
 * The shape of an answer map: item id → number, true/false, text or null. Whether the items exist and the
 * values fit them is checked against the instrument version by the service (fields `answers.<itemId>`).
 */
function IsAnswerMap() {
  return ValidateBy({
    name: 'isAnswerMap',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
        const entries = Object.entries(value);
        return (
          entries.length <= MAX_ANSWERS &&
          entries.every(
            ([k, v]) =>
              ITEM_ID.test(k) &&
              (v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= MAX_ANSWER_TEXT)),
          )
        );
      },
      defaultMessage: () =>
        `$property must be an object of at most ${MAX_ANSWERS} item ids, each answered with a number, true/false, a text of at most ${MAX_ANSWER_TEXT} characters or null`,
    },
  });
}

const ANSWERS_DOC: ApiPropertyOptions = {
  type: 'object',
  additionalProperties: { oneOf: [{ type: 'number' }, { type: 'boolean' }, { type: 'string' }], nullable: true },
  example: { phq9_1: 2, phq9_2: 1 },
  description: 'Item id → answer (option value, number, true/false, text; null = not answered).',
};

export class RecordResponseDto {
  @ApiProperty({ example: 'phq9' }) @IsString() @Matches(/^[a-z0-9_-]{1,40}$/)
  instrumentCode: string;

  @ApiPropertyOptional({ description: 'Default: the latest version of the instrument.' }) @IsOptional() @IsInt() @Min(1) @Max(100000)
  instrumentVersion?: number;

  @ValidateDate({ description: 'When the client answered: within the intervention, not in the future.' })
  answeredOn: string;

  @ApiProperty({ enum: Object.values(Respondent) }) @IsIn(Object.values(Respondent))
  respondent: Respondent;

  @ApiProperty({ enum: RECORDING_MODES }) @IsIn(RECORDING_MODES)
  mode: ResponseMode;

  @ApiProperty(ANSWERS_DOC) @IsAnswerMap()
  answers: Record<string, AnswerValue>;
}

export class CorrectResponseDto {
  @ValidateText({ min: 3, max: 1000, description: 'Why the response is corrected (kept in its history).' })
  reason: string;

  @ApiProperty({ ...ANSWERS_DOC, description: 'The whole corrected set of answers (replaces the previous one).' }) @IsAnswerMap()
  answers: Record<string, AnswerValue>;

  @ValidateDate({ optional: true, description: 'Default: as in the corrected revision.' })
  answeredOn?: string;

  @ApiPropertyOptional({ enum: Object.values(Respondent) }) @IsOptional() @IsIn(Object.values(Respondent))
  respondent?: Respondent;

  @ApiPropertyOptional({ enum: RECORDING_MODES }) @IsOptional() @IsIn(RECORDING_MODES)
  mode?: ResponseMode;
}

/** A uuid path parameter (an occasion, response or episode id). */
export class IdParam {
  @IsUUID()
  id: string;
}
