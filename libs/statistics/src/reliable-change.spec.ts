import { describe, expect, it } from '@jest/globals';
import { DomainError } from '#domain';
import {
  classifyChange,
  reliableChangeIndex,
  reliableChangeThreshold,
  standardErrorOfDifference,
} from './reliable-change.js';

describe('reliable change: SD 10.5, r 0.961', () => {
  // S_diff = 10.5 × √2 × √0.039 = 10.5 × 1.414214 × 0.197484 = 2.932490; × 1.96 = 5.747681
  it('gives S_diff 2.932490', () => {
    expect(standardErrorOfDifference(10.5, 0.961)).toBeCloseTo(2.93249, 5);
  });
  it('gives the 95 % threshold 5.747681', () => {
    expect(reliableChangeThreshold({ sdRef: 10.5, reliability: 0.961 })).toBeCloseTo(5.747681, 5);
  });
  it('gives a 90 % threshold of 1.645 × S_diff = 4.823947', () => {
    expect(reliableChangeThreshold({ sdRef: 10.5, reliability: 0.961, z: 1.645 })).toBeCloseTo(4.823947, 5);
  });
});

describe('reliable change: SD 6.396073, r 0.931', () => {
  // S_diff = 6.396073 × √2 × √0.069 = 2.376036; × 1.96 = 4.657030
  it('gives the 95 % threshold 4.65703', () => {
    expect(reliableChangeThreshold({ sdRef: 6.396073, reliability: 0.931 })).toBeCloseTo(4.65703, 5);
  });
});

describe('reliable change index: 30 → 24 with S_diff 2.932490', () => {
  it('is −6 / 2.932490 = −2.046047', () => {
    expect(reliableChangeIndex(30, 24, 2.932490409)).toBeCloseTo(-2.046047, 5);
  });
});

describe('classify change: RCI on a higher-is-worse scale (SD 10.5, r 0.961, threshold 5.747681)', () => {
  const criterion = { kind: 'rci', sdRef: 10.5, reliability: 0.961 } as const;
  it('30 → 24 (6 points down) is reliably improved', () => {
    const result = classifyChange({ baseline: 30, latest: 24, direction: 'higher_is_worse', criterion });
    expect(result.change).toBe(-6);
    expect(result.improvement).toBe(6);
    expect(result.rci).toBeCloseTo(-2.046047, 5);
    expect(result.category).toBe('reliably_improved');
  });
  it('30 → 25 (5 points down, below 5.747681) is no reliable change', () => {
    expect(classifyChange({ baseline: 30, latest: 25, direction: 'higher_is_worse', criterion }).category).toBe(
      'no_reliable_change',
    );
  });
  it('30 → 36 is reliably deteriorated', () => {
    expect(classifyChange({ baseline: 30, latest: 36, direction: 'higher_is_worse', criterion }).category).toBe(
      'reliably_deteriorated',
    );
  });
});

describe('classify change: RCI on a higher-is-better scale', () => {
  it('30 → 36 is reliably improved, with positive improvement', () => {
    const result = classifyChange({
      baseline: 30,
      latest: 36,
      direction: 'higher_is_better',
      criterion: { kind: 'rci', sdRef: 10.5, reliability: 0.961 },
    });
    expect(result.improvement).toBe(6);
    expect(result.category).toBe('reliably_improved');
  });
});

describe('classify change: PHQ-9 fixed threshold of 6 points (≥, inclusive)', () => {
  const criterion = { kind: 'threshold', points: 6 } as const;
  it('15 → 9 (exactly 6 down) is reliably improved, with rci null', () => {
    const result = classifyChange({ baseline: 15, latest: 9, direction: 'higher_is_worse', criterion });
    expect(result).toEqual({ change: -6, improvement: 6, rci: null, category: 'reliably_improved' });
  });
  it('15 → 10 (5 down) is no reliable change', () => {
    expect(classifyChange({ baseline: 15, latest: 10, direction: 'higher_is_worse', criterion }).category).toBe(
      'no_reliable_change',
    );
  });
  it('9 → 15 (exactly 6 up) is reliably deteriorated', () => {
    expect(classifyChange({ baseline: 9, latest: 15, direction: 'higher_is_worse', criterion }).category).toBe(
      'reliably_deteriorated',
    );
  });
});

describe('reliable change: invalid input', () => {
  it('rejects reliability 1 with a typed error', () => {
    expect(() => standardErrorOfDifference(10, 1)).toThrow(DomainError);
    expect(() => standardErrorOfDifference(10, 1)).toThrow('STATISTICS.RELIABILITY_OUT_OF_RANGE');
  });
  it('rejects a non-positive SD', () => {
    expect(() => standardErrorOfDifference(0, 0.9)).toThrow('STATISTICS.NOT_POSITIVE');
  });
});
