import type { EntityManager } from 'typeorm';
import { halfAndRolling, periodsOfRange } from './periods.js';

/** Cells of episodes in no group carry this group id (the cell key has no NULLs, so upserts can match it). */
export const NO_GROUP = '00000000-0000-0000-0000-000000000000';

/** The statistics of each figure, in cell column order c1, c2, … (every one an additive sum). */
export const OUTCOME_STATS = [
  'n_clients',
  'n_pairs',
  'sb',
  'sbb',
  'sl',
  'sll',
  'sbl',
  'n_improved',
  'n_deteriorated',
  'n_classified',
  'n_case_known',
  'n_case',
  'n_recovered',
  'n_rel_recovered',
];
export const OCCASION_STATS = ['n', 's', 'ss', 'n_case_known', 'n_case'];
export const EPISODE_STATS = [
  'n_active',
  'n_started',
  'n_closed',
  'dur_s',
  'dur_ss',
  'occ_due',
  'occ_on_time',
  'occ_done',
  'goal_eps',
  'n_goals',
  'n_goals_measurable',
  'n_goals_assessed',
  'n_goals_attained',
  'gas_n',
  'gas_s',
  'gas_ss',
];
export const ANSWER_STATS = ['n'];
export const FIGURE_STATS: Readonly<Record<'outcome' | 'occasion' | 'episodes' | 'answers', readonly string[]>> = {
  outcome: OUTCOME_STATS,
  occasion: OCCASION_STATS,
  episodes: EPISODE_STATS,
  answers: ANSWER_STATS,
};

export const CELL_COUNT = 16;
export const CELL_COLUMNS = Array.from({ length: CELL_COUNT }, (_, i) => `c${i + 1}`);
export const CELL_KEY = [
  'municipality_id',
  'org_unit_id',
  'method_id',
  'group_id',
  'figure',
  'subject',
  'sub',
  'period_key',
  'sex',
  'age_band',
];

type Figure = keyof typeof FIGURE_STATS;
export const FIGURES: readonly Figure[] = ['outcome', 'occasion', 'episodes', 'answers'];

const flag = (cond: string) => `CASE WHEN ${cond} THEN 1 ELSE 0 END`;

/** A condition on a date for the grouped copy of a contribution (empty for the ungrouped one). */
type InGroup = (date: string) => string;

/**
 * One SELECT twice: ungrouped, and once per group membership of the episode (level-1 `x.group_ids`, `group_from`,
 * `group_to`), counting in the group only what is dated inside the membership; the grouped copy reads only episodes
 * that have groups. `from` receives the episode relation, the group join, the membership condition and whether it
 * builds the grouped copy.
 */
function grouped(
  E: string,
  select: (groupId: string) => string,
  from: (episodes: string, groupJoin: string, inGroup: InGroup, isGrouped: boolean) => string,
): string {
  const member: InGroup = (date) => ` AND ${date} >= g.g_from AND (g.g_to IS NULL OR ${date} <= g.g_to)`;
  return `SELECT ${select(`'${NO_GROUP}'::uuid`)} ${from(E, '', () => '', false)}
    UNION ALL
    SELECT ${select('g.group_id')} ${from(
      `(SELECT * FROM ${E} ge WHERE cardinality(ge.group_ids) > 0)`,
      'CROSS JOIN LATERAL unnest(x.group_ids, x.group_from, x.group_to) AS g(group_id, g_from, g_to)',
      member,
      true,
    )}`;
}

/**
 * SQL per figure: the contribution rows of level-1 episode rows `E` (aggregate_client_episode shape) and their scale
 * rows `S` (aggregate_client_scale shape) to the cells, at reference date `ref` (an SQL date expression). One row per
 * episode, figure input and period, once ungrouped and once per group of the episode; columns CELL_KEY, then c1..ck
 * for the figure's k statistics (counts as integers, scores as numeric). This is the only definition of what a client
 * adds to the aggregates: the rebuild sums it over everyone, a client batch adds its new rows and subtracts its
 * previous ones.
 */
export function contributionSql(E: string, S: string, ref: string): Record<Figure, string> {
  const key = (group: string, figure: Figure, subject: string, sub: string, period: string, sex = 'x.sex', age = 'x.age_band') =>
    `x.municipality_id, x.org_unit_id, x.method_id, ${group} AS group_id, '${figure}'::text AS figure, ${subject} AS subject, ${sub} AS sub, ${period} AS period_key, ${sex} AS sex, ${age} AS age_band`;
  const stats = (k: number, named: Record<number, string>) =>
    Array.from({ length: k }, (_, i) => `${named[i + 1] ?? '0'} AS c${i + 1}`).join(', ');
  const pair = `(s.baseline IS NOT NULL AND s.latest IS NOT NULL)`;
  const whenPair = (v: string) => `CASE WHEN ${pair} THEN ${v} ELSE 0 END`;
  const ep = (named: Record<number, string>) => stats(EPISODE_STATS.length, named);
  const epKey = (g: string) => key(g, 'episodes', `''`, `''`, 'p.k');

  const outcome = grouped(
    E,
    (g) =>
      `${key(g, 'outcome', `s.instrument_id || '/' || s.scale_id`, `''`, 'p.k')}, ${stats(OUTCOME_STATS.length, {
        1: '1',
        2: flag(pair),
        3: whenPair('s.baseline'),
        4: whenPair('s.baseline * s.baseline'),
        5: whenPair('s.latest'),
        6: whenPair('s.latest * s.latest'),
        7: whenPair('s.baseline * s.latest'),
        8: flag(`${pair} AND s.category = 'reliably_improved'`),
        9: flag(`${pair} AND s.category = 'reliably_deteriorated'`),
        10: flag(`${pair} AND s.category IS NOT NULL`),
        11: flag(`${pair} AND s.case_at_baseline IS NOT NULL AND s.case_at_latest IS NOT NULL`),
        12: flag(`${pair} AND s.case_at_baseline AND s.case_at_latest IS NOT NULL`),
        13: flag(`${pair} AND s.recovered`),
        14: flag(`${pair} AND s.reliably_recovered`),
      })}`,
    (ex, gj, w) => `FROM ${S} s JOIN ${ex} x ON x.episode_id = s.episode_id ${gj}
      CROSS JOIN LATERAL ${halfAndRolling('s.anchor_on', ref)} AS p(k) WHERE p.k IS NOT NULL${w('s.anchor_on')}`,
  );

  // Every score in the periods of its date; by sex and age band only at the start (question 1), else '*'.
  const occasion = grouped(
    E,
    (g) =>
      `${key(g, 'occasion', `u.subj || '/' || u.occ`, `coalesce(u.band::text, '')`, 'p.k', `CASE WHEN u.occ = 'start' THEN x.sex ELSE '*' END`, `CASE WHEN u.occ = 'start' THEN x.age_band ELSE '*' END`)},
       ${stats(OCCASION_STATS.length, { 1: '1', 2: 'u.score', 3: 'u.score * u.score', 4: flag('u.is_case IS NOT NULL'), 5: flag('u.is_case') })}`,
    (ex, gj, w) => `FROM ${ex} x ${gj}
      CROSS JOIN LATERAL unnest(x.sc_subject, x.sc_occ, x.sc_on, x.sc_score, x.sc_band, x.sc_case) AS u(subj, occ, on_, score, band, is_case)
      CROSS JOIN LATERAL ${halfAndRolling('u.on_', ref)} AS p(k) WHERE p.k IS NOT NULL${w('u.on_')}`,
  );

  const episodes = [
    // Active in a period: every half-year and year it overlaps, and R12 (years counted directly, see group-level.ts).
    grouped(
      E,
      (g) => `${epKey(g)}, ${ep({ 1: '1' })}`,
      // In a group: the part of the episode inside the membership.
      (ex, gj, _w, isGrouped) => {
        const from = isGrouped ? 'GREATEST(x.start_date, g.g_from)' : 'x.start_date';
        const to = isGrouped ? `LEAST(coalesce(x.close_date, ${ref}), coalesce(g.g_to, ${ref}))` : `coalesce(x.close_date, ${ref})`;
        return `FROM ${ex} x ${gj} CROSS JOIN LATERAL ${periodsOfRange(from, to, ref)} AS p(k) WHERE ${from} <= ${ref}${isGrouped ? ` AND ${from} <= ${to}` : ''}`;
      },
    ),
    grouped(
      E,
      (g) => `${epKey(g)}, ${ep({ 2: '1' })}`,
      (ex, gj, w) =>
        `FROM ${ex} x ${gj} CROSS JOIN LATERAL ${halfAndRolling('x.start_date', ref)} AS p(k) WHERE p.k IS NOT NULL${w('x.start_date')}`,
    ),
    grouped(
      E,
      (g) =>
        `${epKey(g)}, ${ep({ 3: '1', 4: '(x.close_date - x.start_date)', 5: '(x.close_date - x.start_date) * (x.close_date - x.start_date)' })}`,
      (ex, gj, w) =>
        `FROM ${ex} x ${gj} CROSS JOIN LATERAL ${halfAndRolling('x.close_date', ref)} AS p(k) WHERE x.close_date IS NOT NULL AND p.k IS NOT NULL${w('x.close_date')}`,
    ),
    // Completeness: scheduled occasions due by the reference date, on time, done.
    grouped(
      E,
      (g) => `${epKey(g)}, ${ep({ 6: '1', 7: flag('o.on_time'), 8: flag('o.done') })}`,
      (ex, gj, w) => `FROM ${ex} x ${gj} CROSS JOIN LATERAL unnest(x.oc_due, x.oc_on_time, x.oc_done) AS o(due, on_time, done)
        CROSS JOIN LATERAL ${halfAndRolling('o.due', ref)} AS p(k) WHERE o.due <= ${ref} AND p.k IS NOT NULL${w('o.due')}`,
    ),
    grouped(
      E,
      (g) =>
        `${epKey(g)}, ${ep({
          9: '1',
          10: 'x.n_goals',
          11: 'x.n_goals_measurable',
          12: 'x.n_goals_assessed',
          13: 'x.n_goals_attained',
          14: flag('x.gas_t IS NOT NULL'),
          15: 'coalesce(x.gas_t, 0)',
          16: 'coalesce(x.gas_t * x.gas_t, 0)',
        })}`,
      (ex, gj, w) =>
        `FROM ${ex} x ${gj} CROSS JOIN LATERAL ${halfAndRolling('x.goals_assessed_on', ref)} AS p(k) WHERE x.goals_assessed_on IS NOT NULL AND p.k IS NOT NULL${w('x.goals_assessed_on')}`,
    ),
  ].join('\n    UNION ALL\n    ');

  // Client experience (question 6): one row per answer.
  const answers = grouped(
    E,
    (g) => `${key(g, 'answers', 'a.subj', 'a.answer', 'p.k')}, ${stats(1, { 1: '1' })}`,
    (ex, gj, w) => `FROM ${ex} x ${gj} CROSS JOIN LATERAL unnest(x.an_subject, x.an_answer, x.an_on) AS a(subj, answer, on_)
      CROSS JOIN LATERAL ${halfAndRolling('a.on_', ref)} AS p(k) WHERE p.k IS NOT NULL${w('a.on_')}`,
  );
  return { outcome, occasion, episodes, answers };
}

const keyList = CELL_KEY.join(', ');
/** c1..c16 from a figure's k statistics: sums of the first k, zeros after. */
const padded = (k: number, expr: (c: string) => string) =>
  CELL_COLUMNS.map((c, i) => (i < k ? `${expr(c)} AS ${c}` : `0 AS ${c}`)).join(', ');

/** Fills `target` (empty, aggregate_cell shape) with the cells of every level-1 row of a municipality in E and S. */
export async function buildCells(
  m: EntityManager,
  target: string,
  E: string,
  S: string,
  municipalityId: string,
  reference: string,
): Promise<void> {
  const sql = contributionSql(
    `(SELECT * FROM ${E} WHERE municipality_id = $1)`,
    `(SELECT * FROM ${S} WHERE municipality_id = $1)`,
    '$2::date',
  );
  // The planner cannot see how many rows unnest yields (it guesses 10 per array and millions of groups) and would
  // sort millions of rows; the real result is a few ten thousand cells, which a hash aggregate holds with ease.
  await m.query(`SET LOCAL enable_sort = off`);
  for (const figure of FIGURES) {
    const k = FIGURE_STATS[figure].length;
    await m.query(
      `INSERT INTO ${target} (${keyList}, ${CELL_COLUMNS.join(', ')})
       SELECT ${keyList}, ${padded(k, (c) => `sum(${c})`)} FROM (${sql[figure]}) c GROUP BY ${keyList}`,
      [municipalityId, reference],
    );
  }
  await m.query(`SET LOCAL enable_sort = on`);
}

/**
 * Applies the exact difference between a set of episodes' previous level-1 rows (`oldE`, `oldS`) and their current
 * ones (`newE`, `newS`) to the stored cells: added where new, subtracted where old, and a cell whose sums all reach
 * zero is deleted (a rebuild never produces one). Idempotent by construction: applied twice with the same rows, the
 * second difference is zero. Returns how many cells changed.
 */
export async function applyCellDelta(
  m: EntityManager,
  cellTable: string,
  rows: { oldE: string; oldS: string; newE: string; newS: string },
  reference: string,
): Promise<number> {
  const ref = '$1::date';
  const fresh = contributionSql(rows.newE, rows.newS, ref);
  const old = contributionSql(rows.oldE, rows.oldS, ref);
  await m.query(`DROP TABLE IF EXISTS agg_delta`);
  await m.query(`CREATE TEMP TABLE agg_delta (LIKE aggregate_cell) ON COMMIT DROP`);
  for (const figure of FIGURES) {
    const k = FIGURE_STATS[figure].length;
    const cs = CELL_COLUMNS.slice(0, k);
    await m.query(
      `INSERT INTO agg_delta (${keyList}, ${CELL_COLUMNS.join(', ')})
       SELECT ${keyList}, ${padded(k, (c) => `sum(${c})`)} FROM (
         SELECT * FROM (${fresh[figure]}) n
         UNION ALL
         SELECT ${keyList}, ${cs.map((c) => `-${c}`).join(', ')} FROM (${old[figure]}) o
       ) d GROUP BY ${keyList}
       HAVING ${cs.map((c) => `sum(${c}) <> 0`).join(' OR ')}`,
      [reference],
    );
  }
  const [{ n }]: { n: number }[] = await m.query(`SELECT count(*)::int AS n FROM agg_delta`);
  if (n === 0) return 0;
  await m.query(
    `INSERT INTO ${cellTable} AS c (${keyList}, ${CELL_COLUMNS.join(', ')})
     SELECT ${keyList}, ${CELL_COLUMNS.join(', ')} FROM agg_delta ORDER BY ${keyList}
     ON CONFLICT (${keyList}) DO UPDATE SET ${CELL_COLUMNS.map((c) => `${c} = c.${c} + excluded.${c}`).join(', ')}`,
  );
  await m.query(
    `DELETE FROM ${cellTable} c USING agg_delta d
      WHERE ${CELL_KEY.map((k) => `c.${k} = d.${k}`).join(' AND ')} AND ${CELL_COLUMNS.map((c) => `c.${c} = 0`).join(' AND ')}`,
  );
  return n;
}

/**
 * Records which figure rows the cell difference in agg_delta (applyCellDelta) changes: per scope containing a
 * changed cell (every unit up its path, the method, the municipality; or its group), the figure, subject and period
 * (a half-year also changes its year). Marked with the batch's number `seq`. Returns the scopes touched.
 */
export async function markDirty(m: EntityManager, municipalityId: string, seq: string): Promise<string[]> {
  const rows: { scope_key: string }[] = await m.query(
    `WITH d AS (
       SELECT DISTINCT ON (k.scope_key, d.figure, sj.subject, pk.pkey) k.scope_key, d.figure, sj.subject, pk.pkey
         FROM agg_delta d
         JOIN org_unit u ON u.id = d.org_unit_id
         CROSS JOIN LATERAL (
           SELECT 'unit:' || unnest(string_to_array(trim(BOTH '/' FROM u.path), '/')) AS scope_key WHERE d.group_id = '${NO_GROUP}'
           UNION ALL SELECT 'method:' || d.method_id WHERE d.group_id = '${NO_GROUP}'
           UNION ALL SELECT 'municipality:' || d.municipality_id WHERE d.group_id = '${NO_GROUP}'
           UNION ALL SELECT 'group:' || d.group_id WHERE d.group_id <> '${NO_GROUP}') k
         CROSS JOIN LATERAL (VALUES (d.period_key), (CASE WHEN d.period_key LIKE '____-H_' THEN left(d.period_key, 4) END)) pk(pkey)
         CROSS JOIN LATERAL (SELECT d.subject WHERE d.figure <> 'episodes'
                             UNION ALL SELECT d.method_id::text WHERE d.figure = 'episodes'
                             UNION ALL SELECT '*' WHERE d.figure = 'episodes') sj(subject)
        WHERE pk.pkey IS NOT NULL
     ), ins AS (
       INSERT INTO aggregate_dirty (municipality_id, scope_key, figure, subject, period_key, seq)
       SELECT $1, scope_key, figure, subject, pkey, $2 FROM d ORDER BY scope_key, figure, subject, pkey
       ON CONFLICT (scope_key, figure, subject, period_key) DO UPDATE SET seq = excluded.seq
     )
     SELECT DISTINCT scope_key FROM d`,
    [municipalityId, seq],
  );
  return rows.map((r) => r.scope_key);
}
