import { invalid } from '#domain';
import { assertCount, assertFinite } from './validation.js';

/** A mean and SD that carry their n; mean is null for n = 0 and sd for n < 2. */
export interface Summary {
  n: number;
  mean: number | null;
  /** Sample standard deviation (divisor n − 1). */
  sd: number | null;
}

/** A share that carries its numerator and denominator; value is null when the denominator is 0. */
export interface Share {
  numerator: number;
  denominator: number;
  value: number | null;
}

/**
 * n, mean and sample standard deviation `√(Σ(x − x̄)² / (n − 1))`.
 *
 * Source: the usual unbiased-variance estimator (Bessel's correction), as in any statistics textbook, e.g.
 * Altman, D. G. (1991). Practical Statistics for Medical Research. Chapman & Hall, ch. 3.
 */
export function summarize(values: readonly number[]): Summary {
  values.forEach((v, i) => assertFinite(v, `values[${i}]`));
  const n = values.length;
  if (n === 0) return { n, mean: null, sd: null };
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  if (n < 2) return { n, mean, sd: null };
  const squares = values.reduce((sum, v) => sum + (v - mean) ** 2, 0);
  return { n, mean, sd: Math.sqrt(squares / (n - 1)) };
}

/**
 * A share `numerator / denominator` that keeps both counts, so every reported rate can be checked and suppressed.
 *
 * Source: reporting practice of Kolada (RKA) and SCB: a rate is shown with the counts behind it.
 */
export function share(numerator: number, denominator: number): Share {
  assertCount(numerator, 'numerator');
  assertCount(denominator, 'denominator');
  if (numerator > denominator) {
    throw invalid(
      'STATISTICS.NUMERATOR_EXCEEDS_DENOMINATOR',
      'Täljaren kan inte vara större än nämnaren.',
      'The numerator cannot be larger than the denominator.',
      [{ field: 'numerator', sv: 'Större än nämnaren.', en: 'Larger than the denominator.' }],
    );
  }
  return { numerator, denominator, value: denominator === 0 ? null : numerator / denominator };
}

/**
 * Pearson's product–moment correlation `Σ(x − x̄)(y − ȳ) / √(Σ(x − x̄)² Σ(y − ȳ)²)`;
 * null for fewer than two pairs or when either variable does not vary.
 *
 * Source: Pearson, K. (1896). Mathematical contributions to the theory of evolution III. Philosophical Transactions
 * of the Royal Society A, 187, 253–318.
 */
export function pearsonCorrelation(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) {
    throw invalid(
      'STATISTICS.LENGTH_MISMATCH',
      'Serierna måste vara lika långa.',
      'The two series must have the same length.',
      [{ field: 'y', sv: 'Annan längd än x.', en: 'Different length from x.' }],
    );
  }
  const mx = summarize(x).mean;
  const my = summarize(y).mean;
  if (x.length < 2 || mx === null || my === null) return null;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}
