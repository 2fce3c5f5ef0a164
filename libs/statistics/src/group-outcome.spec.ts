import { describe, expect, it } from '@jest/globals';
import { groupOutcomeSummary } from './group-outcome.js';

// PHQ-9 (higher is worse, case ≥ 10, reliable change ≥ 6), six clients, one without a follow-up:
//   1: 15 → 8  −7 improved, case → not: recovered, reliably recovered
//   2: 12 → 10 −2 no change, still a case
//   3:  8 → 4  −4 no change, not a case at baseline
//   4: 20 → 13 −7 improved, still a case
//   5: 11 → 18 +7 deteriorated
//   6: 14 → –  no pair
// Pairs 5 of 6. Baseline 15 12 8 20 11: mean 13.2, Σd² = 82.8, SD = √20.7 = 4.549725.
// Latest 8 10 4 13 18: mean 10.6, Σd² = 111.2, SD = √27.8 = 5.272571. Change −7 −2 −4 −7 +7: mean −2.6, SD √33.3 = 5.770615.
// d = 2.6 / 4.549725 = 0.571463; r₁₂ = 30.4 / √(82.8 × 111.2) = 0.316815;
// SE = √(2 × 0.683185 / 5 + 0.326570 / 10) = 0.553110; CI −0.512633 to 1.655559.
// Improved 2/5, unchanged 2/5, deteriorated 1/5; cases 4/5; recovered 1/4, reliably recovered 1/4.
describe('group outcome: six PHQ-9 clients, one without follow-up', () => {
  const summary = groupOutcomeSummary(
    [
      { baseline: 15, latest: 8, gasTScore: 60 },
      { baseline: 12, latest: 10, gasTScore: 50 },
      { baseline: 8, latest: 4 },
      { baseline: 20, latest: 13, gasTScore: 55 },
      { baseline: 11, latest: 18 },
      { baseline: 14, latest: null, gasTScore: null },
    ],
    {
      direction: 'higher_is_worse',
      cutoff: { value: 10, inclusive: true },
      criterion: { kind: 'threshold', points: 6 },
    },
  );

  it('counts 6 clients and 5 pairs, completeness 5/6', () => {
    expect(summary.nClients).toBe(6);
    expect(summary.nPairs).toBe(5);
    expect(summary.completeness).toEqual({ numerator: 5, denominator: 6, value: 5 / 6 });
  });
  it('gives baseline 13.2 (SD 4.549725), latest 10.6 (SD 5.272571), change −2.6 (SD 5.770615), each n 5', () => {
    expect(summary.baseline.n).toBe(5);
    expect(summary.baseline.mean).toBeCloseTo(13.2, 10);
    expect(summary.baseline.sd).toBeCloseTo(4.549725, 5);
    expect(summary.latest.mean).toBeCloseTo(10.6, 10);
    expect(summary.latest.sd).toBeCloseTo(5.272571, 5);
    expect(summary.change.n).toBe(5);
    expect(summary.change.mean).toBeCloseTo(-2.6, 10);
    expect(summary.change.sd).toBeCloseTo(5.770615, 5);
  });
  it('gives d 0.571463 with 95 % CI −0.512633 to 1.655559', () => {
    expect(summary.effectSize).toMatchObject({ computable: true, n: 5 });
    if (!summary.effectSize.computable) throw new Error('expected a computable effect size');
    expect(summary.effectSize.d).toBeCloseTo(0.571463, 5);
    expect(summary.effectSize.r12).toBeCloseTo(0.316815, 5);
    expect(summary.effectSize.ciLow).toBeCloseTo(-0.512633, 5);
    expect(summary.effectSize.ciHigh).toBeCloseTo(1.655559, 5);
  });
  it('gives improved 2/5, no reliable change 2/5, deteriorated 1/5', () => {
    expect(summary.reliablyImproved).toEqual({ numerator: 2, denominator: 5, value: 0.4 });
    expect(summary.noReliableChange).toEqual({ numerator: 2, denominator: 5, value: 0.4 });
    expect(summary.reliablyDeteriorated).toEqual({ numerator: 1, denominator: 5, value: 0.2 });
  });
  it('gives cases 4/5, recovered 1/4 and reliably recovered 1/4', () => {
    expect(summary.casesAtBaseline).toEqual({ numerator: 4, denominator: 5, value: 0.8 });
    expect(summary.recovered).toEqual({ numerator: 1, denominator: 4, value: 0.25 });
    expect(summary.reliablyRecovered).toEqual({ numerator: 1, denominator: 4, value: 0.25 });
  });
  it('gives goal attainment mean 55 over the 3 clients with a T-score', () => {
    expect(summary.goalAttainment).toEqual({ n: 3, mean: 55, sd: 5 });
  });
});

describe('group outcome: a scale without a cut-off', () => {
  it('leaves the recovery figures null', () => {
    const summary = groupOutcomeSummary([{ baseline: 10, latest: 20 }], {
      direction: 'higher_is_better',
      criterion: { kind: 'rci', sdRef: 10.5, reliability: 0.961 },
    });
    expect(summary.recovered).toBeNull();
    expect(summary.reliablyRecovered).toBeNull();
    expect(summary.reliablyImproved).toEqual({ numerator: 1, denominator: 1, value: 1 });
    expect(summary.effectSize).toEqual({ computable: false, n: 1, reason: 'too_few_pairs' });
  });
});
