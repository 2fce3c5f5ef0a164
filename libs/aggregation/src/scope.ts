import { invalid } from '#domain';

/**
 * What an aggregate scope covers: a `client` scope holds level-1 rows, unit/method/group/municipality level-2
 * figures; the three `*batch` keys (one per municipality) are the tiers whose batch jobs compute the others.
 */
export type Tier = 'clientbatch' | 'smallbatch' | 'largebatch';
export type ScopeKind = 'client' | 'unit' | 'method' | 'group' | 'municipality' | Tier;
export const GROUP_SCOPE_KINDS: readonly ScopeKind[] = ['unit', 'method', 'group', 'municipality'];

const KEY = /^(client|unit|method|group|municipality|clientbatch|smallbatch|largebatch):([0-9a-f-]{36})$/;

export function tierKey(tier: Tier, municipalityId: string): string {
  return `${tier}:${municipalityId}`;
}

export function scopeKey(kind: ScopeKind, id: string): string {
  return `${kind}:${id}`;
}

export function parseScopeKey(key: string): { kind: ScopeKind; id: string } {
  const m = KEY.exec(key);
  if (!m) throw invalid('AGGREGATE.BAD_SCOPE', `Okänt omfång: ${key}.`, `Unknown aggregate scope: ${key}.`);
  return { kind: m[1] as ScopeKind, id: m[2]! };
}

/**
 * The BullMQ job id of "recompute this scope past computed_seq N". Every request made while the scope stands at N
 * maps to the same id, so a burst coalesces into one waiting job; a job that is already running keeps its id and
 * re-enqueues itself (under the next N) when requests moved on while it ran. BullMQ ids may not contain ':'.
 */
export function recomputeJobId(key: string, computedSeq: string | number): string {
  return `agg.${key.replace(':', '.')}.${computedSeq}`;
}
