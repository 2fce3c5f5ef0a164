import { invalid } from '#domain';
import { assertFinite, assertPositive } from './validation.js';

/** The inter-goal correlation Kiresuk & Sherman assumed; the usual default. */
export const DEFAULT_GAS_RHO = 0.3;

/**
 * Goal Attainment Scaling summary T-score:
 * `T = 50 + 10·Σwᵢxᵢ / √((1 − ρ)Σwᵢ² + ρ(Σwᵢ)²)`, levels xᵢ integers −2…+2, weights wᵢ default 1, ρ default 0.3.
 * All goals at their expected level (0) give T = 50.
 *
 * Source: Kiresuk, T. J. & Sherman, R. E. (1968). Goal attainment scaling: a general method for evaluating
 * comprehensive community mental health programs. Community Mental Health Journal, 4(6), 443–453.
 */
export function gasTScore(
  levels: readonly number[],
  weights?: readonly number[],
  rho: number = DEFAULT_GAS_RHO,
): number {
  if (levels.length === 0) {
    throw invalid('GAS.NO_GOALS', 'Minst ett mål behövs.', 'At least one goal is needed.', [
      { field: 'levels', sv: 'Tom lista.', en: 'Empty list.' },
    ]);
  }
  levels.forEach((level, i) => {
    if (!Number.isInteger(level) || level < -2 || level > 2) {
      throw invalid(
        'GAS.LEVEL_OUT_OF_RANGE',
        'En GAS-nivå måste vara ett heltal från −2 till +2.',
        'A GAS level must be a whole number from −2 to +2.',
        [{ field: `levels[${i}]`, sv: 'Måste vara −2, −1, 0, +1 eller +2.', en: 'Must be −2, −1, 0, +1 or +2.' }],
      );
    }
  });
  const w = weights ?? levels.map(() => 1);
  if (w.length !== levels.length) {
    throw invalid(
      'GAS.WEIGHTS_LENGTH_MISMATCH',
      'Antalet vikter måste vara lika med antalet mål.',
      'The number of weights must equal the number of goals.',
      [{ field: 'weights', sv: `Väntade ${levels.length} vikter.`, en: `Expected ${levels.length} weights.` }],
    );
  }
  w.forEach((wi, i) => assertPositive(wi, `weights[${i}]`));
  assertFinite(rho, 'rho');
  if (rho < 0 || rho >= 1) {
    throw invalid(
      'GAS.RHO_OUT_OF_RANGE',
      'ρ måste vara minst 0 och mindre än 1.',
      'ρ must be at least 0 and less than 1.',
      [{ field: 'rho', sv: 'Måste vara 0 ≤ ρ < 1.', en: 'Must be 0 ≤ ρ < 1.' }],
    );
  }

  let weighted = 0;
  let sumW = 0;
  let sumW2 = 0;
  levels.forEach((x, i) => {
    weighted += w[i] * x;
    sumW += w[i];
    sumW2 += w[i] * w[i];
  });
  return 50 + (10 * weighted) / Math.sqrt((1 - rho) * sumW2 + rho * sumW * sumW);
}
