/** The code system URI for LOINC in FHIR resources. */
export const LOINC_SYSTEM = 'http://loinc.org';

/**
 * Whether `code` is a well-formed LOINC code with a correct check digit (mod 10, as LOINC publishes it).
 * Catches typing errors in codes copied by hand; it cannot tell whether the code means what the item asks.
 */
export function isValidLoinc(code: string): boolean {
  const match = /^(\d{1,7})-(\d)$/.exec(code);
  if (!match) return false;
  const digits = match[1].split('').map(Number).reverse();
  let sum = 0;
  digits.forEach((d, i) => {
    if (i % 2 === 0) {
      const doubled = d * 2;
      sum += doubled > 9 ? doubled - 9 : doubled;
    } else {
      sum += d;
    }
  });
  return (10 - (sum % 10)) % 10 === Number(match[2]);
}
