import 'reflect-metadata';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { Type } from 'class-transformer';

/** Every environment variable Mätpunkt reads. Nothing else in the code base touches process.env. */
export class EnvDto {
  @IsOptional() @IsIn(['development', 'production', 'test'])
  NODE_ENV?: 'development' | 'production' | 'test';

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(65535)
  PORT?: number;

  @IsOptional() @IsString() @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsOptional() @IsString() @Matches(/^rediss?:\/\//, { message: 'must be a redis:// URL' })
  REDIS_URL?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1024) @Max(65535)
  EMBEDDED_PG_PORT?: number;

  @IsOptional() @IsString()
  EMBEDDED_PG_DIR?: string;

  /** 32 bytes, base64: AES-256-GCM key for personnummer. */
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be 32 bytes in base64 (44 characters)' })
  PII_ENCRYPTION_KEY?: string;

  /** Secret for the keyed HMAC blind index of personnummer. */
  @IsOptional() @IsString() @MinLength(32)
  PII_INDEX_KEY?: string;

  /** Secret mixed into session and API-token hashes. */
  @IsOptional() @IsString() @MinLength(32)
  SESSION_SECRET?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(60) @Max(86400)
  SESSION_IDLE_SECONDS?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(300) @Max(7 * 86400)
  SESSION_ABSOLUTE_SECONDS?: number;

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional() @IsIn(['true', 'false'])
  LOCAL_ACCOUNTS_ENABLED?: string;

  @IsOptional() @IsIn(['true', 'false'])
  COOKIE_SECURE?: string;
}
