import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EnvDto } from './env.dto.js';
import { parseRetention, type RetentionConfig } from './retention-config.js';
import {
  type LogReviewConfig,
  type OidcConfig,
  parseLogReview,
  parseOidcConfig,
  parseSignInRateLimit,
  parseTrustProxy,
  type SignInRateLimitConfig,
  type TrustProxy,
} from './trust-config.js';

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  /** Set: use that PostgreSQL. Unset: Mätpunkt starts an embedded PostgreSQL. */
  databaseUrl: string | undefined;
  /** Set: BullMQ on Redis. Unset: BullMQ on its PostgreSQL backend. */
  redisUrl: string | undefined;
  embeddedPg: { port: number; dir: string };
  pii: { encryptionKey: Buffer; indexKey: string };
  session: { secret: string; idleSeconds: number; absoluteSeconds: number; cookieSecure: boolean };
  localAccountsEnabled: boolean;
  /** OpenID Connect sign-in; undefined when OIDC_ISSUER is unset. */
  oidc: OidcConfig | undefined;
  signInRateLimit: SignInRateLimitConfig;
  /** Fastify `trustProxy`: whose X-Forwarded-For sets the client address (the sign-in limit per IP counts by it). */
  trustProxy: TrustProxy;
  logReview: LogReviewConfig;
  retention: RetentionConfig;
  logLevel: string;
}

/** Development-only secrets so `npm run demo` works on a fresh machine. Production refuses to start with them. */
const DEV_SECRETS = {
  PII_ENCRYPTION_KEY: 'ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZCE=',
  PII_INDEX_KEY: 'dev-only-blind-index-key-do-not-use-in-production',
  SESSION_SECRET: 'dev-only-session-secret-do-not-use-in-production',
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration / Ogiltig konfiguration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates an environment and returns the typed configuration, or throws a ConfigError listing every bad variable. */
export function parseConfig(env: NodeJS.ProcessEnv): AppConfig {
  const raw = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const dto = plainToInstance(EnvDto, raw, { enableImplicitConversion: false });
  const problems: string[] = validateSync(dto, { whitelist: false }).flatMap((e) =>
    Object.values(e.constraints ?? {}).map((msg) => `${e.property}: ${msg}`),
  );
  const nodeEnv = dto.NODE_ENV ?? 'development';
  if (nodeEnv === 'production') {
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'PII_ENCRYPTION_KEY', 'PII_INDEX_KEY', 'SESSION_SECRET'] as const) {
      if (!dto[name]) problems.push(`${name}: is required when NODE_ENV=production`);
    }
    for (const [name, value] of Object.entries(DEV_SECRETS)) {
      if (dto[name as keyof EnvDto] === value) problems.push(`${name}: the development default must not be used in production`);
    }
  }
  const oidc = parseOidcConfig(dto, nodeEnv, problems);
  const retention = parseRetention(dto, problems);
  const trustProxy = parseTrustProxy(dto, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const encryptionKey = Buffer.from(dto.PII_ENCRYPTION_KEY ?? DEV_SECRETS.PII_ENCRYPTION_KEY, 'base64');
  return {
    nodeEnv,
    port: dto.PORT ?? 3000,
    databaseUrl: dto.DATABASE_URL,
    redisUrl: dto.REDIS_URL,
    embeddedPg: { port: dto.EMBEDDED_PG_PORT ?? 54320, dir: dto.EMBEDDED_PG_DIR ?? './data/postgres' },
    pii: { encryptionKey, indexKey: dto.PII_INDEX_KEY ?? DEV_SECRETS.PII_INDEX_KEY },
    session: {
      secret: dto.SESSION_SECRET ?? DEV_SECRETS.SESSION_SECRET,
      idleSeconds: dto.SESSION_IDLE_SECONDS ?? 30 * 60,
      absoluteSeconds: dto.SESSION_ABSOLUTE_SECONDS ?? 10 * 3600,
      cookieSecure: (dto.COOKIE_SECURE ?? (nodeEnv === 'production' ? 'true' : 'false')) === 'true',
    },
    localAccountsEnabled: (dto.LOCAL_ACCOUNTS_ENABLED ?? 'true') === 'true',
    oidc,
    signInRateLimit: parseSignInRateLimit(dto),
    trustProxy,
    logReview: parseLogReview(dto),
    retention,
    logLevel: dto.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
  };
}

let cached: AppConfig | undefined;

/** The process's configuration, read from process.env once. */
export function getConfig(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}

/** For tests and CLI tools that change the environment before boot. */
export function resetConfigCache(): void {
  cached = undefined;
}
