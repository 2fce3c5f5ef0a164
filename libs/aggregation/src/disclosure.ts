import { type Share, suppressFigure, suppressTable, type Summary } from '#statistics';
import type { OutcomeFigures } from './figures.js';

/**
 * Small-number suppression for audiences without access to the individuals (politicians): applied to exactly the
 * table a response contains, after its filters (scope, period, breakdown), so two filtered views cannot be
 * subtracted to reveal a hidden cell. Hidden values are null with `suppressed` set (shown as "..").
 */
export interface SuppressedShare {
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  suppressed: boolean;
}

export function suppressShare(s: Share | null, k: number): SuppressedShare | null {
  if (!s) return null;
  const den = suppressFigure(s.denominator, s.denominator, { k });
  if (den.value === null) return { numerator: null, denominator: null, value: null, suppressed: true };
  // numerator and its complement form a line whose total (the denominator) is shown
  const t = suppressTable({ counts: [s.numerator, s.denominator - s.numerator], total: s.denominator }, { k });
  const hidden = t.counts[0]!.value === null;
  return { numerator: hidden ? null : s.numerator, denominator: s.denominator, value: hidden ? null : s.value, suppressed: hidden };
}

export function suppressSummary(s: Summary, k: number): Summary & { suppressed: boolean } {
  const f = suppressFigure(s, s.n, { k });
  return f.value ? { ...s, suppressed: false } : { n: s.n === 0 ? 0 : (null as unknown as number), mean: null, sd: null, suppressed: true };
}

function suppressCompleteness(s: Share | null, shownPairs: number | null, k: number): SuppressedShare | null {
  if (!s) return null;
  const den = suppressFigure(s.denominator, s.denominator, { k });
  if (den.value === null || shownPairs === null) return { numerator: null, denominator: den.value, value: null, suppressed: true };
  return { ...s, suppressed: false };
}

/** The outcome figures of one cell with every figure below k hidden (and its complementary cells). */
export function suppressOutcome(f: OutcomeFigures, k: number) {
  const pairs = suppressFigure(f.nPairs, f.nPairs, { k });
  const categories =
    f.reliablyImproved && f.noReliableChange && f.reliablyDeteriorated
      ? suppressTable(
          { counts: [f.reliablyImproved.numerator, f.noReliableChange.numerator, f.reliablyDeteriorated.numerator], total: f.nPairs },
          { k },
        )
      : null;
  const cat = (s: Share | null, i: number): SuppressedShare | null =>
    !s || !categories
      ? null
      : categories.counts[i]!.value === null || pairs.value === null
        ? { numerator: null, denominator: pairs.value, value: null, suppressed: true }
        : { ...s, suppressed: false };
  const effect = pairs.value === null ? { computable: false as const, n: null, reason: 'suppressed' as const } : f.effectSize;
  return {
    nClients: suppressFigure(f.nClients, f.nClients, { k }).value,
    nPairs: pairs.value,
    // Completeness is pairs / clients, and both counts are shown beside it (hiding the share alone, when
    // clients without a pair are fewer than k, would be undone by them); it is hidden with its clients.
    completeness: suppressCompleteness(f.completeness, pairs.value, k),
    baseline: suppressSummary(f.baseline, k),
    latest: suppressSummary(f.latest, k),
    change: suppressSummary(f.change, k),
    effectSize: effect,
    reliablyImproved: cat(f.reliablyImproved, 0),
    noReliableChange: cat(f.noReliableChange, 1),
    reliablyDeteriorated: cat(f.reliablyDeteriorated, 2),
    casesAtBaseline: suppressShare(f.casesAtBaseline, k),
    recovered: suppressShare(f.recovered, k),
    reliablyRecovered: suppressShare(f.reliablyRecovered, k),
  };
}

/**
 * Which cells of a breakdown dimension may be shown: their client counts against the dimension's total, with
 * complementary suppression (a single hidden cell could be computed back from the total).
 */
export function visibleCells(counts: readonly number[], total: number, k: number): boolean[] {
  const t = suppressTable({ counts, total }, { k });
  return t.counts.map((c, i) => c.value !== null || counts[i] === 0);
}
