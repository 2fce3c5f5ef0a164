import { type Direction, improvementOf } from './direction.js';
import { pearsonCorrelation, summarize } from './descriptive.js';

/** z for the two-sided 95 % confidence interval. */
const Z_95 = 1.96;

export interface BaselineLatestPair {
  baseline: number;
  latest: number;
}

export type PrePostEffectSize =
  | {
      computable: true;
      n: number;
      /** mean(improvement) / SD(baseline); positive = improvement whatever the scale's direction. */
      d: number;
      se: number;
      ciLow: number;
      ciHigh: number;
      /** Pearson correlation of baseline and latest scores. */
      r12: number;
      /** mean(latest − baseline) in scale points, with the scale's own sign. */
      meanChange: number;
      /** mean change oriented so that positive = better. */
      meanImprovement: number;
      /** Sample SD (n − 1) of the baseline scores. */
      sdBaseline: number;
    }
  | {
      computable: false;
      n: number;
      reason: 'too_few_pairs' | 'no_baseline_variation' | 'no_latest_variation';
    };

/**
 * Pre-post (standardised mean change) effect size with the baseline SD as standardiser:
 * `d = mean(change) / SD(baseline)`, oriented so positive = improvement, with the large-sample standard error
 * `SE = √(2(1 − r₁₂)/n + d²/(2n))` and the 95 % interval `d ± 1.96·SE`. No small-sample bias correction is applied.
 *
 * Source: Becker, B. J. (1988). Synthesizing standardized mean-change measures. British Journal of Mathematical and
 * Statistical Psychology, 41, 257–278; Morris, S. B. (2000). Distribution of the standardized mean change effect size
 * for meta-analysis on repeated measures. BJMSP, 53, 17–29.
 */
export function prePostEffectSize(pairs: readonly BaselineLatestPair[], direction: Direction): PrePostEffectSize {
  const n = pairs.length;
  if (n < 2) return { computable: false, n, reason: 'too_few_pairs' };
  const baselines = pairs.map((p) => p.baseline);
  const latests = pairs.map((p) => p.latest);
  const sdBaseline = summarize(baselines).sd ?? 0;
  if (sdBaseline === 0) return { computable: false, n, reason: 'no_baseline_variation' };
  const r12 = pearsonCorrelation(baselines, latests);
  // The SE needs r₁₂; when every latest score is equal (e.g. all 0) the correlation does not exist.
  if (r12 === null) return { computable: false, n, reason: 'no_latest_variation' };

  const meanChange = summarize(pairs.map((p) => p.latest - p.baseline)).mean ?? 0;
  const meanImprovement = improvementOf(meanChange, direction);
  const d = meanImprovement / sdBaseline;
  const se = Math.sqrt((2 * (1 - r12)) / n + (d * d) / (2 * n));
  return {
    computable: true,
    n,
    d,
    se,
    ciLow: d - Z_95 * se,
    ciHigh: d + Z_95 * se,
    r12,
    meanChange,
    meanImprovement,
    sdBaseline,
  };
}
