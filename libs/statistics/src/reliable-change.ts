import { invalid } from '#domain';
import { type Direction, improvementOf } from './direction.js';
import { assertFinite, assertPositive } from './validation.js';

/** z for a two-sided 95 % criterion (Jacobson & Truax 1991); CORE-10 publishes a 90 % one, z = 1.645. */
export const DEFAULT_RCI_Z = 1.96;

/**
 * How a scale decides that a change is reliable:
 * - `rci`: the reliable change index of Jacobson & Truax (1991), from the scale's reference SD and reliability;
 * - `threshold`: a fixed number of points published for the instrument (PHQ-9: 6, GAD-7: 4), used instead of the RCI.
 */
export type ChangeCriterion =
  { kind: 'rci'; sdRef: number; reliability: number; z?: number } | { kind: 'threshold'; points: number };

export type ChangeCategory = 'reliably_improved' | 'no_reliable_change' | 'reliably_deteriorated';

export interface ChangeClassification {
  /** latest − baseline, in scale points, with the scale's own sign. */
  change: number;
  /** The change oriented so that positive = better, whatever the scale's direction. */
  improvement: number;
  /** The reliable change index (change / S_diff); null when a fixed threshold was used. */
  rci: number | null;
  category: ChangeCategory;
}

/**
 * Standard error of the difference between two scores: `S_diff = SD_ref × √2 × √(1 − r)`.
 *
 * Source: Jacobson, N. S. & Truax, P. (1991). Clinical significance: a statistical approach to defining
 * meaningful change in psychotherapy research. Journal of Consulting and Clinical Psychology, 59(1), 12–19.
 *
 * @param sdRef the reference (normative or clinical-sample) standard deviation the instrument publishes
 * @param reliability the published reliability r (test–retest or Cronbach's α), 0 ≤ r < 1
 */
export function standardErrorOfDifference(sdRef: number, reliability: number): number {
  assertPositive(sdRef, 'sdRef');
  assertFinite(reliability, 'reliability');
  if (reliability < 0 || reliability >= 1) {
    throw invalid(
      'STATISTICS.RELIABILITY_OUT_OF_RANGE',
      'Reliabiliteten måste vara minst 0 och mindre än 1.',
      'Reliability must be at least 0 and less than 1.',
      [{ field: 'reliability', sv: 'Måste vara 0 ≤ r < 1.', en: 'Must be 0 ≤ r < 1.' }],
    );
  }
  return sdRef * Math.SQRT2 * Math.sqrt(1 - reliability);
}

/**
 * The smallest change, in scale points, that counts as reliable: `z × S_diff`
 * (e.g. 5.747681 for SD 10.5, r 0.961, z 1.96).
 *
 * Source: Jacobson & Truax (1991), J Consult Clin Psychol 59(1), 12–19.
 */
export function reliableChangeThreshold(input: { sdRef: number; reliability: number; z?: number }): number {
  const z = input.z ?? DEFAULT_RCI_Z;
  assertPositive(z, 'z');
  return z * standardErrorOfDifference(input.sdRef, input.reliability);
}

/**
 * Reliable change index: `RCI = (latest − baseline) / S_diff`; |RCI| > z is reliable.
 *
 * Source: Jacobson & Truax (1991), J Consult Clin Psychol 59(1), 12–19.
 */
export function reliableChangeIndex(baseline: number, latest: number, sDiff: number): number {
  assertFinite(baseline, 'baseline');
  assertFinite(latest, 'latest');
  assertPositive(sDiff, 'sDiff');
  return (latest - baseline) / sDiff;
}

/**
 * Classifies one client's change on one scale as reliably improved, no reliable change or reliably deteriorated.
 *
 * - `rci` criterion: reliable when |RCI| > z, strictly, as in Jacobson & Truax (1991), J Consult Clin Psychol 59(1), 12–19.
 * - `threshold` criterion: reliable when |change| ≥ points, inclusively, as the NHS Talking Therapies for Anxiety and
 *   Depression Manual (NHS England) states it: a change of 6 or more on PHQ-9, 4 or more on GAD-7.
 */
export function classifyChange(input: {
  baseline: number;
  latest: number;
  direction: Direction;
  criterion: ChangeCriterion;
}): ChangeClassification {
  const { baseline, latest, direction, criterion } = input;
  assertFinite(baseline, 'baseline');
  assertFinite(latest, 'latest');
  const change = latest - baseline;
  const improvement = improvementOf(change, direction);

  let rci: number | null = null;
  let reliable: boolean;
  if (criterion.kind === 'rci') {
    const z = criterion.z ?? DEFAULT_RCI_Z;
    assertPositive(z, 'criterion.z');
    rci = reliableChangeIndex(baseline, latest, standardErrorOfDifference(criterion.sdRef, criterion.reliability));
    reliable = Math.abs(rci) > z;
  } else {
    assertPositive(criterion.points, 'criterion.points');
    reliable = Math.abs(change) >= criterion.points;
  }

  const category: ChangeCategory = !reliable
    ? 'no_reliable_change'
    : improvement > 0
      ? 'reliably_improved'
      : 'reliably_deteriorated';
  return { change, improvement, rci, category };
}
