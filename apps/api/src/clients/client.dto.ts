import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Sex } from '#domain';

const SEXES = Object.values(Sex);

export class RegisterClientDto {
  @ApiProperty({ description: 'The unit registering the client (must be within your units).' })
  @IsUUID()
  homeUnitId: string;

  @ApiPropertyOptional({ description: 'Personnummer or samordningsnummer; stored encrypted, never returned in lists.', example: '19811218-9876' })
  @IsOptional() @IsString() @MinLength(10) @MaxLength(13)
  personalIdentityNumber?: string;

  @ApiPropertyOptional({ minimum: 1900, maximum: 2100 })
  @IsOptional() @IsInt() @Min(1900) @Max(2100)
  birthYear?: number;

  @ApiPropertyOptional({ enum: SEXES })
  @IsOptional() @IsIn(SEXES)
  sex?: Sex;
}

export class UpdateClientDto {
  @ApiPropertyOptional()
  @IsOptional() @IsString() @MinLength(10) @MaxLength(13)
  personalIdentityNumber?: string;

  @ApiPropertyOptional({ minimum: 1900, maximum: 2100 })
  @IsOptional() @IsInt() @Min(1900) @Max(2100)
  birthYear?: number;

  @ApiPropertyOptional({ enum: SEXES })
  @IsOptional() @IsIn(SEXES)
  sex?: Sex;
}

/** Personnummer travels in a POST body, never in a URL or query string. */
export class FindClientDto {
  @ApiProperty({ example: '19811218-9876' })
  @IsString() @MinLength(10) @MaxLength(13)
  personalIdentityNumber: string;
}

export class ListClientsQuery {
  @ApiPropertyOptional({ description: 'Pseudonym to continue after (keyset pagination).' })
  @IsOptional() @IsString() @MaxLength(20)
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional() @IsUUID()
  unitId?: string;
}

export class ClientIdParam {
  @IsUUID()
  id: string;
}
