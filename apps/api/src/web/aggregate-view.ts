import { halfYearsUpTo, isPeriodKey, swedishToday } from '#aggregation';
import type { InstrumentDefinition } from '#instruments';
import type { AggregatesService } from '../aggregates/aggregates.service.js';
import type { InstrumentsService } from '../instruments/instruments.service.js';
import type { Actor } from '#access';
import { type FigureCell, FigureFormatter } from './figures-view.js';
import type { Translate } from './i18n/i18n.js';
import type { Locale } from './locale.js';

export type ScopeData = Awaited<ReturnType<AggregatesService['getScope']>>;
export type TrendData = Awaited<ReturnType<AggregatesService['getTrend']>>;
export type Breakdown = 'all' | 'sex' | 'age';

/** Page query → service query: `period` (R12, 2025, 2025-H1) and `uppdelning` (alla, kon, alder). */
export function scopeQuery(q: Record<string, unknown>): { period: string; breakdown: Breakdown } {
  const period = typeof q.period === 'string' && isPeriodKey(q.period) ? q.period : 'R12';
  const breakdown = q.uppdelning === 'kon' ? 'sex' : q.uppdelning === 'alder' ? 'age' : 'all';
  return { period, breakdown };
}

export function breakdownParam(b: Breakdown): string {
  return b === 'sex' ? 'kon' : b === 'age' ? 'alder' : 'alla';
}

/** The periods offered: the rolling 12 months, this and last year, the last four half-years. */
export function periodOptions(t: Translate, reference = swedishToday()): { value: string; text: string }[] {
  const year = Number(reference.slice(0, 4));
  const keys = ['R12', String(year), String(year - 1), ...halfYearsUpTo(reference, 4)];
  return keys.map((value) => ({ value, text: periodLabel(t, value) }));
}

export function periodLabel(t: Translate, key: string): string {
  if (key === 'R12') return t('period.R12');
  const m = /^(\d{4})-H([12])$/.exec(key);
  return m ? t(`period.H${m[2]}`, { year: m[1] }) : key;
}

export function breakdownLabel(t: Translate, key: string): string {
  if (key === 'all') return t('breakdown.cell.all');
  const [dim, value] = key.split(':');
  if (dim === 'sex') return t(`breakdown.sex.${value}`);
  return value === 'unknown' ? t('breakdown.age.unknown') : t('breakdown.age.band', { band: (value ?? '').replace('-', '–') });
}

/** "2026-03-01 14:05", Swedish time. */
export function formatAsOf(at: Date | string | null): string | null {
  if (!at) return null;
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', dateStyle: 'short', timeStyle: 'short' }).format(new Date(at));
}

/** Instrument definitions by code, to name scales, bands and items; a failed lookup falls back to codes. */
export async function loadDefinitions(instruments: InstrumentsService, actor: Actor, codes: Iterable<string | null>): Promise<Map<string, InstrumentDefinition>> {
  const out = new Map<string, InstrumentDefinition>();
  for (const code of new Set([...codes].filter((c): c is string => !!c))) {
    try {
      out.set(code, (await instruments.get(actor, code)).definition);
    } catch {
      // An instrument the reader cannot open is shown by its code.
    }
  }
  return out;
}

export interface OutcomeRow {
  breakdown: string;
  suppressed: boolean;
  nClients: FigureCell;
  nPairs: FigureCell;
  completeness: FigureCell;
  followUp: FigureCell;
  baseline: FigureCell;
  latest: FigureCell;
  change: FigureCell;
  effect: FigureCell;
  improved: FigureCell;
  unchanged: FigureCell;
  deteriorated: FigureCell;
  cases: FigureCell;
  recovered: FigureCell;
  reliablyRecovered: FigureCell;
}

/** Builds what the result pages show from one scope's figures (same shapes for staff and suppressed readers). */
export class AggregateView {
  readonly fmt: FigureFormatter;

  constructor(
    private readonly locale: Locale,
    private readonly t: Translate,
    private readonly defs: Map<string, InstrumentDefinition>,
  ) {
    this.fmt = new FigureFormatter(locale, t);
  }

  private loc(text: { sv: string; en: string } | undefined): string | undefined {
    return text ? text[this.locale] || text.sv : undefined;
  }

  scaleName(code: string | null, scaleId: string | undefined): string {
    const def = code ? this.defs.get(code) : undefined;
    const scale = def?.scales.find((s) => s.id === scaleId);
    const instrument = this.loc(def?.name) ?? code ?? '?';
    return scale ? `${instrument} – ${this.loc(scale.name)}` : `${instrument} – ${scaleId ?? ''}`;
  }

  bandName(code: string | null, scaleId: string | undefined, band: number): string {
    const scale = code ? this.defs.get(code)?.scales.find((s) => s.id === scaleId) : undefined;
    const b = scale?.bands?.[band];
    return b ? `${this.loc(b.label)} (${b.from}–${b.to})` : this.t('dash.band', { n: band + 1 });
  }

  itemText(code: string | null, itemId: string | undefined): string {
    const item = code ? this.defs.get(code)?.items.find((i) => i.id === itemId) : undefined;
    return this.loc(item?.text) ?? itemId ?? '';
  }

  optionText(code: string | null, itemId: string | undefined, value: string): string {
    const item = code ? this.defs.get(code)?.items.find((i) => i.id === itemId) : undefined;
    const option = item && 'options' in item ? (item.options as { value: number | string; label: { sv: string; en: string } }[] | undefined)?.find((o) => String(o.value) === value) : undefined;
    return option ? `${this.loc(option.label)} (${value})` : value;
  }

  /** Question 3 (and 5): one row per breakdown cell of each outcome scale, every figure with its n. */
  outcomes(data: ScopeData) {
    const f = this.fmt;
    return data.outcomes.map((o) => ({
      subject: `${o.instrumentId}/${o.scaleId}`,
      name: this.scaleName(o.instrumentCode, o.scaleId),
      rows: o.cells.map((c): OutcomeRow => {
        const x = c.figures;
        if (!x) {
          const h = f.count(null);
          return { breakdown: breakdownLabel(this.t, c.breakdown), suppressed: true, nClients: h, nPairs: h, completeness: h, followUp: h, baseline: h, latest: h, change: h, effect: h, improved: h, unchanged: h, deteriorated: h, cases: h, recovered: h, reliablyRecovered: h };
        }
        return {
          breakdown: breakdownLabel(this.t, c.breakdown),
          suppressed: false,
          nClients: f.count(x.nClients),
          nPairs: f.count(x.nPairs),
          completeness: f.share(x.completeness),
          followUp: f.share(c.followUpCompleteness),
          baseline: f.summary(x.baseline),
          latest: f.summary(x.latest),
          change: f.meanWithInterval(x.change),
          effect: f.effect(x.effectSize),
          improved: f.share(x.reliablyImproved),
          unchanged: f.share(x.noReliableChange),
          deteriorated: f.share(x.reliablyDeteriorated),
          cases: f.share(x.casesAtBaseline),
          recovered: f.share(x.recovered),
          reliablyRecovered: f.share(x.reliablyRecovered),
        };
      }),
    }));
  }

  /** Question 1: the distribution at the start occasion, per scale and breakdown cell: n, mean, caseness, bands. */
  needs(data: ScopeData) {
    const f = this.fmt;
    return data.distributions
      .filter((d) => d.occasion === 'start')
      .map((d) => {
        const all = d.cells.find((c) => c.breakdown === 'all');
        const bandKeys = [...new Set(d.cells.flatMap((c) => (c.figures ? c.figures.bands.map((b) => b.band) : [])))].sort((a, b) => a - b);
        return {
          subject: `${d.instrumentId}/${d.scaleId}`,
          name: this.scaleName(d.instrumentCode, d.scaleId),
          bands: bandKeys.map((b) => this.bandName(d.instrumentCode, d.scaleId, b)),
          rows: d.cells.map((c) => ({
            breakdown: breakdownLabel(this.t, c.breakdown),
            suppressed: c.suppressed,
            n: c.figures ? f.count(c.figures.n) : f.count(null),
            mean: c.figures ? f.summary(c.figures) : f.count(null),
            cases: c.figures ? f.share(c.figures.cases) : f.count(null),
            bands: bandKeys.map((b) => (c.figures ? f.count(c.figures.bands.find((x) => x.band === b)?.n ?? 0) : f.count(null))),
          })),
          chart:
            all?.figures && bandKeys.length
              ? { type: 'bar', label: this.t('dash.needs.chartLabel', { name: this.scaleName(d.instrumentCode, d.scaleId) }), labels: bandKeys.map((b) => this.bandName(d.instrumentCode, d.scaleId, b)), datasets: [{ label: this.t('dash.col.n'), data: bandKeys.map((b) => all.figures!.bands.find((x) => x.band === b)?.n ?? null), color: '#1d5d99' }] }
              : null,
        };
      });
  }

  /** Question 2 and 4: episodes per breakdown cell (started, active, closed, duration, completeness, goals). */
  episodes(data: ScopeData) {
    const f = this.fmt;
    return data.episodes.map((e) => {
      const x = e.figures!;
      return {
        breakdown: breakdownLabel(this.t, e.breakdown),
        started: f.count(x.started),
        active: f.count(x.active),
        closed: f.count(x.closed),
        duration: f.summary(x.durationDays, 0),
        completeness: f.share(x.completeness),
        occasionsDone: f.share(x.occasionsDone),
        goalEpisodes: f.count(x.goals.episodes),
        goals: f.count(x.goals.goals),
        measurable: f.share(x.goals.measurable),
        attained: f.share(x.goals.attained),
        gasT: f.summary(x.goals.gasT),
      };
    });
  }

  byMethod(data: ScopeData, methods: Map<string, { name: string; evidenceStatus: string }>) {
    const f = this.fmt;
    return data.episodesByMethod.map((m) => ({
      methodId: m.methodId,
      name: methods.get(m.methodId)?.name ?? m.methodId,
      evidenceStatus: methods.get(m.methodId)?.evidenceStatus ?? null,
      started: f.count(m.started),
      active: f.count(m.active),
      completeness: f.share(m.completeness),
    }));
  }

  /** Question 6: answers per client-experience item. */
  experience(data: ScopeData) {
    const f = this.fmt;
    return data.experience.map((x) => {
      const code = x.instrumentCode;
      const itemId = x.scaleId;
      return {
        name: `${this.loc(code ? this.defs.get(code)?.name : undefined) ?? code ?? ''} – ${this.itemText(code, itemId)}`,
        cells: x.cells.map((c) => ({
          breakdown: breakdownLabel(this.t, c.breakdown),
          n: f.count(c.n),
          answers: c.answers.map((a) => ({
            answer: this.optionText(code, itemId, a.answer),
            n: f.count(a.n),
            share: a.n === null || c.n === null ? f.count(null) : f.share({ numerator: a.n, denominator: c.n, value: a.share }),
          })),
        })),
      };
    });
  }

  /** Trend of one outcome scale over the half-years: mean change with its interval, reliably improved. */
  trend(trend: TrendData) {
    const f = this.fmt;
    const rows = trend.outcome
      .filter((o) => /-H[12]$/.test(o.period))
      .map((o) => {
        const change = f.meanWithInterval(o.figures.change);
        return {
          period: periodLabel(this.t, o.period),
          nPairs: f.count(o.figures.nPairs),
          baseline: f.summary(o.figures.baseline),
          latest: f.summary(o.figures.latest),
          change,
          improved: f.share(o.figures.reliablyImproved),
        };
      });
    const chart =
      rows.length > 0
        ? {
            type: 'line',
            label: this.t('dash.trend.chartLabel'),
            labels: rows.map((r) => r.period),
            datasets: [
              { label: this.t('dash.trend.mean'), data: rows.map((r) => r.change.value), color: '#0b0c0c' },
              { label: this.t('dash.trend.low'), data: rows.map((r) => r.change.low), color: '#5694ca', dashed: true },
              { label: this.t('dash.trend.high'), data: rows.map((r) => r.change.high), color: '#5694ca', dashed: true },
            ],
          }
        : null;
    return { rows, chart };
  }
}
