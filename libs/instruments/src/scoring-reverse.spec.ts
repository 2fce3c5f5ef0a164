import { describe, expect, it } from '@jest/globals';
import { scoreResponse } from './scoring.js';
import { REVERSE_DEF } from './test-definitions.js';

// Reverse = (min + max) − value over the item's scored range: b over 1–5, c over weights 0–3.
describe('reverse-scored items', () => {
  it('reverses b (2 → 4) and c (value 4 = weight 3 → 0): 5 + 4 + 0 = 9', () => {
    const [total, meanAb] = scoreResponse(REVERSE_DEF, { a: 5, b: 2, c: 4 });
    expect(total.raw).toBe(9);
    // Mean of a = 5 and reversed b = 4.
    expect(meanAb.raw).toBe(4.5);
  });

  it('prorates after reversing: a missing, b 2 → 4, c value 1 = weight 0 → 3; (4 + 3) / 2 × 3 = 10.5', () => {
    const [total, meanAb] = scoreResponse(REVERSE_DEF, { b: 2, c: 1 });
    expect(total).toMatchObject({ raw: 10.5, valid: true, prorated: true, answeredItems: 2, missingItems: 1 });
    expect(meanAb).toMatchObject({ raw: null, valid: false });
  });
});
