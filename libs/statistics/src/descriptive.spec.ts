import { describe, expect, it } from '@jest/globals';
import { pearsonCorrelation, share, summarize } from './descriptive.js';

describe('summary: 2, 4, 4, 4, 5, 5, 7, 9', () => {
  // mean 40 / 8 = 5; Σ(x − 5)² = 9 + 1 + 1 + 1 + 0 + 0 + 4 + 16 = 32; sample SD = √(32 / 7) = 2.138090
  it('gives n 8, mean 5 and sample SD 2.138090 (not the population SD 2)', () => {
    const s = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s.n).toBe(8);
    expect(s.mean).toBe(5);
    expect(s.sd).toBeCloseTo(2.13809, 5);
  });
});

describe('summary: too few values', () => {
  it('gives null mean and SD for no values, null SD for one', () => {
    expect(summarize([])).toEqual({ n: 0, mean: null, sd: null });
    expect(summarize([7])).toEqual({ n: 1, mean: 7, sd: null });
  });
});

describe('share: 3 of 12', () => {
  it('keeps numerator and denominator beside 0.25', () => {
    expect(share(3, 12)).toEqual({ numerator: 3, denominator: 12, value: 0.25 });
  });
  it('is null for an empty denominator', () => {
    expect(share(0, 0)).toEqual({ numerator: 0, denominator: 0, value: null });
  });
  it('rejects a numerator larger than the denominator', () => {
    expect(() => share(5, 4)).toThrow('STATISTICS.NUMERATOR_EXCEEDS_DENOMINATOR');
  });
});

describe('Pearson correlation: 1 2 3 against 2 4 7', () => {
  // dx −1 0 1, dy −2.333 −0.333 2.667: Σdxdy = 5, Σdx² = 2, Σdy² = 12.666667; r = 5 / √25.333333 = 0.993399
  it('is 0.993399', () => {
    expect(pearsonCorrelation([1, 2, 3], [2, 4, 7])).toBeCloseTo(0.993399, 5);
  });
  it('is null when one series does not vary', () => {
    expect(pearsonCorrelation([1, 2, 3], [4, 4, 4])).toBeNull();
  });
});
