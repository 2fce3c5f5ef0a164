import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsUUID } from 'class-validator';
import { ValidateDate, ValidateText } from '../common/validators.js';

/** Group names are trimmed before validation, so a name of only spaces is refused as empty. */
const trimmed = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export class CreateGroupDto {
  @ApiProperty({ description: 'The unit the group belongs to (within your units).' }) @IsUUID()
  orgUnitId: string;

  @trimmed()
  @ValidateText({ min: 1, max: 200, description: 'Unique within the unit, e.g. "DBT-grupp vår 2026".' })
  name: string;
}

export class RenameGroupDto {
  @trimmed()
  @ValidateText({ min: 1, max: 200 })
  name: string;
}

export class AddGroupMemberDto {
  @ApiProperty({ description: 'An episode (insats) in the group’s unit or below it.' }) @IsUUID()
  episodeId: string;

  @ValidateDate({ description: 'When the client joined the group: on or after the episode’s start, not after its close, not in the future.' })
  joinedOn: string;
}

export class EndGroupMemberDto {
  @ValidateDate({ description: 'When the client left the group: on or after joinedOn, not in the future.' })
  leftOn: string;
}

export class GroupIdParam {
  @IsUUID()
  id: string;
}

export class GroupMemberParam {
  @IsUUID()
  id: string;

  @IsUUID()
  episodeId: string;
}

export class ListGroupsQuery {
  @ApiPropertyOptional({ description: 'A unit: its groups and those of the units below it (default: all your units).' })
  @IsOptional() @IsUUID()
  unitId?: string;
}
