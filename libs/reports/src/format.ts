import type { ReportLanguage } from './definitions.js';

/** Shown in place of a suppressed figure (as Kolada does). */
export const SUPPRESSED = '..';

const LOCALE: Record<ReportLanguage, string> = { sv: 'sv-SE', en: 'en-GB' };

/**
 * Fixed number formatting for reports: `Intl.NumberFormat('sv-SE')` (space as thousands separator, decimal comma,
 * true minus sign) or `en-GB`, with a fixed number of decimals, so the same figures always give the same bytes.
 */
export class ReportFormat {
  private readonly int: Intl.NumberFormat;
  private readonly dec1: Intl.NumberFormat;
  private readonly dec2: Intl.NumberFormat;
  private readonly pct: Intl.NumberFormat;
  private readonly dateTime: Intl.DateTimeFormat;
  private readonly date: Intl.DateTimeFormat;

  constructor(readonly language: ReportLanguage) {
    const l = LOCALE[language];
    this.int = new Intl.NumberFormat(l, { maximumFractionDigits: 0 });
    this.dec1 = new Intl.NumberFormat(l, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    this.dec2 = new Intl.NumberFormat(l, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    this.pct = new Intl.NumberFormat(l, { style: 'percent', maximumFractionDigits: 0 });
    this.dateTime = new Intl.DateTimeFormat(l, { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    this.date = new Intl.DateTimeFormat(l, { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' });
  }

  count(v: number | null | undefined): string {
    return v === null || v === undefined ? SUPPRESSED : this.int.format(v);
  }

  /** A share 0…1 as a whole percentage. */
  percent(v: number | null | undefined): string {
    return v === null || v === undefined || !Number.isFinite(v) ? SUPPRESSED : this.pct.format(v);
  }

  decimal1(v: number | null | undefined): string {
    return v === null || v === undefined || !Number.isFinite(v) ? SUPPRESSED : this.dec1.format(v);
  }

  decimal2(v: number | null | undefined): string {
    return v === null || v === undefined || !Number.isFinite(v) ? SUPPRESSED : this.dec2.format(v);
  }

  /** An interval "0,12–0,78". */
  interval(lo: number | null | undefined, hi: number | null | undefined): string {
    return lo === null || lo === undefined || hi === null || hi === undefined ? SUPPRESSED : `${this.decimal2(lo)}–${this.decimal2(hi)}`;
  }

  /** A moment, in Swedish time, to the minute. */
  moment(d: Date): string {
    return this.dateTime.format(d);
  }

  /** A calendar date (YYYY-MM-DD) written out. */
  day(iso: string): string {
    return this.date.format(new Date(`${iso}T00:00:00Z`));
  }
}
