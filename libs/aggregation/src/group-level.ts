import type { EntityManager } from 'typeorm';
import { type AggregateTables, AGGREGATE_TABLES } from './client-level.js';
import { halfAndRolling, periodsOfRange } from './periods.js';

/** One level-2 scope to compute, with the request number and newest source change its result will include. */
export interface ScopeTarget {
  scopeKey: string;
  seq: string;
  sourceAt: Date | null;
}

/**
 * Fills agg_map: which org units / methods / groups each target scope covers (unit = the unit and everything below it
 * by materialized path), and agg_rel: the episodes any target touches.
 */
async function mapScopes(m: EntityManager, municipalityId: string, targets: readonly ScopeTarget[], t: AggregateTables): Promise<void> {
  await m.query(`
    CREATE TEMP TABLE IF NOT EXISTS agg_map (kind text, scope_key text, org_unit_id uuid, method_id uuid, group_id uuid, seq bigint, source_at timestamptz) ON COMMIT DROP;
    CREATE TEMP TABLE IF NOT EXISTS agg_rel (episode_id uuid PRIMARY KEY) ON COMMIT DROP;
    TRUNCATE agg_map, agg_rel;`);
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
  const kinds: string[] = (await m.query(`SELECT DISTINCT kind FROM agg_map`)).map((r: { kind: string }) => r.kind);
  if (kinds.includes('municipality')) {
    await m.query(`INSERT INTO agg_rel SELECT episode_id FROM ${t.clientEpisode} WHERE municipality_id = $1`, [municipalityId]);
  } else {
    await m.query(
      `INSERT INTO agg_rel
       SELECT x.episode_id FROM ${t.clientEpisode} x WHERE x.municipality_id = $1 AND x.org_unit_id IN (SELECT org_unit_id FROM agg_map WHERE kind = 'unit')
       UNION SELECT x.episode_id FROM ${t.clientEpisode} x WHERE x.municipality_id = $1 AND x.method_id IN (SELECT method_id FROM agg_map WHERE kind = 'method')
       UNION SELECT gm.episode_id FROM group_membership gm JOIN agg_map mm ON mm.kind = 'group' AND mm.group_id = gm.group_id`,
      [municipalityId],
    );
  }
  await m.query(`ANALYZE agg_map; ANALYZE agg_rel`);
}

/**
 * Rows of `src` (with org_unit_id, method_id, episode_id) once ungrouped and, when group scopes are targets, once per
 * mapped group they belong to.
 */
function withGroups(src: string, cols: string, groups: boolean): string {
  const plain = `SELECT ${cols}, NULL::uuid AS group_id FROM ${src} s`;
  if (!groups) return plain;
  return `${plain}
          UNION ALL
          SELECT ${cols}, gm.group_id FROM ${src} s JOIN group_membership gm ON gm.episode_id = s.episode_id
            JOIN agg_map mm ON mm.kind = 'group' AND mm.group_id = gm.group_id`;
}

/**
 * Cells (pre-aggregated per unit, method, group and half-year) mapped to every target scope that contains them; a
 * half-year cell also counts in its calendar year (`derived`), since every statistic is an additive sum.
 */
function mapped(cells: string): string {
  const years = `CROSS JOIN LATERAL (VALUES (c.period_key, false), (CASE WHEN c.period_key LIKE '____-H_' THEN left(c.period_key, 4) END, true)) AS pk(pkey, derived)`;
  const sel = `SELECT m.scope_key, m.seq, m.source_at, pk.pkey, pk.derived, c.* FROM ${cells} c`;
  return `${sel} JOIN agg_map m ON m.kind = 'unit' AND m.org_unit_id = c.org_unit_id ${years} WHERE c.group_id IS NULL AND pk.pkey IS NOT NULL
          UNION ALL ${sel} JOIN agg_map m ON m.kind = 'method' AND m.method_id = c.method_id ${years} WHERE c.group_id IS NULL AND pk.pkey IS NOT NULL
          UNION ALL ${sel} JOIN agg_map m ON m.kind = 'municipality' ${years} WHERE c.group_id IS NULL AND pk.pkey IS NOT NULL
          UNION ALL ${sel} JOIN agg_map m ON m.kind = 'group' AND m.group_id = c.group_id ${years} WHERE pk.pkey IS NOT NULL`;
}

const BREAKDOWN = `CASE WHEN GROUPING(sex) = 0 THEN 'sex:' || sex WHEN GROUPING(age_band) = 0 THEN 'age:' || age_band ELSE 'all' END`;
const sums = (names: readonly string[]) => names.map((n) => `sum(${n}) AS ${n}`).join(', ');
/** n_active is counted per year directly (an episode active in both halves is one episode of the year). */
const episodeSums = (names: readonly string[]) =>
  names.map((n) => (n === 'n_active' ? `sum(CASE WHEN derived THEN 0 ELSE n_active END) AS n_active` : `sum(${n}) AS ${n}`)).join(', ');
const obj = (names: readonly string[], from = '') => names.map((n) => `'${n}', ${from}${n}`).join(', ');

const OUTCOME_STATS = ['n_clients', 'n_pairs', 'sb', 'sbb', 'sl', 'sll', 'sbl', 'n_improved', 'n_deteriorated', 'n_classified', 'n_case_known', 'n_case', 'n_recovered', 'n_rel_recovered'];
const OCCASION_STATS = ['n', 's', 'ss', 'n_case_known', 'n_case'];
const EPISODE_STATS = ['n_active', 'n_started', 'n_closed', 'dur_s', 'dur_ss', 'occ_due', 'occ_on_time', 'occ_done', 'goal_eps', 'n_goals', 'n_goals_measurable', 'n_goals_assessed', 'n_goals_attained', 'gas_n', 'gas_s', 'gas_ss'];

/**
 * Level 2, recomputed for the target scopes from the level-1 rows and the source scores (one statement per figure):
 * additive sufficient statistics per scope, period and breakdown, so every figure with its n is derived exactly
 * from them (figures.ts). Replaces every stored row of the targets.
 */
export async function recomputeGroupLevel(
  m: EntityManager,
  municipalityId: string,
  reference: string,
  targets: readonly ScopeTarget[],
  t: AggregateTables = AGGREGATE_TABLES,
): Promise<void> {
  if (targets.length === 0) return;
  await mapScopes(m, municipalityId, targets, t);
  const groups = targets.some((x) => x.scopeKey.startsWith('group:'));
  await m.query(`DELETE FROM ${t.figure} WHERE scope_key = ANY($1)`, [targets.map((x) => x.scopeKey)]);
  const ref = '$2::date';
  const P = [municipalityId, reference];
  const insert = `INSERT INTO ${t.figure} (scope_key, period_key, breakdown_key, figure, subject, municipality_id, stats, computed_seq, computed_at, source_changed_at)`;

  // Outcome (question 3): each episode-scale row counts in the periods of its last measurement (anchor_on).
  await m.query(
    `${insert}
     WITH src AS (
       SELECT x.*, p.period_key, (x.baseline IS NOT NULL AND x.latest IS NOT NULL) AS pair
         FROM ${t.clientScale} x JOIN agg_rel r ON r.episode_id = x.episode_id
         CROSS JOIN LATERAL ${halfAndRolling('x.anchor_on', ref)} AS p(period_key) WHERE p.period_key IS NOT NULL
     ), cells AS (
       SELECT org_unit_id, method_id, group_id, period_key, sex, age_band, instrument_id, scale_id,
              count(*) AS n_clients, count(*) FILTER (WHERE pair) AS n_pairs,
              coalesce(sum(baseline) FILTER (WHERE pair), 0) AS sb, coalesce(sum(baseline * baseline) FILTER (WHERE pair), 0) AS sbb,
              coalesce(sum(latest) FILTER (WHERE pair), 0) AS sl, coalesce(sum(latest * latest) FILTER (WHERE pair), 0) AS sll,
              coalesce(sum(baseline * latest) FILTER (WHERE pair), 0) AS sbl,
              count(*) FILTER (WHERE pair AND category = 'reliably_improved') AS n_improved,
              count(*) FILTER (WHERE pair AND category = 'reliably_deteriorated') AS n_deteriorated,
              count(*) FILTER (WHERE pair AND category IS NOT NULL) AS n_classified,
              count(*) FILTER (WHERE pair AND case_at_baseline IS NOT NULL AND case_at_latest IS NOT NULL) AS n_case_known,
              count(*) FILTER (WHERE pair AND case_at_baseline AND case_at_latest IS NOT NULL) AS n_case,
              count(*) FILTER (WHERE pair AND recovered) AS n_recovered,
              count(*) FILTER (WHERE pair AND reliably_recovered) AS n_rel_recovered
         FROM (${withGroups('src', 's.*', groups)}) g
        GROUP BY org_unit_id, method_id, group_id, period_key, sex, age_band, instrument_id, scale_id
     ), r AS (
       SELECT scope_key, max(seq) AS seq, max(source_at) AS source_at, pkey AS period_key, ${BREAKDOWN} AS breakdown_key, instrument_id, scale_id, ${sums(OUTCOME_STATS)}
         FROM (${mapped('cells')}) mc
        GROUP BY scope_key, pkey, instrument_id, scale_id, GROUPING SETS ((), (sex), (age_band))
     )
     SELECT r.scope_key, r.period_key, r.breakdown_key, 'outcome', r.instrument_id || '/' || r.scale_id, $1,
            jsonb_build_object(${obj(OUTCOME_STATS, 'r.')}, 'direction', ru.direction, 'has_criterion', ru.crit_kind IS NOT NULL,
                               'has_cutoff', (ru.cut_value IS NOT NULL OR ru.cut_female IS NOT NULL)),
            r.seq, now(), r.source_at
       FROM r JOIN agg_rule ru USING (instrument_id, scale_id)`,
    P,
  );

  // Score distributions per occasion (questions 1 and trends): every valid current score, in the periods of its date.
  await m.query(
    `${insert}
     WITH src AS (
       SELECT x.org_unit_id, x.method_id, x.episode_id, x.sex, x.age_band, p.period_key, r.instrument_id, s.scale_id,
              CASE o.kind WHEN 'follow_up' THEN 'follow_up:' || o.seq ELSE o.kind END AS occ,
              s.raw AS score, ${bandAndCase()}
         FROM agg_rel rel JOIN ${t.clientEpisode} x ON x.episode_id = rel.episode_id
         JOIN response r ON r.episode_id = x.episode_id AND r.is_current
         JOIN occasion o ON o.id = r.occasion_id
         JOIN scale_score s ON s.response_id = r.id AND s.valid
         JOIN agg_rule ru ON ru.instrument_id = r.instrument_id AND ru.scale_id = s.scale_id
         CROSS JOIN LATERAL ${halfAndRolling('r.answered_on', ref)} AS p(period_key) WHERE p.period_key IS NOT NULL
     ), cells AS (
       SELECT org_unit_id, method_id, group_id, period_key, sex, age_band, instrument_id, scale_id, occ, band,
              count(*) AS n, sum(score) AS s, sum(score * score) AS ss,
              count(is_case) AS n_case_known, count(*) FILTER (WHERE is_case) AS n_case
         FROM (${withGroups('src', 's.*', groups)}) g
        GROUP BY org_unit_id, method_id, group_id, period_key, sex, age_band, instrument_id, scale_id, occ, band
     ), r AS (
       SELECT scope_key, max(seq) AS seq, max(source_at) AS source_at, pkey AS period_key, ${BREAKDOWN} AS breakdown_key, instrument_id, scale_id, occ, band, ${sums(OCCASION_STATS)}
         FROM (${mapped('cells')}) mc
        GROUP BY scope_key, pkey, instrument_id, scale_id, occ, band, GROUPING SETS ((), (sex), (age_band))
        -- Breakdowns by sex and age band for the baseline (question 1); later occasions (trends) for all clients only.
       HAVING occ = 'start' OR (GROUPING(sex) = 1 AND GROUPING(age_band) = 1)
     )
     SELECT scope_key, period_key, breakdown_key, 'occasion', instrument_id || '/' || scale_id || '/' || occ, $1,
            jsonb_build_object(${OCCASION_STATS.map((n) => `'${n}', sum(${n})`).join(', ')},
                               'bands', coalesce(jsonb_object_agg(band::text, n) FILTER (WHERE band IS NOT NULL), '{}'::jsonb)),
            max(seq), now(), max(source_at)
       FROM r GROUP BY scope_key, period_key, breakdown_key, instrument_id, scale_id, occ`,
    P,
  );

  // Episodes (question 2), completeness and goals (question 4); per method and for all methods ('*').
  const zero = (except: Record<string, string>) => EPISODE_STATS.map((n) => `${except[n] ?? '0'}::numeric AS ${n}`).join(', ');
  await m.query(
    `${insert}
     WITH ev AS (
       SELECT x.org_unit_id, x.method_id, x.episode_id, x.sex, x.age_band, p.period_key, ${zero({ n_active: '1' })}
         FROM agg_rel rel JOIN ${t.clientEpisode} x ON x.episode_id = rel.episode_id
         CROSS JOIN LATERAL ${periodsOfRange('x.start_date', `coalesce(x.close_date, ${ref})`, ref)} AS p(period_key)
        WHERE x.start_date <= ${ref}
       UNION ALL
       SELECT x.org_unit_id, x.method_id, x.episode_id, x.sex, x.age_band, p.period_key, ${zero({ n_started: '1' })}
         FROM agg_rel rel JOIN ${t.clientEpisode} x ON x.episode_id = rel.episode_id
         CROSS JOIN LATERAL ${halfAndRolling('x.start_date', ref)} AS p(period_key) WHERE p.period_key IS NOT NULL
       UNION ALL
       SELECT x.org_unit_id, x.method_id, x.episode_id, x.sex, x.age_band, p.period_key,
              ${zero({ n_closed: '1', dur_s: '(x.close_date - x.start_date)', dur_ss: '(x.close_date - x.start_date) * (x.close_date - x.start_date)' })}
         FROM agg_rel rel JOIN ${t.clientEpisode} x ON x.episode_id = rel.episode_id
         CROSS JOIN LATERAL ${halfAndRolling('x.close_date', ref)} AS p(period_key) WHERE x.close_date IS NOT NULL AND p.period_key IS NOT NULL
       UNION ALL
       SELECT x.org_unit_id, x.method_id, x.episode_id, x.sex, x.age_band, p.period_key,
              ${zero({
                occ_due: '1',
                occ_on_time: `(o.state = 'done' AND o.done_on BETWEEN o.window_start AND o.window_end)::int`,
                occ_done: `(o.state = 'done')::int`,
              })}
         FROM agg_rel rel JOIN ${t.clientEpisode} x ON x.episode_id = rel.episode_id
         JOIN occasion o ON o.episode_id = x.episode_id AND o.kind <> 'extra' AND o.state <> 'cancelled' AND o.due_date <= ${ref}
         CROSS JOIN LATERAL ${halfAndRolling('o.due_date', ref)} AS p(period_key) WHERE p.period_key IS NOT NULL
       UNION ALL
       SELECT x.org_unit_id, x.method_id, x.episode_id, x.sex, x.age_band, p.period_key,
              ${zero({
                goal_eps: '1',
                n_goals: 'x.n_goals',
                n_goals_measurable: 'x.n_goals_measurable',
                n_goals_assessed: 'x.n_goals_assessed',
                n_goals_attained: 'x.n_goals_attained',
                gas_n: '(x.gas_t IS NOT NULL)::int',
                gas_s: 'coalesce(x.gas_t, 0)',
                gas_ss: 'coalesce(x.gas_t * x.gas_t, 0)',
              })}
         FROM agg_rel rel JOIN ${t.clientEpisode} x ON x.episode_id = rel.episode_id
         CROSS JOIN LATERAL ${halfAndRolling('x.goals_assessed_on', ref)} AS p(period_key) WHERE x.goals_assessed_on IS NOT NULL AND p.period_key IS NOT NULL
     ), cells AS (
       SELECT org_unit_id, method_id, group_id, period_key, sex, age_band, ${sums(EPISODE_STATS)}
         FROM (${withGroups('ev', 's.*', groups)}) g
        GROUP BY org_unit_id, method_id, group_id, period_key, sex, age_band
     ), r AS (
       SELECT scope_key, max(seq) AS seq, max(source_at) AS source_at, pkey AS period_key, ${BREAKDOWN} AS breakdown_key, subject, ${episodeSums(EPISODE_STATS)}
         FROM (${mapped('cells')}) mc CROSS JOIN LATERAL (VALUES (mc.method_id::text), ('*')) AS sj(subject)
        GROUP BY scope_key, pkey, subject, GROUPING SETS ((), (sex), (age_band))
        -- Per method only for all clients, and not inside a method's own scope (where it equals '*').
       HAVING subject = '*' OR (GROUPING(sex) = 1 AND GROUPING(age_band) = 1 AND scope_key NOT LIKE 'method:%')
     )
     SELECT scope_key, period_key, breakdown_key, 'episodes', subject, $1, jsonb_build_object(${obj(EPISODE_STATS)}), seq, now(), source_at FROM r`,
    P,
  );

  // Client experience (question 6): shares per answer of instruments whose purpose is client_experience; no reliable change.
  await m.query(
    `${insert}
     WITH src AS (
       SELECT x.org_unit_id, x.method_id, x.episode_id, x.sex, x.age_band, p.period_key, r.instrument_id, a.item_id,
              coalesce(a.value_numeric::text, 'text') AS answer
         FROM agg_rel rel JOIN ${t.clientEpisode} x ON x.episode_id = rel.episode_id
         JOIN response r ON r.episode_id = x.episode_id AND r.is_current
         JOIN agg_instrument ai ON ai.instrument_id = r.instrument_id AND ai.purpose = 'client_experience'
         JOIN response_answer a ON a.response_id = r.id AND (a.value_numeric IS NOT NULL OR a.value_text IS NOT NULL)
         CROSS JOIN LATERAL ${halfAndRolling('r.answered_on', ref)} AS p(period_key) WHERE p.period_key IS NOT NULL
     ), cells AS (
       SELECT org_unit_id, method_id, group_id, period_key, sex, age_band, instrument_id, item_id, answer, count(*) AS n
         FROM (${withGroups('src', 's.*', groups)}) g
        GROUP BY org_unit_id, method_id, group_id, period_key, sex, age_band, instrument_id, item_id, answer
     ), r AS (
       SELECT scope_key, max(seq) AS seq, max(source_at) AS source_at, pkey AS period_key, ${BREAKDOWN} AS breakdown_key, instrument_id, item_id, answer, sum(n) AS n
         FROM (${mapped('cells')}) mc
        GROUP BY scope_key, pkey, instrument_id, item_id, answer, GROUPING SETS ((), (sex), (age_band))
     )
     SELECT scope_key, period_key, breakdown_key, 'answers', instrument_id || '/' || item_id, $1,
            jsonb_build_object('n', sum(n), 'answers', jsonb_object_agg(answer, n)), max(seq), now(), max(source_at)
       FROM r GROUP BY scope_key, period_key, breakdown_key, instrument_id, item_id`,
    P,
  );
}

/** band index and caseness of one score `s` of scale rules `ru` for a client of sex `x.sex`. */
function bandAndCase(): string {
  const score = 's.raw::float8';
  const cut = `(CASE WHEN ru.cut_female IS NOT NULL THEN CASE x.sex WHEN 'female' THEN ru.cut_female WHEN 'male' THEN ru.cut_male END ELSE ru.cut_value END)`;
  return `CASE WHEN ru.band_lo IS NULL OR ${score} > ru.band_last_hi OR width_bucket(${score}, ru.band_lo) = 0 THEN NULL
               ELSE width_bucket(${score}, ru.band_lo) - 1 END AS band,
          CASE WHEN ${cut} IS NULL THEN NULL WHEN ${score} = ${cut} THEN ru.cut_inclusive
               WHEN ru.direction = 'higher_is_worse' THEN ${score} > ${cut} ELSE ${score} < ${cut} END AS is_case`;
}
