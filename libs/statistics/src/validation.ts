import { invalid } from '#domain';

export function assertFinite(value: number, field: string): void {
  if (!Number.isFinite(value)) {
    throw invalid('STATISTICS.NOT_A_NUMBER', `${field} måste vara ett tal.`, `${field} must be a finite number.`, [
      { field, sv: 'Måste vara ett tal.', en: 'Must be a finite number.' },
    ]);
  }
}

export function assertPositive(value: number, field: string): void {
  assertFinite(value, field);
  if (value <= 0) {
    throw invalid(
      'STATISTICS.NOT_POSITIVE',
      `${field} måste vara större än noll.`,
      `${field} must be greater than zero.`,
      [{ field, sv: 'Måste vara större än noll.', en: 'Must be greater than zero.' }],
    );
  }
}

export function assertCount(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw invalid(
      'STATISTICS.NOT_A_COUNT',
      `${field} måste vara ett heltal som är noll eller större.`,
      `${field} must be a whole number of zero or more.`,
      [{ field, sv: 'Måste vara ett heltal ≥ 0.', en: 'Must be a whole number ≥ 0.' }],
    );
  }
}
