import { describe, expect, it } from '@jest/globals';
import { PHQ9 } from './built-in/index.js';
import { scoreResponse } from './scoring.js';

// PHQ-9 may miss at most 2 of its 9 items (NHS Data Dictionary); missing items take the mean of the answered ones.
const answers = (values: Array<number | null>) => Object.fromEntries(values.map((v, i) => [`phq9_${i + 1}`, v]));
const total = (values: Array<number | null>) => scoreResponse(PHQ9, answers(values))[0];

describe('PHQ-9 scoring and prorating', () => {
  it('sums a complete response: 1×8 + 2 = 10, moderate, a case at the inclusive cut-off of 10', () => {
    const score = total([1, 1, 1, 1, 1, 1, 1, 1, 2]);
    expect(score).toEqual({
      scaleId: 'phq9_total',
      raw: 10,
      valid: true,
      answeredItems: 9,
      missingItems: 0,
      prorated: false,
      band: PHQ9.scales[0].bands![2],
      isCase: true,
      cutoffApplied: 10,
    });
  });

  it('prorates at the limit of two missing items: 7 answered summing to 14 → 14 / 7 × 9 = 18', () => {
    const score = total([2, 2, 2, 2, 2, 2, 2, null, null]);
    expect(score.raw).toBe(18);
    expect(score.valid).toBe(true);
    expect(score.prorated).toBe(true);
    expect(score.answeredItems).toBe(7);
    expect(score.missingItems).toBe(2);
    expect(score.band?.label.en).toBe('Moderately severe');
    expect(score.isCase).toBe(true);
  });

  it('refuses to score one past the limit: three missing items make the total invalid', () => {
    const score = total([2, 2, 2, 2, 2, 2, null, null, null]);
    expect(score.raw).toBeNull();
    expect(score.valid).toBe(false);
    expect(score.invalidReason).toEqual({
      code: 'TOO_MANY_MISSING',
      sv: '3 av 9 frågor saknar svar; högst 2 får saknas.',
      en: '3 of 9 items are unanswered; at most 2 may be missing.',
    });
    expect(score.band).toBeUndefined();
    expect(score.isCase).toBeNull();
  });

  it('keeps a prorated fraction and bands it by the band it has passed: 4 over 8 items → 4.5, none–minimal', () => {
    const score = total([1, 1, 1, 1, 0, 0, 0, 0, undefined as unknown as null]);
    expect(score.raw).toBe(4.5);
    expect(score.band?.label.en).toBe('None–minimal');
    expect(score.isCase).toBe(false);
  });

  it('ignores the unscored difficulty item', () => {
    expect(scoreResponse(PHQ9, { ...answers([0, 0, 0, 0, 0, 0, 0, 0, 0]), phq9_difficulty: 3 })[0].raw).toBe(0);
  });
});
