/**
 * Periods and breakdowns (docs/aggregation.md):
 * - `YYYY` calendar year, `YYYY-H1` (Jan–Jun) and `YYYY-H2` (Jul–Dec) calendar half-years, `R12` the rolling
 *   12 months ending on the reference date (today when computed): (ref − 12 months, ref].
 * - breakdown `all`, `sex:<female|male|other|unknown>`, `age:<band>` with the client's age in the year the episode
 *   started (birth year only is stored): 0-17, 18-29, 30-49, 50-64, 65+, unknown.
 */
export const AGE_BANDS = ['0-17', '18-29', '30-49', '50-64', '65+', 'unknown'] as const;
export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
export const ROLLING_12 = 'R12';

export const BREAKDOWNS: readonly string[] = ['all', ...SEXES.map((s) => `sex:${s}`), ...AGE_BANDS.map((a) => `age:${a}`)];

const PERIOD = /^(\d{4})(-H[12])?$|^R12$/;

export function isPeriodKey(key: string): boolean {
  return PERIOD.test(key);
}

/** The first and last day of a period, as ISO dates. */
export function periodRange(key: string, reference: string): { from: string; to: string } {
  if (key === ROLLING_12) {
    const ref = new Date(`${reference}T00:00:00Z`);
    const from = new Date(Date.UTC(ref.getUTCFullYear(), ref.getUTCMonth() - 12, ref.getUTCDate() + 1));
    return { from: from.toISOString().slice(0, 10), to: reference };
  }
  const year = key.slice(0, 4);
  if (key.endsWith('-H1')) return { from: `${year}-01-01`, to: `${year}-06-30` };
  if (key.endsWith('-H2')) return { from: `${year}-07-01`, to: `${year}-12-31` };
  return { from: `${year}-01-01`, to: `${year}-12-31` };
}

/** The periods of a reference date's recent past, newest first: for trend listings. */
export function halfYearsUpTo(reference: string, count: number): string[] {
  const y = Number(reference.slice(0, 4));
  const h = Number(reference.slice(5, 7)) <= 6 ? 1 : 2;
  const out: string[] = [];
  for (let i = 0, yy = y, hh = h; i < count; i++) {
    out.push(`${yy}-H${hh}`);
    if (hh === 2) hh = 1;
    else {
      hh = 2;
      yy--;
    }
  }
  return out;
}

// ---- SQL fragments ($ref is the reference date parameter, a date) ----

/** A lateral list of the period keys a single date belongs to (year, half-year, and R12 when inside it). */
export function periodsOfDate(dateExpr: string, ref: string): string {
  return `(VALUES (to_char(${dateExpr}, 'YYYY')),
                  (to_char(${dateExpr}, 'YYYY') || CASE WHEN extract(month FROM ${dateExpr}) <= 6 THEN '-H1' ELSE '-H2' END),
                  (CASE WHEN ${dateExpr} > (${ref} - interval '12 months') AND ${dateExpr} <= ${ref} THEN 'R12' END))`;
}

/**
 * A lateral list of the half-year (and R12) a date belongs to. Years are summed from their half-years later (every
 * statistic is an additive sum), so each row is expanded about 1.2 times instead of 2.2.
 */
export function halfAndRolling(dateExpr: string, ref: string): string {
  return `(VALUES (to_char(${dateExpr}, 'YYYY') || CASE WHEN extract(month FROM ${dateExpr}) <= 6 THEN '-H1' ELSE '-H2' END),
                  (CASE WHEN ${dateExpr} > (${ref} - interval '12 months') AND ${dateExpr} <= ${ref} THEN 'R12' END))`;
}

/**
 * A lateral list of the period keys a date range [from, to] overlaps up to the reference date: every half-year and
 * every calendar year, and R12 (no duplicates, so no DISTINCT per row).
 */
export function periodsOfRange(fromExpr: string, toExpr: string, ref: string): string {
  const last = `LEAST(${toExpr}, ${ref})`;
  return `(SELECT to_char(h, 'YYYY') || CASE WHEN extract(month FROM h) <= 6 THEN '-H1' ELSE '-H2' END
             FROM generate_series(make_date(extract(year FROM ${fromExpr})::int, CASE WHEN extract(month FROM ${fromExpr}) <= 6 THEN 1 ELSE 7 END, 1),
                                  ${last}, interval '6 months') AS g(h)
           UNION ALL
           SELECT y::text FROM generate_series(extract(year FROM ${fromExpr})::int, extract(year FROM ${last})::int) AS y
           UNION ALL
           SELECT 'R12' WHERE ${fromExpr} <= ${ref} AND ${toExpr} > (${ref} - interval '12 months'))`;
}

/** Age band SQL from an episode start date and a birth year. */
export function ageBandSql(startDate: string, birthYear: string): string {
  const age = `(extract(year FROM ${startDate})::int - ${birthYear})`;
  return `CASE WHEN ${birthYear} IS NULL THEN 'unknown' WHEN ${age} < 18 THEN '0-17' WHEN ${age} < 30 THEN '18-29'
               WHEN ${age} < 50 THEN '30-49' WHEN ${age} < 65 THEN '50-64' ELSE '65+' END`;
}
