import { describe, expect, it } from '@jest/globals';
import { OccasionKind, OccasionState } from './glossary.js';
import { addMonths, DEFAULT_PLAN_TIMING, isOnTime, scheduleFor, timeState } from './schedule.js';

const t = DEFAULT_PLAN_TIMING;

describe('schedule: an open episode started 2026-01-15, seen on 2026-11-30', () => {
  const occasions = scheduleFor({ startDate: '2026-01-15', closeDate: null }, t, '2026-11-30');

  it('has the start occasion with window −14/+30 days', () => {
    expect(occasions[0]).toEqual({ kind: OccasionKind.Start, seq: 0, dueDate: '2026-01-15', windowStart: '2026-01-01', windowEnd: '2026-02-14' });
  });

  it('has follow-ups every 6 months up to one interval ahead (2027-01-15 ≤ 2027-05-30), with ±30 days', () => {
    expect(occasions.slice(1)).toEqual([
      { kind: OccasionKind.FollowUp, seq: 1, dueDate: '2026-07-15', windowStart: '2026-06-15', windowEnd: '2026-08-14' },
      { kind: OccasionKind.FollowUp, seq: 2, dueDate: '2027-01-15', windowStart: '2026-12-16', windowEnd: '2027-02-14' },
    ]);
  });
});

describe('schedule: closing', () => {
  it('drops follow-ups due on or after the close date and adds the close occasion (−30/+14)', () => {
    const occasions = scheduleFor({ startDate: '2026-01-15', closeDate: '2026-07-10' }, t, '2026-11-30');
    expect(occasions.map((o) => `${o.kind}:${o.seq}:${o.dueDate}`)).toEqual(['start:0:2026-01-15', 'close:0:2026-07-10']);
    expect(occasions[1]).toMatchObject({ windowStart: '2026-06-10', windowEnd: '2026-07-24' });
  });

  it('caps follow-ups at the plan maximum', () => {
    const occasions = scheduleFor({ startDate: '2020-01-01', closeDate: null }, { ...t, maxFollowUps: 2 }, '2026-11-30');
    expect(occasions.filter((o) => o.kind === OccasionKind.FollowUp)).toHaveLength(2);
  });
});

describe('schedule: calendar arithmetic', () => {
  it('clamps to the last day of a shorter month', () => {
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29');
  });
});

describe('schedule: states and on-time', () => {
  const o = { windowStart: '2026-06-15', windowEnd: '2026-08-14' };
  it('is planned before, due inside and overdue after the window', () => {
    expect(timeState(o, '2026-06-14')).toBe(OccasionState.Planned);
    expect(timeState(o, '2026-06-15')).toBe(OccasionState.Due);
    expect(timeState(o, '2026-08-14')).toBe(OccasionState.Due);
    expect(timeState(o, '2026-08-15')).toBe(OccasionState.Overdue);
  });
  it('counts as on time only when done inside the window', () => {
    expect(isOnTime({ ...o, doneOn: '2026-08-14' })).toBe(true);
    expect(isOnTime({ ...o, doneOn: '2026-08-15' })).toBe(false);
    expect(isOnTime({ ...o, doneOn: null })).toBe(false);
  });
});
