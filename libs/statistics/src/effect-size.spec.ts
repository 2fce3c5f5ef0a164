import { describe, expect, it } from '@jest/globals';
import { prePostEffectSize } from './effect-size.js';

describe('pre-post effect size: five clients on a higher-is-worse scale', () => {
  // baseline 10 12 14 16 18: mean 14, deviations −4 −2 0 2 4, Σd² = 40, SD = √(40/4) = √10 = 3.162278
  // latest    6  9  9 12 14: mean 10, deviations −4 −1 −1 2 4, Σd² = 38
  // change −4 −3 −5 −4 −4: mean −4, improvement +4; d = 4 / 3.162278 = 1.264911
  // r₁₂ = Σ(dx·dy) / √(40 × 38) = (16 + 2 + 0 + 4 + 16) / 38.987177 = 38 / 38.987177 = 0.974679
  // SE = √(2 × 0.025321 / 5 + 1.6 / 10) = √(0.010128 + 0.16) = 0.412466; CI = 1.264911 ± 0.808433
  const pairs = [
    { baseline: 10, latest: 6 },
    { baseline: 12, latest: 9 },
    { baseline: 14, latest: 9 },
    { baseline: 16, latest: 12 },
    { baseline: 18, latest: 14 },
  ];
  const result = prePostEffectSize(pairs, 'higher_is_worse');

  it('is computable with n 5', () => {
    expect(result).toMatchObject({ computable: true, n: 5 });
  });
  it('gives d 1.264911, SE 0.412466, 95 % CI 0.456478 to 2.073344', () => {
    if (!result.computable) throw new Error('expected a computable result');
    expect(result.d).toBeCloseTo(1.264911, 5);
    expect(result.se).toBeCloseTo(0.412466, 5);
    expect(result.ciLow).toBeCloseTo(0.456478, 5);
    expect(result.ciHigh).toBeCloseTo(2.073344, 5);
  });
  it('gives r₁₂ 0.974679, mean change −4, mean improvement 4, baseline SD √10', () => {
    if (!result.computable) throw new Error('expected a computable result');
    expect(result.r12).toBeCloseTo(0.974679, 5);
    expect(result.meanChange).toBe(-4);
    expect(result.meanImprovement).toBe(4);
    expect(result.sdBaseline).toBeCloseTo(Math.sqrt(10), 10);
  });
  it('flips the sign of d on a higher-is-better scale', () => {
    const flipped = prePostEffectSize(pairs, 'higher_is_better');
    expect(flipped.computable && flipped.d).toBeCloseTo(-1.264911, 5);
  });
});

describe('pre-post effect size: not computable', () => {
  it('says so for one pair', () => {
    expect(prePostEffectSize([{ baseline: 10, latest: 5 }], 'higher_is_worse')).toEqual({
      computable: false,
      n: 1,
      reason: 'too_few_pairs',
    });
  });
  it('says so when every baseline is the same', () => {
    const pairs = [
      { baseline: 10, latest: 5 },
      { baseline: 10, latest: 7 },
    ];
    expect(prePostEffectSize(pairs, 'higher_is_worse')).toMatchObject({
      computable: false,
      reason: 'no_baseline_variation',
    });
  });
  it('says so when every latest score is the same, since r₁₂ does not exist', () => {
    const pairs = [
      { baseline: 12, latest: 0 },
      { baseline: 16, latest: 0 },
    ];
    expect(prePostEffectSize(pairs, 'higher_is_worse')).toMatchObject({
      computable: false,
      reason: 'no_latest_variation',
    });
  });
});
