import { describe, expect, it } from '@jest/globals';
import { WHO5 } from './built-in/index.js';
import { scoreResponse } from './scoring.js';

const index = (values: number[]) => scoreResponse(WHO5, Object.fromEntries(values.map((v, i) => [`who5_${i + 1}`, v])))[0];

// WHO-5: raw 0–25 × 4; higher is better, so the clinical side of the ≤ 50 cut-off is the low side (Topp et al. 2015).
describe('WHO-5 direction and transform', () => {
  it('3 + 4 + 2 + 3 + 1 = 13 × 4 = 52: above 50, no sign of poor wellbeing, not a case', () => {
    const score = index([3, 4, 2, 3, 1]);
    expect(score).toMatchObject({ raw: 52, isCase: false, cutoffApplied: 50 });
    expect(score.band?.label.en).toBe('No sign of poor wellbeing');
  });

  it('12 × 4 = 48: poor wellbeing and a case, because lower is worse', () => {
    const score = index([3, 3, 2, 3, 1]);
    expect(score).toMatchObject({ raw: 48, isCase: true });
    expect(score.band?.label.en).toBe('Poor wellbeing');
  });

  it('exactly 50 cannot occur (multiples of 4); 7 × 4 = 28 is likely depression', () => {
    const score = index([1, 2, 1, 2, 1]);
    expect(score).toMatchObject({ raw: 28, isCase: true });
    expect(score.band?.label.en).toBe('Likely depression');
  });

  it('declares its direction as higher is better', () => {
    expect(WHO5.scales[0].direction).toBe('higher_is_better');
  });
});
