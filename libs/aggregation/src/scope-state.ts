import type { EntityManager } from 'typeorm';

export interface ScopeRequest {
  scopeKey: string;
  municipalityId: string;
  /** computed_seq at the time of the request: names the coalescing job (recomputeJobId). */
  computedSeq: string;
}

/**
 * Requests a recompute of scopes: bumps requested_seq to a fresh number of `aggregate_request_seq` (never reused,
 * so a rolled-back request cannot alias a later one) and keeps the newest source change. Returns each scope's
 * computed_seq as it stands, read under the row lock.
 */
export async function requestScopes(
  m: EntityManager,
  rows: readonly { scopeKey: string; municipalityId: string; sourceAt: Date | string | null }[],
): Promise<ScopeRequest[]> {
  if (rows.length === 0) return [];
  // Sorted so concurrent requesters lock rows in the same order (no deadlocks).
  const unique = new Map<string, { scopeKey: string; municipalityId: string; sourceAt: Date | string | null }>();
  for (const r of rows) {
    const prev = unique.get(r.scopeKey);
    if (!prev || (r.sourceAt && (!prev.sourceAt || new Date(r.sourceAt) > new Date(prev.sourceAt)))) unique.set(r.scopeKey, r);
  }
  const sorted = [...unique.values()].sort((a, b) => (a.scopeKey < b.scopeKey ? -1 : 1));
  const result: { scope_key: string; municipality_id: string; computed_seq: string }[] = await m.query(
    `INSERT INTO aggregate_scope_state AS s (scope_key, municipality_id, requested_seq, requested_at, requested_source_at)
     SELECT x.scope_key, x.municipality_id, nextval('aggregate_request_seq'), now(), x.source_at
       FROM jsonb_to_recordset($1::jsonb) AS x(scope_key text, municipality_id uuid, source_at timestamptz) ORDER BY x.scope_key
     ON CONFLICT (scope_key) DO UPDATE SET requested_seq = excluded.requested_seq, requested_at = excluded.requested_at,
       requested_source_at = GREATEST(s.requested_source_at, excluded.requested_source_at)
     RETURNING scope_key, municipality_id, computed_seq`,
    [JSON.stringify(sorted.map((r) => ({ scope_key: r.scopeKey, municipality_id: r.municipalityId, source_at: r.sourceAt })))],
  );
  return result.map((r) => ({ scopeKey: r.scope_key, municipalityId: r.municipality_id, computedSeq: String(r.computed_seq) }));
}

export interface ScopeState {
  requestedSeq: string;
  computedSeq: string;
  requestedSourceAt: Date | null;
  computedAt: Date | null;
  computedSourceAt: Date | null;
}

export async function readScopeState(m: EntityManager, scopeKey: string): Promise<ScopeState | null> {
  const [r] = await m.query(
    `SELECT requested_seq, computed_seq, requested_source_at, computed_at, computed_source_at FROM aggregate_scope_state WHERE scope_key = $1`,
    [scopeKey],
  );
  return r
    ? {
        requestedSeq: String(r.requested_seq),
        computedSeq: String(r.computed_seq),
        requestedSourceAt: r.requested_source_at,
        computedAt: r.computed_at,
        computedSourceAt: r.computed_source_at,
      }
    : null;
}

/** Marks a scope computed up to a snapshot (never backwards: a rebuild may already have gone further). */
export async function markComputed(m: EntityManager, scopeKey: string, snapshot: string, sourceAt: Date | null): Promise<void> {
  await m.query(
    `UPDATE aggregate_scope_state SET computed_seq = GREATEST(computed_seq, $2::bigint), computed_at = now(),
            computed_source_at = CASE WHEN $2::bigint >= computed_seq THEN $3::timestamptz ELSE computed_source_at END
      WHERE scope_key = $1`,
    [scopeKey, snapshot, sourceAt],
  );
}
