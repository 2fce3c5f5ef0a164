import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { EpisodeCloseReason } from '#domain';
import { ValidateDate, ValidateText } from '../common/validators.js';

export class StartEpisodeDto {
  @ApiProperty() @IsUUID()
  clientId: string;

  @ApiProperty() @IsUUID()
  methodId: string;

  @ApiProperty({ description: 'The unit giving the intervention (within your units).' }) @IsUUID()
  orgUnitId: string;

  @ApiProperty({ description: 'Responsible caseworker (a caseworker or unit head of the unit or above it).' }) @IsUUID()
  caseworkerUserId: string;

  @ValidateDate({ description: 'Start date; not in the future.' })
  startDate: string;
}

export class CloseEpisodeDto {
  @ValidateDate()
  closeDate: string;

  @ApiProperty({ enum: Object.values(EpisodeCloseReason) }) @IsIn(Object.values(EpisodeCloseReason))
  reason: EpisodeCloseReason;
}

export class AddExtraOccasionDto {
  @ValidateDate({ description: 'When the extra measurement is due.' })
  dueDate: string;
}

export class MarkMissedDto {
  @ValidateText({ min: 3, max: 1000, description: 'Why the occasion was missed (e.g. the client declined).' })
  reason: string;
}

export class IdParam {
  @IsUUID()
  id: string;
}

export class WorklistQuery {
  @ApiPropertyOptional({ enum: ['mine', 'unit'], default: 'mine' })
  @IsOptional() @IsIn(['mine', 'unit'])
  view?: 'mine' | 'unit';

  @ApiPropertyOptional({ description: 'With view=unit: the unit (and everything below it).' })
  @IsOptional() @IsUUID()
  unitId?: string;
}
