import { ValidateBy } from 'class-validator';

/** A real calendar date (rejects 2026-02-30); pairs with the YYYY-MM-DD pattern check. */
export function isoDateOrNull() {
  return ValidateBy({
    name: 'isCalendarDate',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return typeof value !== 'string' ? false : true;
        const d = new Date(`${value}T00:00:00Z`);
        return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
      },
      defaultMessage: () => '$property must be a date that exists',
    },
  });
}
