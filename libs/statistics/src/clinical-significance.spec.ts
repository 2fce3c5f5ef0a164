import { describe, expect, it } from '@jest/globals';
import { classifyRecovery, clinicalCutoffs, isCase } from './clinical-significance.js';

describe('clinical cut-offs: clinical 40 (SD 7.5), functional 60 (SD 7.5), higher is better', () => {
  // a = 40 + 2 × 7.5 = 55; b = 60 − 2 × 7.5 = 45; c = (7.5 × 60 + 7.5 × 40) / 15 = 50
  it('gives a 55, b 45, c 50', () => {
    const cutoffs = clinicalCutoffs({
      clinical: { mean: 40, sd: 7.5 },
      functional: { mean: 60, sd: 7.5 },
      direction: 'higher_is_better',
    });
    expect(cutoffs).toEqual({ a: 55, b: 45, c: 50 });
  });
});

describe('clinical cut-offs: unequal SDs, clinical 30 (SD 8), functional 55 (SD 6), higher is better', () => {
  // a = 30 + 2 × 8 = 46; b = 55 − 2 × 6 = 43; c = (8 × 55 + 6 × 30) / (8 + 6) = (440 + 180) / 14 = 44.285714
  it('gives a 46, b 43, c 44.285714 (c lies nearer the mean with the smaller SD)', () => {
    const cutoffs = clinicalCutoffs({
      clinical: { mean: 30, sd: 8 },
      functional: { mean: 55, sd: 6 },
      direction: 'higher_is_better',
    });
    expect(cutoffs.a).toBe(46);
    expect(cutoffs.b).toBe(43);
    expect(cutoffs.c).toBeCloseTo(44.285714, 5);
  });
});

describe('clinical cut-offs: clinical 20 (SD 6), functional 8 (SD 4), higher is worse', () => {
  // a = 20 − 2 × 6 = 8; b = 8 + 2 × 4 = 16; c = (6 × 8 + 4 × 20) / (6 + 4) = (48 + 80) / 10 = 12.8
  it('gives a 8, b 16, c 12.8', () => {
    const cutoffs = clinicalCutoffs({
      clinical: { mean: 20, sd: 6 },
      functional: { mean: 8, sd: 4 },
      direction: 'higher_is_worse',
    });
    expect(cutoffs.a).toBe(8);
    expect(cutoffs.b).toBe(16);
    expect(cutoffs.c).toBeCloseTo(12.8, 10);
  });
  it('rejects norms that contradict the direction', () => {
    expect(() =>
      clinicalCutoffs({ clinical: { mean: 8, sd: 4 }, functional: { mean: 20, sd: 6 }, direction: 'higher_is_worse' }),
    ).toThrow('STATISTICS.NORMS_CONTRADICT_DIRECTION');
  });
});

describe('caseness: PHQ-9 "10 or more", higher is worse', () => {
  it('counts 10 as a case when inclusive, not when exclusive', () => {
    expect(isCase(10, 10, 'higher_is_worse', { inclusive: true })).toBe(true);
    expect(isCase(10, 10, 'higher_is_worse', { inclusive: false })).toBe(false);
  });
  it('counts 9 as not a case and 11 as a case', () => {
    expect(isCase(9, 10, 'higher_is_worse', { inclusive: true })).toBe(false);
    expect(isCase(11, 10, 'higher_is_worse', { inclusive: false })).toBe(true);
  });
});

describe('caseness: a higher-is-better scale with cut-off 13', () => {
  it('counts 13 and below as a case', () => {
    expect(isCase(13, 13, 'higher_is_better', { inclusive: true })).toBe(true);
    expect(isCase(12, 13, 'higher_is_better', { inclusive: false })).toBe(true);
    expect(isCase(14, 13, 'higher_is_better', { inclusive: true })).toBe(false);
  });
});

describe('recovery: PHQ-9 (case ≥ 10, reliable change ≥ 6)', () => {
  const rules = {
    direction: 'higher_is_worse',
    cutoff: { value: 10, inclusive: true },
    criterion: { kind: 'threshold', points: 6 },
  } as const;
  it('15 → 8 is recovered and reliably recovered', () => {
    const r = classifyRecovery({ baseline: 15, latest: 8, ...rules });
    expect(r).toMatchObject({ caseAtBaseline: true, caseAtLatest: false, recovered: true, reliablyRecovered: true });
  });
  it('11 → 9 is recovered but not reliably (2 points)', () => {
    const r = classifyRecovery({ baseline: 11, latest: 9, ...rules });
    expect(r).toMatchObject({ recovered: true, reliablyRecovered: false });
    expect(r.change.category).toBe('no_reliable_change');
  });
  it('20 → 10 improves reliably but is not recovered (10 is still a case)', () => {
    const r = classifyRecovery({ baseline: 20, latest: 10, ...rules });
    expect(r).toMatchObject({ recovered: false, reliablyRecovered: false });
    expect(r.change.category).toBe('reliably_improved');
  });
  it('8 → 2 was not a case, so recovery is null (outside the denominator)', () => {
    const r = classifyRecovery({ baseline: 8, latest: 2, ...rules });
    expect(r).toMatchObject({ caseAtBaseline: false, recovered: null, reliablyRecovered: null });
  });
});
