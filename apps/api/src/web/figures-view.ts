import type { Share, Summary } from '#statistics';
import { formatNumber, type Translate } from './i18n/i18n.js';
import type { Locale } from './locale.js';

/**
 * One figure as a page shows it: the text, its n beside it, and whether it is hidden by small-number suppression
 * (shown as ".." as Kolada does, with the explanation on the page).
 */
export interface FigureCell {
  text: string;
  n: string;
  suppressed: boolean;
  /** The raw number, for charts (null when hidden or not computable). */
  value: number | null;
}

type MaybeShare = (Share & { suppressed?: boolean }) | { numerator: number | null; denominator: number | null; value: number | null; suppressed: boolean } | null | undefined;
type MaybeSummary = (Summary & { suppressed?: boolean }) | { n: number | null; mean: number | null; sd: number | null; suppressed?: boolean } | null | undefined;

const Z_95 = 1.96;

/** The 95 % interval of a mean, mean ± 1.96 · SD / √n (normal approximation); null below two values. */
export function meanInterval(s: { n: number | null; mean: number | null; sd: number | null }): { low: number; high: number } | null {
  if (s.n === null || s.mean === null || s.sd === null || s.n < 2) return null;
  const half = (Z_95 * s.sd) / Math.sqrt(s.n);
  return { low: s.mean - half, high: s.mean + half };
}

/** Formats aggregate figures (suppressed or not) for the pages, in the page's language. */
export class FigureFormatter {
  constructor(
    private readonly locale: Locale,
    private readonly t: Translate,
  ) {}

  private num(v: number, decimals = 1): string {
    return formatNumber(this.locale, v, decimals);
  }

  private hidden(): FigureCell {
    return { text: '..', n: '..', suppressed: true, value: null };
  }

  private none(n = ''): FigureCell {
    return { text: '–', n, suppressed: false, value: null };
  }

  count(v: number | null | undefined): FigureCell {
    if (v === undefined) return this.none();
    if (v === null) return this.hidden();
    return { text: this.num(v, 0), n: '', suppressed: false, value: v };
  }

  /** "60 %" with "3 av 5" beside it. */
  share(s: MaybeShare): FigureCell {
    if (!s) return this.none();
    if (s.suppressed) return { ...this.hidden(), n: s.denominator === null ? '..' : this.t('fig.nOf', { num: '..', den: this.num(s.denominator, 0) }) };
    if (s.value === null || s.numerator === null || s.denominator === null) return this.none(this.t('fig.n', { n: this.num(s.denominator ?? 0, 0) }));
    return {
      text: this.t('fig.percent', { v: this.num(s.value * 100, 0) }),
      n: this.t('fig.nOf', { num: this.num(s.numerator, 0), den: this.num(s.denominator, 0) }),
      suppressed: false,
      value: s.value,
    };
  }

  /** "15,4 (SD 5,2)" with "n = 6" beside it. */
  summary(s: MaybeSummary, decimals = 1): FigureCell {
    if (!s) return this.none();
    if (s.suppressed || s.n === null) return this.hidden();
    const n = this.t('fig.n', { n: this.num(s.n, 0) });
    if (s.mean === null) return this.none(n);
    const text = s.sd === null ? this.num(s.mean, decimals) : this.t('fig.meanSd', { mean: this.num(s.mean, decimals), sd: this.num(s.sd, decimals) });
    return { text, n, suppressed: false, value: s.mean };
  }

  /** A mean with its 95 % interval: "−6,2 (−9,1 till −3,3)". */
  meanWithInterval(s: MaybeSummary, decimals = 1): FigureCell & { low: number | null; high: number | null } {
    if (!s) return { ...this.none(), low: null, high: null };
    if (s.suppressed || s.n === null) return { ...this.hidden(), low: null, high: null };
    const n = this.t('fig.n', { n: this.num(s.n, 0) });
    if (s.mean === null) return { ...this.none(n), low: null, high: null };
    const ci = meanInterval(s);
    const text = ci
      ? this.t('fig.meanCi', { mean: this.num(s.mean, decimals), low: this.num(ci.low, decimals), high: this.num(ci.high, decimals) })
      : this.num(s.mean, decimals);
    return { text, n, suppressed: false, value: s.mean, low: ci?.low ?? null, high: ci?.high ?? null };
  }

  /** Pre-post effect size d with its 95 % interval, or why it cannot be computed. */
  effect(e: { computable: boolean; n: number | null; d?: number; ciLow?: number; ciHigh?: number; reason?: string } | null | undefined): FigureCell {
    if (!e) return this.none();
    if (e.reason === 'suppressed' || e.n === null) return this.hidden();
    const n = this.t('fig.n', { n: this.num(e.n, 0) });
    if (!e.computable || e.d === undefined) return { text: this.t('fig.notComputable'), n, suppressed: false, value: null };
    return {
      text: this.t('fig.meanCi', { mean: this.num(e.d, 2), low: this.num(e.ciLow!, 2), high: this.num(e.ciHigh!, 2) }),
      n,
      suppressed: false,
      value: e.d,
    };
  }
}
