import { OccasionKind, OccasionState } from './glossary.js';

/** Calendar dates are ISO strings 'YYYY-MM-DD' throughout: occasions are days, not instants. */
export type IsoDate = string;

export interface PlanTiming {
  intervalMonths: number;
  maxFollowUps: number;
  startWindowBeforeDays: number;
  startWindowAfterDays: number;
  followUpWindowDays: number;
  closeWindowBeforeDays: number;
  closeWindowAfterDays: number;
}

/** DOMAIN.md defaults: follow-up every 6 months; windows start −14/+30, follow-ups ±30, close −30/+14 days. */
export const DEFAULT_PLAN_TIMING: PlanTiming = {
  intervalMonths: 6,
  maxFollowUps: 4,
  startWindowBeforeDays: 14,
  startWindowAfterDays: 30,
  followUpWindowDays: 30,
  closeWindowBeforeDays: 30,
  closeWindowAfterDays: 14,
};

export interface PlannedOccasion {
  kind: OccasionKind;
  seq: number;
  dueDate: IsoDate;
  windowStart: IsoDate;
  windowEnd: IsoDate;
}

const DAY_MS = 86_400_000;

function toUtc(date: IsoDate): Date {
  return new Date(`${date}T00:00:00Z`);
}

export function isoDate(d: Date): IsoDate {
  return d.toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return isoDate(new Date(toUtc(date).getTime() + days * DAY_MS));
}

/** Calendar months, clamped to the month's last day (31 Aug + 6 months = 28/29 Feb). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const d = toUtc(date);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return isoDate(target);
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((toUtc(to).getTime() - toUtc(from).getTime()) / DAY_MS);
}

/** The on-time window of an occasion due on `due` (DOMAIN.md, "The schedule"). */
export function occasionWindow(kind: OccasionKind, due: IsoDate, t: PlanTiming): { windowStart: IsoDate; windowEnd: IsoDate } {
  switch (kind) {
    case OccasionKind.Start:
      return { windowStart: addDays(due, -t.startWindowBeforeDays), windowEnd: addDays(due, t.startWindowAfterDays) };
    case OccasionKind.Close:
      return { windowStart: addDays(due, -t.closeWindowBeforeDays), windowEnd: addDays(due, t.closeWindowAfterDays) };
    case OccasionKind.FollowUp:
    case OccasionKind.Extra:
      return { windowStart: addDays(due, -t.followUpWindowDays), windowEnd: addDays(due, t.followUpWindowDays) };
  }
}

export function plannedOccasion(kind: OccasionKind, seq: number, due: IsoDate, t: PlanTiming): PlannedOccasion {
  return { kind, seq, dueDate: due, ...occasionWindow(kind, due, t) };
}

/**
 * The occasions an episode should have by `today`: the start occasion, and follow-up n due at
 * start + n × interval for every n up to the plan's maximum whose due date is within one interval
 * ahead of today (a rolling horizon, so the next follow-up is always visible) and, for a closed
 * episode, before the close date; plus the close occasion when closed.
 */
export function scheduleFor(episode: { startDate: IsoDate; closeDate: IsoDate | null }, t: PlanTiming, today: IsoDate): PlannedOccasion[] {
  const out = [plannedOccasion(OccasionKind.Start, 0, episode.startDate, t)];
  const horizon = addMonths(today, t.intervalMonths);
  for (let n = 1; n <= t.maxFollowUps; n++) {
    const due = addMonths(episode.startDate, n * t.intervalMonths);
    if (due > horizon) break;
    if (episode.closeDate && due >= episode.closeDate) break;
    out.push(plannedOccasion(OccasionKind.FollowUp, n, due, t));
  }
  if (episode.closeDate) out.push(plannedOccasion(OccasionKind.Close, 0, episode.closeDate, t));
  return out;
}

/** States an occasion leaves only by a person's action (a response, a reason, a close). */
export const TERMINAL_OCCASION_STATES: readonly OccasionState[] = [OccasionState.Done, OccasionState.Missed, OccasionState.Cancelled];

/** The time-driven state of an open occasion on `today`: planned before its window, due inside it, overdue after. */
export function timeState(o: { windowStart: IsoDate; windowEnd: IsoDate }, today: IsoDate): OccasionState {
  if (today < o.windowStart) return OccasionState.Planned;
  if (today <= o.windowEnd) return OccasionState.Due;
  return OccasionState.Overdue;
}

/** On time = done inside its window (DOMAIN.md); completeness counts these against occasions due so far. */
export function isOnTime(o: { windowStart: IsoDate; windowEnd: IsoDate; doneOn: IsoDate | null }): boolean {
  return o.doneOn !== null && o.doneOn >= o.windowStart && o.doneOn <= o.windowEnd;
}

/** Today's date in Sweden (occasions are Swedish calendar days, whatever the server's zone). */
export function swedishToday(now: Date = new Date()): IsoDate {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
