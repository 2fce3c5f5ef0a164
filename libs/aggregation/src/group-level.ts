import type { EntityManager } from 'typeorm';
import { CELL_COLUMNS, EPISODE_STATS, FIGURE_STATS, NO_GROUP, OCCASION_STATS, OUTCOME_STATS } from './cells.js';
import { type AggregateTables, AGGREGATE_TABLES } from './client-level.js';

/** One figure row set of a scope to recompute (every breakdown of it): a row of aggregate_dirty. */
export interface WantedFigure {
  scopeKey: string;
  figure: string;
  subject: string;
  periodKey: string;
}

/** One level-2 scope to compute, with the request number and newest source change its result will include. */
export interface ScopeTarget {
  scopeKey: string;
  seq: string;
  sourceAt: Date | null;
}

/** Fills agg_map: which leaf org units / methods / groups each target scope covers (unit = its subtree by path). */
async function mapScopes(m: EntityManager, municipalityId: string, targets: readonly ScopeTarget[]): Promise<void> {
  await m.query(`
    CREATE TEMP TABLE IF NOT EXISTS agg_map (kind text, scope_key text, org_unit_id uuid, method_id uuid, group_id uuid, seq bigint, source_at timestamptz) ON COMMIT DROP;
    TRUNCATE agg_map;`);
  const json = JSON.stringify(targets.map((x) => ({ scope_key: x.scopeKey, seq: x.seq, source_at: x.sourceAt })));
  await m.query(
    `WITH t AS (SELECT scope_key, split_part(scope_key, ':', 1) AS kind, split_part(scope_key, ':', 2)::uuid AS id, seq, source_at
                  FROM jsonb_to_recordset($2::jsonb) AS x(scope_key text, seq bigint, source_at timestamptz))
     INSERT INTO agg_map
     SELECT 'unit', t.scope_key, d.id, NULL::uuid, NULL::uuid, t.seq, t.source_at FROM t
       JOIN org_unit a ON a.id = t.id AND a.municipality_id = $1 JOIN org_unit d ON d.municipality_id = $1 AND d.path LIKE a.path || '%'
      WHERE t.kind = 'unit'
     UNION ALL SELECT 'method', t.scope_key, NULL::uuid, t.id, NULL::uuid, t.seq, t.source_at FROM t WHERE t.kind = 'method'
     UNION ALL SELECT 'group', t.scope_key, NULL::uuid, NULL::uuid, t.id, t.seq, t.source_at FROM t WHERE t.kind = 'group'
     UNION ALL SELECT 'municipality', t.scope_key, NULL::uuid, NULL::uuid, NULL::uuid, t.seq, t.source_at FROM t WHERE t.kind = 'municipality'`,
    [municipalityId, json],
  );
  await m.query(`ANALYZE agg_map`);
}

/**
 * The cells of one figure (statistics named as in FIGURE_STATS) mapped to every target scope that contains them; a
 * half-year cell also counts in its calendar year (`derived`), since every statistic is an additive sum.
 */
function mapped(cellTable: string, figure: keyof typeof FIGURE_STATS, kinds: ReadonlySet<string>, restricted: boolean): string {
  const stats = FIGURE_STATS[figure].map((n, i) => `c.${CELL_COLUMNS[i]} AS ${n}`).join(', ');
  const years = `CROSS JOIN LATERAL (VALUES (c.period_key, false), (CASE WHEN c.period_key LIKE '____-H_' THEN left(c.period_key, 4) END, true)) AS pk(pkey, derived)`;
  const sel = `SELECT m.scope_key, m.seq, m.source_at, pk.pkey, pk.derived, c.method_id, c.subject, c.sub, c.sex, c.age_band, ${stats} FROM ${cellTable} c`;
  const subjects = figure === 'episodes' ? `w.subject IN (c.method_id::text, '*')` : `w.subject = c.subject`;
  const want = restricted
    ? ` AND EXISTS (SELECT 1 FROM agg_want w WHERE w.scope_key = m.scope_key AND w.figure = '${figure}' AND w.period_key = pk.pkey AND ${subjects})`
    : '';
  const where = `c.municipality_id = $1 AND c.figure = '${figure}' AND pk.pkey IS NOT NULL${want}`;
  const ungrouped = `c.group_id = '${NO_GROUP}'`;
  const parts: string[] = [];
  if (kinds.has('unit'))
    parts.push(`${sel} JOIN agg_map m ON m.kind = 'unit' AND m.org_unit_id = c.org_unit_id ${years} WHERE ${where} AND ${ungrouped}`);
  if (kinds.has('method'))
    parts.push(`${sel} JOIN agg_map m ON m.kind = 'method' AND m.method_id = c.method_id ${years} WHERE ${where} AND ${ungrouped}`);
  if (kinds.has('municipality')) parts.push(`${sel} JOIN agg_map m ON m.kind = 'municipality' ${years} WHERE ${where} AND ${ungrouped}`);
  if (kinds.has('group')) parts.push(`${sel} JOIN agg_map m ON m.kind = 'group' AND m.group_id = c.group_id ${years} WHERE ${where}`);
  return parts.join('\n UNION ALL ');
}

const BREAKDOWN = `CASE WHEN GROUPING(sex) = 0 THEN 'sex:' || sex WHEN GROUPING(age_band) = 0 THEN 'age:' || age_band ELSE 'all' END`;
const sums = (names: readonly string[]) => names.map((n) => `sum(${n}) AS ${n}`).join(', ');
/** n_active is counted per year directly (an episode active in both halves is one episode of the year). */
const episodeSums = (names: readonly string[]) =>
  names.map((n) => (n === 'n_active' ? `sum(CASE WHEN derived THEN 0 ELSE n_active END) AS n_active` : `sum(${n}) AS ${n}`)).join(', ');
const obj = (names: readonly string[], from = '') => names.map((n) => `'${n}', ${from}${n}`).join(', ');

const FIGURE_COLS =
  'scope_key, period_key, breakdown_key, figure, subject, municipality_id, stats, computed_seq, computed_at, source_changed_at';

/**
 * Level 2 for the target scopes, summed from the stored cells (one statement per figure): additive sufficient
 * statistics per scope, period and breakdown, so every figure with its n is derived exactly from them (figures.ts).
 * The result replaces the targets' rows in `t.figure`; only rows whose statistics changed are written, so a
 * recompute that finds nothing new writes nothing.
 */
export async function recomputeGroupLevel(
  m: EntityManager,
  municipalityId: string,
  targets: readonly ScopeTarget[],
  t: AggregateTables = AGGREGATE_TABLES,
  want: readonly WantedFigure[] | null = null,
): Promise<{ written: number; deleted: number }> {
  if (targets.length === 0) return { written: 0, deleted: 0 };
  await mapScopes(m, municipalityId, targets);
  const restricted = want !== null;
  if (restricted) {
    await m.query(`CREATE TEMP TABLE IF NOT EXISTS agg_want (scope_key text, figure text, subject text, period_key text) ON COMMIT DROP; TRUNCATE agg_want;`);
    await m.query(`INSERT INTO agg_want SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(scope_key text, figure text, subject text, period_key text)`, [
      JSON.stringify(want.map((w) => ({ scope_key: w.scopeKey, figure: w.figure, subject: w.subject, period_key: w.periodKey }))),
    ]);
    await m.query(`ANALYZE agg_want`);
  }
  const kinds = new Set(targets.map((x) => x.scopeKey.split(':')[0]!));
  await m.query(`DROP TABLE IF EXISTS agg_fig_new`);
  await m.query(`CREATE TEMP TABLE agg_fig_new (LIKE aggregate_figure INCLUDING DEFAULTS) ON COMMIT DROP`);
  const insert = `INSERT INTO agg_fig_new (${FIGURE_COLS})`;
  const P = [municipalityId];

  // Outcome (question 3): each episode-scale row counts in the periods of its last measurement (anchor_on).
  await m.query(
    `${insert}
     WITH r AS (
       SELECT scope_key, max(seq) AS seq, max(source_at) AS source_at, pkey AS period_key, ${BREAKDOWN} AS breakdown_key, subject, ${sums(OUTCOME_STATS)}
         FROM (${mapped(t.cell, 'outcome', kinds, restricted)}) mc
        GROUP BY scope_key, pkey, subject, GROUPING SETS ((), (sex), (age_band))
     )
     SELECT r.scope_key, r.period_key, r.breakdown_key, 'outcome', r.subject, $1,
            jsonb_build_object(${obj(OUTCOME_STATS, 'r.')}, 'direction', ru.direction, 'has_criterion', ru.crit_kind IS NOT NULL,
                               'has_cutoff', (ru.cut_value IS NOT NULL OR ru.cut_female IS NOT NULL)),
            r.seq, now(), r.source_at
       FROM r JOIN agg_rule ru ON ru.instrument_id::text || '/' || ru.scale_id = r.subject`,
    P,
  );

  // Score distributions per occasion (question 1 and trends); by sex and age band for the baseline only.
  await m.query(
    `${insert}
     WITH r AS (
       SELECT scope_key, max(seq) AS seq, max(source_at) AS source_at, pkey AS period_key, ${BREAKDOWN} AS breakdown_key, subject, sub, ${sums(OCCASION_STATS)}
         FROM (${mapped(t.cell, 'occasion', kinds, restricted)}) mc
        GROUP BY scope_key, pkey, subject, sub, GROUPING SETS ((), (sex), (age_band))
       HAVING subject LIKE '%/start' OR (GROUPING(sex) = 1 AND GROUPING(age_band) = 1)
     )
     SELECT scope_key, period_key, breakdown_key, 'occasion', subject, $1,
            jsonb_build_object(${OCCASION_STATS.map((n) => `'${n}', sum(${n})`).join(', ')},
                               'bands', coalesce(jsonb_object_agg(sub, n) FILTER (WHERE sub <> ''), '{}'::jsonb)),
            max(seq), now(), max(source_at)
       FROM r GROUP BY scope_key, period_key, breakdown_key, subject`,
    P,
  );

  // Episodes (question 2), completeness and goals (question 4); per method and for all methods ('*').
  await m.query(
    `${insert}
     WITH r AS (
       SELECT scope_key, max(seq) AS seq, max(source_at) AS source_at, pkey AS period_key, ${BREAKDOWN} AS breakdown_key, sj.subject, ${episodeSums(EPISODE_STATS)}
         FROM (${mapped(t.cell, 'episodes', kinds, restricted)}) mc CROSS JOIN LATERAL (VALUES (mc.method_id::text), ('*')) AS sj(subject)
        ${restricted ? `WHERE EXISTS (SELECT 1 FROM agg_want w WHERE w.scope_key = mc.scope_key AND w.figure = 'episodes' AND w.period_key = mc.pkey AND w.subject = sj.subject)` : ''}
        GROUP BY scope_key, pkey, sj.subject, GROUPING SETS ((), (sex), (age_band))
        -- Per method only for all clients, and not inside a method's own scope (where it equals '*').
       HAVING sj.subject = '*' OR (GROUPING(sex) = 1 AND GROUPING(age_band) = 1 AND scope_key NOT LIKE 'method:%')
     )
     SELECT scope_key, period_key, breakdown_key, 'episodes', subject, $1, jsonb_build_object(${obj(EPISODE_STATS)}), seq, now(), source_at FROM r`,
    P,
  );

  // Client experience (question 6): shares per answer; no reliable change.
  await m.query(
    `${insert}
     WITH r AS (
       SELECT scope_key, max(seq) AS seq, max(source_at) AS source_at, pkey AS period_key, ${BREAKDOWN} AS breakdown_key, subject, sub, sum(n) AS n
         FROM (${mapped(t.cell, 'answers', kinds, restricted)}) mc
        GROUP BY scope_key, pkey, subject, sub, GROUPING SETS ((), (sex), (age_band))
     )
     SELECT scope_key, period_key, breakdown_key, 'answers', subject, $1,
            jsonb_build_object('n', sum(n), 'answers', jsonb_object_agg(sub, n)), max(seq), now(), max(source_at)
       FROM r GROUP BY scope_key, period_key, breakdown_key, subject`,
    P,
  );

  const keys = targets.map((x) => x.scopeKey);
  const gone = await m.query(
    `DELETE FROM ${t.figure} f WHERE f.scope_key = ANY($1)
        ${restricted ? 'AND EXISTS (SELECT 1 FROM agg_want w WHERE w.scope_key = f.scope_key AND w.figure = f.figure AND w.subject = f.subject AND w.period_key = f.period_key)' : ''}
        AND NOT EXISTS (SELECT 1 FROM agg_fig_new n WHERE n.scope_key = f.scope_key AND n.period_key = f.period_key
                          AND n.breakdown_key = f.breakdown_key AND n.figure = f.figure AND n.subject = f.subject)
     RETURNING 1`,
    [keys],
  );
  const written = await m.query(
    `INSERT INTO ${t.figure} AS f (${FIGURE_COLS}) SELECT ${FIGURE_COLS} FROM agg_fig_new ORDER BY scope_key, period_key, breakdown_key, figure, subject
     ON CONFLICT (scope_key, period_key, breakdown_key, figure, subject) DO UPDATE
       SET stats = excluded.stats, computed_seq = excluded.computed_seq, computed_at = excluded.computed_at, source_changed_at = excluded.source_changed_at
     WHERE f.stats IS DISTINCT FROM excluded.stats
     RETURNING 1`,
  );
  return { written: countOf(written), deleted: countOf(gone) };
}

/** Rows returned by RETURNING 1 (TypeORM gives [rows, count] for DELETE and rows for INSERT). */
function countOf(r: unknown): number {
  if (Array.isArray(r) && r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number') return r[1];
  return Array.isArray(r) ? r.length : 0;
}
