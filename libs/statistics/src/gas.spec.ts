import { describe, expect, it } from '@jest/globals';
import { gasTScore } from './gas.js';

// Denominator √((1 − 0.3)Σw² + 0.3(Σw)²) with unit weights and m goals: √(0.7m + 0.3m²).
describe('GAS T-score: one goal at +1', () => {
  // 50 + 10 × 1 / √(0.7 + 0.3) = 60
  it('is 60.000', () => expect(gasTScore([1]).toFixed(3)).toBe('60.000'));
});

describe('GAS T-score: three goals at the expected level 0', () => {
  it('is 50.000', () => expect(gasTScore([0, 0, 0]).toFixed(3)).toBe('50.000'));
});

describe('GAS T-score: three goals at −1', () => {
  // 50 − 30 / √(2.1 + 2.7) = 50 − 30 / 2.190890 = 36.307
  it('is 36.307', () => expect(gasTScore([-1, -1, -1]).toFixed(3)).toBe('36.307'));
});

describe('GAS T-score: three goals at +2', () => {
  // 50 + 60 / 2.190890 = 77.386
  it('is 77.386', () => expect(gasTScore([2, 2, 2]).toFixed(3)).toBe('77.386'));
});

describe('GAS T-score: four goals at +1, 0, −1, +2', () => {
  // Σx = 2; 50 + 20 / √(2.8 + 4.8) = 50 + 20 / 2.756810 = 57.255
  it('is 57.255', () => expect(gasTScore([1, 0, -1, 2]).toFixed(3)).toBe('57.255'));
});

describe('GAS T-score: +1, 0, −1 weighted 3, 2, 1', () => {
  // Σwx = 3 − 1 = 2; Σw² = 14; (Σw)² = 36; 50 + 20 / √(9.8 + 10.8) = 50 + 20 / 4.538722 = 54.407
  it('is 54.407', () => expect(gasTScore([1, 0, -1], [3, 2, 1]).toFixed(3)).toBe('54.407'));
});

describe('GAS T-score: invalid input', () => {
  it('rejects a level outside −2…+2', () => {
    expect(() => gasTScore([3])).toThrow('GAS.LEVEL_OUT_OF_RANGE');
  });
  it('rejects a level that is not a whole number', () => {
    expect(() => gasTScore([0.5])).toThrow('GAS.LEVEL_OUT_OF_RANGE');
  });
  it('rejects weights of the wrong length', () => {
    expect(() => gasTScore([1, 0], [1])).toThrow('GAS.WEIGHTS_LENGTH_MISMATCH');
  });
  it('rejects no goals', () => {
    expect(() => gasTScore([])).toThrow('GAS.NO_GOALS');
  });
});
