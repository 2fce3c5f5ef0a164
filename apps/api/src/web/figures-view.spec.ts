import { describe, expect, it } from '@jest/globals';
import { FigureFormatter, meanInterval } from './figures-view.js';
import { translator } from './i18n/i18n.js';

describe(FigureFormatter.name, () => {
  const sv = new FigureFormatter('sv', translator('sv'));

  it('shows a share with its n, and a hidden one as ".."', () => {
    expect(sv.share({ numerator: 3, denominator: 5, value: 0.6 })).toMatchObject({ text: '60 %', n: '3 av 5', suppressed: false });
    expect(sv.share({ numerator: null, denominator: 5, value: null, suppressed: true })).toMatchObject({ text: '..', n: '.. av 5', suppressed: true });
    expect(sv.share({ numerator: 0, denominator: 0, value: null })).toMatchObject({ text: '–', suppressed: false });
    expect(sv.count(null)).toMatchObject({ text: '..', suppressed: true });
    expect(sv.count(7).text).toBe('7');
  });

  it('gives a mean with its 95 % interval (mean ± 1.96 SD/√n), in Swedish number format', () => {
    // n 4, mean −6, SD 4: half-width 1.96 × 4 / 2 = 3.92
    expect(meanInterval({ n: 4, mean: -6, sd: 4 })).toEqual({ low: -9.92, high: -2.08 });
    expect(sv.meanWithInterval({ n: 4, mean: -6, sd: 4 })).toMatchObject({ text: '−6 (−9,9 till −2,1)', n: 'n = 4' });
    expect(meanInterval({ n: 1, mean: 3, sd: null })).toBeNull();
    expect(sv.meanWithInterval({ n: null, mean: null, sd: null, suppressed: true }).text).toBe('..');
  });

  it('says when an effect size cannot be computed, and hides a suppressed one', () => {
    expect(sv.effect({ computable: false, n: 1, reason: 'too_few_pairs' }).text).toBe('Kan inte beräknas');
    expect(sv.effect({ computable: false, n: null, reason: 'suppressed' }).text).toBe('..');
    expect(sv.effect({ computable: true, n: 6, d: 0.84, ciLow: 0.1, ciHigh: 1.58 }).text).toBe('0,84 (0,1 till 1,58)');
  });
});
