import { describe, expect, it } from '@jest/globals';
import { isPeriodOfKind, latestCompletedPeriod, periodEnd, periodHasEnded, previousPeriod, reportJobId } from './definitions.js';

describe('report periods', () => {
  it('finds the latest ended half-year and year', () => {
    expect(latestCompletedPeriod('half_year', '2026-07-01')).toBe('2026-H1');
    expect(latestCompletedPeriod('half_year', '2026-06-30')).toBe('2025-H2');
    expect(latestCompletedPeriod('half_year', '2026-01-01')).toBe('2025-H2');
    expect(latestCompletedPeriod('year', '2026-01-01')).toBe('2025');
  });
  it('steps back one period and knows when one has ended', () => {
    expect(previousPeriod('2026-H1')).toBe('2025-H2');
    expect(previousPeriod('2026-H2')).toBe('2026-H1');
    expect(previousPeriod('2026')).toBe('2025');
    expect(periodEnd('2026-H1')).toBe('2026-06-30');
    expect(periodHasEnded('2026-H1', '2026-06-30')).toBe(false);
    expect(periodHasEnded('2026-H1', '2026-07-01')).toBe(true);
    expect(isPeriodOfKind('2026-H1', 'year')).toBe(false);
    expect(isPeriodOfKind('2026', 'year')).toBe(true);
  });
  it('names the generation job deterministically, without ":" (BullMQ ids)', () => {
    expect(reportJobId('d', '2026-H1')).toBe('report.d.2026-H1');
  });
});
