import { isIP } from 'node:net';
import type { EnvDto } from './env.dto.js';

/** Roles an IdP group may map to; the same strings as `Role` in libs/domain (config depends on nothing of ours). */
export const MAPPABLE_ROLES = ['admin', 'unit_head', 'caseworker', 'analyst', 'politician'] as const;
export type MappableRole = (typeof MAPPABLE_ROLES)[number];

export interface OidcGroupGrant {
  /** Org unit code (`org_unit.code`) in the configured municipality. */
  unit: string;
  role: MappableRole;
}

export interface OidcConfig {
  issuer: URL;
  clientId: string;
  clientSecret: string | undefined;
  redirectUri: URL;
  usernameClaim: string;
  groupsClaim: string;
  /** IdP group name → the memberships it grants. */
  groupMap: ReadonlyMap<string, readonly OidcGroupGrant[]>;
  municipalityCode: string;
  scopes: string;
  /** Plain-http issuer allowed (loopback only, never in production): the test provider. */
  allowInsecureIssuer: boolean;
}

export interface SignInRateLimitConfig {
  perIp: number;
  perUsername: number;
  windowSeconds: number;
}

export interface LogReviewConfig {
  sampleSize: number;
  manyClientsThreshold: number;
  manyClientsWindowMinutes: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function parseGroupMap(raw: string, problems: string[]): Map<string, OidcGroupGrant[]> {
  const map = new Map<string, OidcGroupGrant[]>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    problems.push('OIDC_GROUP_MAP: must be JSON, e.g. {"soc-handlaggare-vux":[{"unit":"VUX","role":"caseworker"}]}');
    return map;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    problems.push('OIDC_GROUP_MAP: must be a JSON object of group name → list of {unit, role}');
    return map;
  }
  for (const [group, grants] of Object.entries(parsed as Record<string, unknown>)) {
    if (!Array.isArray(grants) || grants.length === 0) {
      problems.push(`OIDC_GROUP_MAP: "${group}" must map to a non-empty list of {unit, role}`);
      continue;
    }
    const list: OidcGroupGrant[] = [];
    for (const g of grants) {
      const unit = (g as { unit?: unknown })?.unit;
      const role = (g as { role?: unknown })?.role;
      if (typeof unit !== 'string' || !/^[A-Za-z0-9_.-]{1,40}$/.test(unit)) problems.push(`OIDC_GROUP_MAP: "${group}" has a bad unit code`);
      else if (!MAPPABLE_ROLES.includes(role as MappableRole)) problems.push(`OIDC_GROUP_MAP: "${group}" has role "${String(role)}", not one of ${MAPPABLE_ROLES.join(', ')}`);
      else list.push({ unit, role: role as MappableRole });
    }
    map.set(group, list);
  }
  return map;
}

/** The OIDC block: undefined when OIDC_ISSUER is unset; every missing or bad companion variable is a problem. */
export function parseOidcConfig(dto: EnvDto, nodeEnv: string, problems: string[]): OidcConfig | undefined {
  if (!dto.OIDC_ISSUER) {
    for (const name of ['OIDC_CLIENT_ID', 'OIDC_REDIRECT_URI', 'OIDC_GROUP_MAP', 'OIDC_MUNICIPALITY_CODE'] as const) {
      if (dto[name]) problems.push(`${name}: is set but OIDC_ISSUER is not`);
    }
    return undefined;
  }
  const before = problems.length;
  for (const name of ['OIDC_CLIENT_ID', 'OIDC_REDIRECT_URI', 'OIDC_GROUP_MAP', 'OIDC_MUNICIPALITY_CODE'] as const) {
    if (!dto[name]) problems.push(`${name}: is required when OIDC_ISSUER is set`);
  }
  const groupMap = dto.OIDC_GROUP_MAP ? parseGroupMap(dto.OIDC_GROUP_MAP, problems) : new Map();
  let issuer: URL | undefined;
  let redirectUri: URL | undefined;
  try {
    issuer = new URL(dto.OIDC_ISSUER);
    redirectUri = dto.OIDC_REDIRECT_URI ? new URL(dto.OIDC_REDIRECT_URI) : undefined;
  } catch {
    problems.push('OIDC_ISSUER/OIDC_REDIRECT_URI: must be absolute URLs');
  }
  const insecure = issuer?.protocol === 'http:';
  if (insecure && (nodeEnv === 'production' || !LOOPBACK.has(issuer!.hostname))) {
    problems.push('OIDC_ISSUER: must be https (plain http only for a loopback test provider outside production)');
  }
  if (nodeEnv === 'production' && redirectUri?.protocol !== 'https:') problems.push('OIDC_REDIRECT_URI: must be https in production');
  if (problems.length > before || !issuer || !redirectUri) return undefined;
  return {
    issuer,
    clientId: dto.OIDC_CLIENT_ID!,
    clientSecret: dto.OIDC_CLIENT_SECRET,
    redirectUri,
    usernameClaim: dto.OIDC_USERNAME_CLAIM ?? 'preferred_username',
    groupsClaim: dto.OIDC_GROUPS_CLAIM ?? 'groups',
    groupMap,
    municipalityCode: dto.OIDC_MUNICIPALITY_CODE!,
    scopes: dto.OIDC_SCOPES ?? 'openid profile',
    allowInsecureIssuer: insecure,
  };
}

export function parseSignInRateLimit(dto: EnvDto): SignInRateLimitConfig {
  return {
    perIp: dto.SIGN_IN_RATE_LIMIT_PER_IP ?? 30,
    perUsername: dto.SIGN_IN_RATE_LIMIT_PER_USERNAME ?? 10,
    windowSeconds: dto.SIGN_IN_RATE_LIMIT_WINDOW_SECONDS ?? 300,
  };
}

export function parseLogReview(dto: EnvDto): LogReviewConfig {
  return {
    sampleSize: dto.LOG_REVIEW_SAMPLE_SIZE ?? 20,
    manyClientsThreshold: dto.LOG_REVIEW_MANY_CLIENTS_THRESHOLD ?? 30,
    manyClientsWindowMinutes: dto.LOG_REVIEW_MANY_CLIENTS_WINDOW_MINUTES ?? 60,
  };
}

/**
 * Which peers may tell the API the client's address (`X-Forwarded-For`), as Fastify's `trustProxy` takes it: false
 * (the default: the socket's own address, which a client cannot forge), true (any peer: only when nothing can reach
 * the API except through the proxy), or the proxies' addresses and CIDR ranges. Hop counts are refused: Fastify 5
 * ignores them (a count cannot tell the proxy from a client that sends enough forwarded hops itself).
 */
export type TrustProxy = boolean | string[];

/** Names proxy-addr (Fastify) accepts for well-known ranges. */
const TRUST_PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  if (TRUST_PROXY_RANGES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** `TRUST_PROXY`: `true`, `false` (default), or comma-separated proxy addresses / CIDR ranges. */
export function parseTrustProxy(dto: EnvDto, problems: string[]): TrustProxy {
  const raw = dto.TRUST_PROXY?.trim();
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) {
    problems.push('TRUST_PROXY: a hop count cannot tell the proxy from a client that forges the header; give the proxy\'s address or CIDR range (e.g. "10.0.0.5")');
    return false;
  }
  const entries = raw.split(',').map((e) => e.trim());
  const bad = entries.filter((e) => !isAddressOrRange(e));
  if (bad.length > 0) {
    problems.push(
      `TRUST_PROXY: must be true, false or comma-separated proxy addresses / CIDR ranges (e.g. "10.0.0.5,192.168.1.0/24", or loopback, linklocal, uniquelocal); not an address or range: ${bad.map((b) => `"${b}"`).join(', ')}`,
    );
    return false;
  }
  return entries;
}
