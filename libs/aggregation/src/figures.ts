import { type Direction, improvementOf, type PrePostEffectSize, type Share, share, type Summary } from '#statistics';

/** The additive statistics of one outcome cell (aggregate_figure.stats, figure 'outcome'). */
export interface OutcomeStats {
  n_clients: number;
  n_pairs: number;
  sb: number;
  sbb: number;
  sl: number;
  sll: number;
  sbl: number;
  n_improved: number;
  n_deteriorated: number;
  n_classified: number;
  n_case_known: number;
  n_case: number;
  n_recovered: number;
  n_rel_recovered: number;
  direction: Direction;
  has_criterion: boolean;
  has_cutoff: boolean;
}

/** The group figures of DOMAIN.md for one scale, each with its n; the same shapes as groupOutcomeSummary returns. */
export interface OutcomeFigures {
  nClients: number;
  nPairs: number;
  completeness: Share;
  baseline: Summary;
  latest: Summary;
  change: Summary;
  effectSize: PrePostEffectSize;
  reliablyImproved: Share | null;
  noReliableChange: Share | null;
  reliablyDeteriorated: Share | null;
  casesAtBaseline: Share | null;
  recovered: Share | null;
  reliablyRecovered: Share | null;
}

const Z_95 = 1.96;
/** Centered sums from raw sums; tiny negatives from rounding are zero. */
function centered(sxx: number, sx: number, sy: number, n: number): number {
  const v = sxx - (sx * sy) / n;
  return Math.abs(v) <= 1e-9 * Math.max(1, Math.abs(sxx)) ? 0 : v;
}

function summaryOf(n: number, s: number, ss: number): Summary {
  if (n === 0) return { n, mean: null, sd: null };
  const mean = s / n;
  if (n < 2) return { n, mean, sd: null };
  return { n, mean, sd: Math.sqrt(Math.max(0, centered(ss, s, s, n)) / (n - 1)) };
}

/**
 * Derives the group figures from additive sums with the formulas of #statistics (summarize, prePostEffectSize,
 * share): equal to groupOutcomeSummary on the same clients up to floating-point rounding (tested).
 */
export function outcomeFigures(raw: Record<string, unknown>): OutcomeFigures {
  const s = Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' && /^-?[\d.]+(e-?\d+)?$/.test(v) ? Number(v) : v]),
  ) as unknown as OutcomeStats;
  const n = Number(s.n_pairs);
  const direction = s.direction;
  const baseline = summaryOf(n, s.sb, s.sbb);
  const latest = summaryOf(n, s.sl, s.sll);
  // Σ(l − b)² = Σl² − 2Σbl + Σb²
  const change = summaryOf(n, s.sl - s.sb, s.sll - 2 * s.sbl + s.sbb);
  let effectSize: PrePostEffectSize;
  const sxx = n > 0 ? centered(s.sbb, s.sb, s.sb, n) : 0;
  const syy = n > 0 ? centered(s.sll, s.sl, s.sl, n) : 0;
  const sxy = n > 0 ? s.sbl - (s.sb * s.sl) / n : 0;
  if (n < 2) effectSize = { computable: false, n, reason: 'too_few_pairs' };
  else if (sxx === 0) effectSize = { computable: false, n, reason: 'no_baseline_variation' };
  else if (syy === 0) effectSize = { computable: false, n, reason: 'no_latest_variation' };
  else {
    const sdBaseline = Math.sqrt(sxx / (n - 1));
    const r12 = sxy / Math.sqrt(sxx * syy);
    const meanChange = (s.sl - s.sb) / n;
    const meanImprovement = improvementOf(meanChange, direction);
    const d = meanImprovement / sdBaseline;
    const se = Math.sqrt((2 * (1 - r12)) / n + (d * d) / (2 * n));
    effectSize = { computable: true, n, d, se, ciLow: d - Z_95 * se, ciHigh: d + Z_95 * se, r12, meanChange, meanImprovement, sdBaseline };
  }
  const classified = s.has_criterion;
  return {
    nClients: s.n_clients,
    nPairs: n,
    completeness: share(n, s.n_clients),
    baseline,
    latest,
    change,
    effectSize,
    reliablyImproved: classified ? share(s.n_improved, n) : null,
    noReliableChange: classified ? share(n - s.n_improved - s.n_deteriorated, n) : null,
    reliablyDeteriorated: classified ? share(s.n_deteriorated, n) : null,
    casesAtBaseline: s.has_cutoff ? share(s.n_case, s.n_case_known) : null,
    recovered: s.has_cutoff ? share(s.n_recovered, s.n_case) : null,
    reliablyRecovered: s.has_cutoff ? share(s.n_rel_recovered, s.n_case) : null,
  };
}

/** Episode figures (questions 2 and 4, completeness) from the 'episodes' statistics. */
export function episodeFigures(raw: Record<string, unknown>) {
  const s = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)])) as Record<string, number>;
  return {
    active: s.n_active,
    started: s.n_started,
    closed: s.n_closed,
    durationDays: summaryOf(s.n_closed, s.dur_s, s.dur_ss),
    /** On-time occasions done / occasions due so far (DOMAIN.md). */
    completeness: share(s.occ_on_time, s.occ_due),
    occasionsDone: share(s.occ_done, s.occ_due),
    goals: {
      episodes: s.goal_eps,
      goals: s.n_goals,
      measurable: share(s.n_goals_measurable, s.n_goals),
      attained: share(s.n_goals_attained, s.n_goals_assessed),
      gasT: summaryOf(s.gas_n, s.gas_s, s.gas_ss),
    },
  };
}

/** A distribution of scores at one occasion kind: n, mean, SD, caseness and counts per severity band. */
export function occasionFigures(raw: Record<string, unknown>) {
  const n = Number(raw.n);
  const bands = (raw.bands ?? {}) as Record<string, number>;
  return {
    ...summaryOf(n, Number(raw.s), Number(raw.ss)),
    cases: share(Number(raw.n_case), Number(raw.n_case_known)),
    bands: Object.entries(bands)
      .map(([band, count]) => ({ band: Number(band), n: Number(count) }))
      .sort((a, b) => a.band - b.band),
  };
}
