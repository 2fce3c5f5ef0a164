import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

export class SignInDto {
  @ApiProperty({ example: 'handlaggare' })
  @IsString() @MinLength(2) @MaxLength(100)
  username: string;

  @ApiProperty()
  @IsString() @MinLength(1) @MaxLength(200)
  password: string;
}

export class CreateApiTokenDto {
  @ApiProperty({ example: 'Verksamhetssystemets integration' })
  @IsString() @MinLength(1) @MaxLength(100)
  name: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 365 })
  @IsOptional() @IsInt() @Min(1) @Max(365)
  expiresInDays?: number;
}
