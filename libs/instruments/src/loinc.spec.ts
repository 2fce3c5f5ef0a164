import { describe, expect, it } from '@jest/globals';
import { isValidLoinc } from './loinc.js';

describe(isValidLoinc.name, () => {
  it('accepts published codes and rejects a wrong check digit or format', () => {
    expect(['44249-1', '44261-6', '69737-5', '70274-6', '44260-8'].every(isValidLoinc)).toBe(true);
    expect(isValidLoinc('44261-5')).toBe(false);
    expect(isValidLoinc('44261')).toBe(false);
    expect(isValidLoinc('LA6568-5')).toBe(false);
  });
});
