import { type CountLine, type Share, suppressFigure, suppressLines, suppressTable, type Summary } from '#statistics';
import { episodeFigures, type OutcomeFigures } from './figures.js';

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

/**
 * One node of the hierarchy of per-method episode counts an audience sees: the municipality or an administration.
 * `parent` is the nearest enclosing node (null for the municipality); `total` is the node's count over every method
 * (subject `*`), `byMethod` its count per method (one measure: started or active, one period).
 */
export interface MethodCountNode {
  key: string;
  parent: string | null;
  total: number;
  byMethod: ReadonlyMap<string, number>;
}

/** The key of a node's count in `hiddenMethodCounts`' answer: `<node key>|<method id>` or `<node key>|*` for the total. */
export const methodCountKey = (node: string, method: string) => `${node}|${method}`;

/**
 * Which per-method counts (and node totals) to hide so that none can be computed back from any combination of the
 * tables shown together: each node's row (methods add up to its total), and for each node with nested nodes the
 * column per method (the nested nodes plus the rest of the node add up to the node's count; the rest is not shown
 * as a row, but can be computed, so it is protected like a shown cell). Solved at once with `suppressLines`, so a
 * method hidden on the municipality's row stays hidden on every administration's row and on the method's own page.
 * Counts that do not add up (scopes computed at different moments) make the line a "sum known" line: conservative.
 */
export function hiddenMethodCounts(nodes: readonly MethodCountNode[], k: number): Set<string> {
  const methods = [...new Set(nodes.flatMap((n) => [...n.byMethod.keys()]))].sort();
  const values: number[] = [];
  const index = new Map<string, number>();
  const add = (key: string, value: number) => {
    index.set(key, values.push(Math.max(0, Math.round(value))) - 1);
    return index.get(key)!;
  };
  const lines: CountLine[] = [];
  const line = (cells: number[], total: number) => {
    const sum = cells.reduce((s, i) => s + values[i]!, 0);
    lines.push(sum === values[total] ? { cells, total } : { cells: [...cells, total], total: null });
  };
  for (const n of nodes) {
    const cells = methods.map((m) => add(methodCountKey(n.key, m), n.byMethod.get(m) ?? 0));
    line(cells, add(methodCountKey(n.key, '*'), n.total));
  }
  for (const p of nodes) {
    const children = nodes.filter((n) => n.parent === p.key);
    if (children.length === 0) continue;
    const rest = (m: string) => index.get(methodCountKey(p.key, m))!;
    const restValues = [...methods, '*'].map((m) => values[rest(m)]! - children.reduce((s, c) => s + values[index.get(methodCountKey(c.key, m))!]!, 0));
    if (restValues.every((v) => v >= 0)) {
      const restCells = [...methods, '*'].map((m, i) => add(methodCountKey(`${p.key}~rest`, m), restValues[i]!));
      line(restCells.slice(0, -1), restCells[restCells.length - 1]!);
      [...methods, '*'].forEach((m, i) => line([...children.map((c) => index.get(methodCountKey(c.key, m))!), restCells[i]!], rest(m)));
    } else {
      [...methods, '*'].forEach((m) => lines.push({ cells: [...children.map((c) => index.get(methodCountKey(c.key, m))!), rest(m)], total: null }));
    }
  }
  const out = suppressLines(values, lines, { k });
  return new Set([...index].filter(([, i]) => out[i]!.value === null).map(([key]) => key));
}

/**
 * The per-method count nodes of one municipality for one period and measure, from stored `episodes` figures (breakdown
 * `all`) of the municipality scope and of every administration unit: each administration's parent is the nearest
 * administration above it, else the municipality. Scopes without stored figures count as empty.
 */
export function methodCountNodes(
  municipalityId: string,
  administrations: readonly { id: string; path: string }[],
  episodes: readonly { scopeKey: string; subject: string; stats: Record<string, unknown> }[],
  measure: 'started' | 'active',
): MethodCountNode[] {
  const municipalityKey = `municipality:${municipalityId}`;
  const ids = new Set(administrations.map((a) => a.id));
  const parentOf = (path: string) => {
    const above = path.split('/').filter(Boolean).slice(0, -1).reverse().find((id) => ids.has(id));
    return above ? `unit:${above}` : municipalityKey;
  };
  const scopes = [{ key: municipalityKey, parent: null as string | null }, ...administrations.map((a) => ({ key: `unit:${a.id}`, parent: parentOf(a.path) }))];
  return scopes.map((scope) => {
    const rows = episodes.filter((r) => r.scopeKey === scope.key);
    const count = (r: { stats: Record<string, unknown> } | undefined) => (r ? episodeFigures(r.stats)[measure] || 0 : 0);
    const byMethod = new Map(rows.filter((r) => r.subject !== '*').map((r) => [r.subject, count(r)]));
    return { key: scope.key, parent: scope.parent, total: count(rows.find((r) => r.subject === '*')), byMethod };
  });
}
