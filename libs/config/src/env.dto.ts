import 'reflect-metadata';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
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

  // OpenID Connect sign-in (docs/sign-in.md). All of issuer, client id, redirect URI, municipality
  // and group map must be set together; unset issuer = OIDC off.
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  OIDC_ISSUER?: string;

  @IsOptional() @IsString() @MaxLength(200)
  OIDC_CLIENT_ID?: string;

  @IsOptional() @IsString() @MaxLength(500)
  OIDC_CLIENT_SECRET?: string;

  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  OIDC_REDIRECT_URI?: string;

  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_.:/-]{1,100}$/, { message: 'must be a claim name' })
  OIDC_USERNAME_CLAIM?: string;

  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_.:/-]{1,100}$/, { message: 'must be a claim name' })
  OIDC_GROUPS_CLAIM?: string;

  /** JSON: { "<IdP group>": [{ "unit": "<org unit code>", "role": "<role>" }, …] }. */
  @IsOptional() @IsString()
  OIDC_GROUP_MAP?: string;

  /** The municipality (4-digit code) whose users sign in through this IdP. */
  @IsOptional() @IsString() @Matches(/^[0-9]{4}$/, { message: 'must be a 4-digit municipality code' })
  OIDC_MUNICIPALITY_CODE?: string;

  @IsOptional() @IsString() @Matches(/^openid( [A-Za-z0-9_.:/-]+)*$/, { message: 'must start with "openid", space-separated' })
  OIDC_SCOPES?: string;

  // Sign-in rate limits (PostgreSQL-backed, so they hold across API replicas).
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000000)
  SIGN_IN_RATE_LIMIT_PER_IP?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000000)
  SIGN_IN_RATE_LIMIT_PER_USERNAME?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(10) @Max(86400)
  SIGN_IN_RATE_LIMIT_WINDOW_SECONDS?: number;

  /** Peers trusted to set X-Forwarded-For: true, false, or comma-separated proxy addresses / CIDR ranges. */
  @IsOptional() @IsString() @MaxLength(2000)
  TRUST_PROXY?: string;

  // Log review (docs/log-review.md).
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  LOG_REVIEW_SAMPLE_SIZE?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(2) @Max(100000)
  LOG_REVIEW_MANY_CLIENTS_THRESHOLD?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1440)
  LOG_REVIEW_MANY_CLIENTS_WINDOW_MINUTES?: number;

  // Retention (gallring, docs/retention.md).
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  RETENTION_YEARS?: number;

  /** Comma-separated days of the month (research exception), or "none". */
  @IsOptional() @IsString() @MaxLength(200)
  RETENTION_KEEP_BIRTH_DAYS?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10000)
  RETENTION_BATCH_SIZE?: number;
}
