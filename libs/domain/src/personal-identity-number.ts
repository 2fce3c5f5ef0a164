import { invalid } from './errors.js';

export type IdentityNumberKind = 'personnummer' | 'samordningsnummer';

export interface IdentityNumber {
  /** Twelve digits, YYYYMMDDNNNC (for a samordningsnummer DD is day + 60). */
  normalized: string;
  kind: IdentityNumberKind;
  /** The real birth date as YYYY-MM-DD (day − 60 for a samordningsnummer). */
  birthDate: string;
  birthYear: number;
  /** The ninth digit (second to last): odd for men, even for women (Skatteverket SKV 704). */
  legalSex: 'female' | 'male';
}

const PATTERN = /^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$/;

/** Luhn (mod 10) over the ten digits YYMMDDNNNC, as Skatteverket specifies for the check digit. */
export function luhnValid(tenDigits: string): boolean {
  let sum = 0;
  for (let i = 0; i < tenDigits.length; i++) {
    let d = Number(tenDigits[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

function validDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Parses a Swedish personnummer or samordningsnummer (Skatteverket SKV 704 and SKV 707).
 * Accepts YYYYMMDD-NNNC, YYYYMMDDNNNC, YYMMDD-NNNC and YYMMDD+NNNC (+ = 100 years or older).
 * Throws a DomainError (`IDENTITY_NUMBER.INVALID`) naming the field on a bad format, date or check digit.
 */
export function parseIdentityNumber(input: string, field = 'personalIdentityNumber', today = new Date()): IdentityNumber {
  const fail = (sv: string, en: string) => invalid('IDENTITY_NUMBER.INVALID', sv, en, [{ field, sv, en }]);
  const match = PATTERN.exec(typeof input === 'string' ? input.trim() : '');
  if (!match) {
    throw fail(
      'Personnumret ska skrivas ÅÅÅÅMMDD-NNNN (eller ÅÅMMDD-NNNN).',
      'The identity number must be written YYYYMMDD-NNNN (or YYMMDD-NNNN).',
    );
  }
  const [, century, yy, mm, dd, separator, serial, check] = match as unknown as string[];
  let year: number;
  if (century) {
    if (separator === '+') throw fail('Plustecken används bara med tio siffror.', 'A plus sign is only used with ten digits.');
    year = Number(century + yy);
  } else {
    const thisYear = today.getUTCFullYear();
    year = Math.floor(thisYear / 100) * 100 + Number(yy);
    if (year > thisYear) year -= 100;
    if (separator === '+') year -= 100;
  }
  const month = Number(mm);
  let day = Number(dd);
  const kind: IdentityNumberKind = day > 60 ? 'samordningsnummer' : 'personnummer';
  if (kind === 'samordningsnummer') day -= 60;
  if (!validDate(year, month, day)) {
    throw fail('Personnumret innehåller ett datum som inte finns.', 'The identity number contains a date that does not exist.');
  }
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (birth.getTime() > today.getTime()) {
    throw fail('Personnumret innehåller ett födelsedatum i framtiden.', 'The identity number contains a birth date in the future.');
  }
  if (!luhnValid(`${yy}${mm}${dd}${serial}${check}`)) {
    throw fail('Kontrollsiffran stämmer inte.', 'The check digit is wrong.');
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    normalized: `${year}${mm}${dd}${serial}${check}`,
    kind,
    birthDate: `${year}-${pad(month)}-${pad(day)}`,
    birthYear: year,
    legalSex: Number(serial![2]) % 2 === 1 ? 'male' : 'female',
  };
}
