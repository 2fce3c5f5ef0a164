import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { OrgUnitKind, Role } from '#domain';
import { ValidateText } from '../common/validators.js';

export class MembershipDto {
  @ApiProperty() @IsUUID()
  unitId: string;

  @ApiProperty({ enum: Object.values(Role) }) @IsIn(Object.values(Role))
  role: Role;
}

export class CreateUserDto {
  @ApiProperty({ example: 'anna.andersson' }) @IsString() @Matches(/^[a-z0-9_.@-]{2,100}$/)
  username: string;

  @ValidateText({ max: 200 })
  displayName: string;

  @ApiPropertyOptional({ description: 'For local accounts (the demo); leave out when users sign in through the IdP.' })
  @IsOptional() @IsString() @MinLength(12) @MaxLength(200)
  password?: string;

  @ApiProperty({ type: [MembershipDto] }) @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => MembershipDto)
  memberships: MembershipDto[];
}

export class UpdateUserDto {
  @ValidateText({ optional: true, max: 200 })
  displayName?: string;

  @ApiPropertyOptional({ description: 'Disabling ends every session of the user at once.' }) @IsOptional() @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(12) @MaxLength(200)
  password?: string;
}

export class ReplaceMembershipsDto {
  @ApiProperty({ type: [MembershipDto] }) @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => MembershipDto)
  memberships: MembershipDto[];
}

export class CreateOrgUnitDto {
  @ApiProperty() @IsUUID()
  parentId: string;

  @ApiProperty({ enum: Object.values(OrgUnitKind) }) @IsIn(Object.values(OrgUnitKind))
  kind: OrgUnitKind;

  @ApiProperty({ example: 'VUX-MI' }) @IsString() @Matches(/^[A-Za-z0-9_.-]{1,40}$/)
  code: string;

  @ValidateText({ max: 200 })
  name: string;
}

export class UserIdParam {
  @IsUUID()
  id: string;
}
