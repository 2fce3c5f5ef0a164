import { describe, expect, it } from '@jest/globals';
import { DomainError } from './errors.js';
import { luhnValid, parseIdentityNumber } from './personal-identity-number.js';

const today = new Date('2026-11-30T00:00:00Z');

function errorOf(input: string): DomainError {
  try {
    parseIdentityNumber(input, 'pnr', today);
  } catch (e) {
    return e as DomainError;
  }
  throw new Error(`expected ${input} to be rejected`);
}

describe('parseIdentityNumber', () => {
  // 811218-9876 is Skatteverket's published example; its Luhn sum is 60.
  it('accepts Skatteverket’s example 811218-9876 in every format', () => {
    for (const input of ['811218-9876', '19811218-9876', '198112189876']) {
      const id = parseIdentityNumber(input, 'pnr', today);
      expect(id.normalized).toBe('198112189876');
      expect(id.kind).toBe('personnummer');
      expect(id.birthDate).toBe('1981-12-18');
      expect(id.legalSex).toBe('male');
    }
  });

  it('reads + as 100 years or older', () => {
    expect(parseIdentityNumber('121212+1212', 'pnr', today).birthYear).toBe(1912);
    expect(parseIdentityNumber('121212-1212', 'pnr', today).birthYear).toBe(2012);
  });

  it('accepts a samordningsnummer (day + 60) and gives the real birth date', () => {
    // 701063-2391: born 1970-10-03; Luhn over 7010632391 = 50.
    const id = parseIdentityNumber('701063-2391', 'pnr', today);
    expect(id.kind).toBe('samordningsnummer');
    expect(id.birthDate).toBe('1970-10-03');
  });

  it('rejects a bad check digit, naming the field', () => {
    const error = errorOf('811218-9875');
    expect(error.code).toBe('IDENTITY_NUMBER.INVALID');
    expect(error.fields[0]).toMatchObject({ field: 'pnr', sv: 'Kontrollsiffran stämmer inte.' });
  });

  it('rejects impossible dates, also for samordningsnummer', () => {
    expect(errorOf('19810231-0000').en).toMatch(/date that does not exist/);
    expect(errorOf('19811292-0000').en).toMatch(/date that does not exist/); // day 92 − 60 = 32
    expect(errorOf('20300101-0000').en).toMatch(/future|does not exist/);
  });

  it('rejects malformed input', () => {
    for (const input of ['', 'abc', '8112189876x', '1981121-89876', '19811218+9876']) {
      expect(errorOf(input).code).toBe('IDENTITY_NUMBER.INVALID');
    }
  });

  it('computes Luhn as Skatteverket specifies', () => {
    expect(luhnValid('8112189876')).toBe(true);
    expect(luhnValid('8112189875')).toBe(false);
  });
});
