import { type CountGate, type CountLine, type Share, suppressBreakdown, suppressFigure, suppressLines, suppressTable, type Summary } from '#statistics';
import { episodeFigures, type OutcomeFigures } from './figures.js';
import { AGE_BANDS, SEXES } from './periods.js';

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
 * complementary suppression (`suppressBreakdown`: a single hidden cell could be computed back from the total).
 */
export function visibleCells(counts: readonly number[], total: number, k: number): boolean[] {
  return suppressBreakdown(total, counts, { k }).cells.map((c) => c.value !== null);
}

/** The breakdown dimensions of stored figures: each dimension's cells add up to the `all` cell. */
export const BREAKDOWN_DIMENSIONS: Readonly<Record<'sex' | 'age', readonly string[]>> = {
  sex: SEXES.map((s) => `sex:${s}`),
  age: AGE_BANDS.map((a) => `age:${a}`),
};

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
  /** The node's total by breakdown cell (`sex:female`, `age:18-29`, …), when its breakdown pages are shown too. */
  byCell?: ReadonlyMap<string, number>;
}

/** A method's own page (scope `method:<id>`): its count is the municipality's count of the method, by breakdown cell. */
export interface MethodScopeCells {
  methodId: string;
  byCell: ReadonlyMap<string, number>;
}

/** The key of a node's count in `hiddenMethodCounts`' answer: `<node key>|<method id>` or `<node key>|*` for the total. */
export const methodCountKey = (node: string, method: string) => `${node}|${method}`;

/** The key of a node's breakdown cell (`<node key>|*|sex:female`) in `hiddenMethodCounts`' answer; node `method:<id>` for a method's page. */
export const breakdownCountKey = (node: string, cell: string) => `${node}|*|${cell}`;

/**
 * Which per-method counts (and node totals) to hide so that none can be computed back from any combination of the
 * tables shown together: each node's row (methods add up to its total), and for each node with nested nodes the
 * column per method (the nested nodes plus the rest of the node add up to the node's count; the rest is not shown
 * as a row, but can be computed, so it is protected like a shown cell). Solved at once with `suppressLines`, so a
 * method hidden on the municipality's row stays hidden on every administration's row and on the method's own page.
 * Counts that do not add up (scopes computed at different moments) make the line a "sum known" line: conservative.
 *
 * With breakdown cells (`byCell`, and `methodScopes` for the methods' own pages), the same counts by sex and age band
 * are solved in the same system: each node's cells of a dimension add up to its total; per cell, the nested nodes
 * plus the rest add up to the node; each method page's cells add up to the method's count on the municipality's row,
 * and per cell the methods' pages add up to the municipality's cell; a method page's cells are hidden with its count
 * (the page is withheld). A cell hidden by sex on the municipality's page is then hidden wherever it can be derived.
 */
export function hiddenMethodCounts(nodes: readonly MethodCountNode[], k: number, methodScopes: readonly MethodScopeCells[] = []): Set<string> {
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
  const gates = addBreakdownLines(nodes, methodScopes, { values, index, add, line, lines });
  const out = suppressLines(values, lines, { k, gates });
  return new Set([...index].filter(([, i]) => out[i]!.value === null).map(([key]) => key));
}

/** The breakdown cells' entries and equations of `hiddenMethodCounts`, after the per-method ones (whose order they keep). */
function addBreakdownLines(
  nodes: readonly MethodCountNode[],
  methodScopes: readonly MethodScopeCells[],
  sys: { values: number[]; index: Map<string, number>; add: (key: string, value: number) => number; line: (cells: number[], total: number) => void; lines: CountLine[] },
): CountGate[] {
  const { values, index, add, line, lines } = sys;
  const dims = Object.values(BREAKDOWN_DIMENSIONS);
  const allCells = dims.flat();
  const cellsOf = (node: string) => (cell: string) => index.get(breakdownCountKey(node, cell))!;
  const withCells = nodes.filter((n) => n.byCell);
  for (const n of withCells) {
    for (const cell of allCells) add(breakdownCountKey(n.key, cell), n.byCell!.get(cell) ?? 0);
    const total = index.get(methodCountKey(n.key, '*'))!;
    for (const dim of dims) line(dim.map(cellsOf(n.key)), total);
  }
  for (const p of withCells) {
    const children = nodes.filter((n) => n.parent === p.key);
    if (children.length === 0) continue;
    if (children.some((c) => !c.byCell)) continue;
    const restTotal = index.get(methodCountKey(`${p.key}~rest`, '*'));
    const restValues = allCells.map((cell) => values[cellsOf(p.key)(cell)]! - children.reduce((s, c) => s + values[cellsOf(c.key)(cell)]!, 0));
    if (restTotal !== undefined && restValues.every((v) => v >= 0)) {
      allCells.forEach((cell, i) => add(breakdownCountKey(`${p.key}~rest`, cell), restValues[i]!));
      for (const dim of dims) line(dim.map(cellsOf(`${p.key}~rest`)), restTotal);
      for (const cell of allCells) line([...children.map((c) => cellsOf(c.key)(cell)), cellsOf(`${p.key}~rest`)(cell)], cellsOf(p.key)(cell));
    } else {
      for (const cell of allCells) lines.push({ cells: [...children.map((c) => cellsOf(c.key)(cell)), cellsOf(p.key)(cell)], total: null });
    }
  }
  const municipality = nodes.find((n) => n.parent === null);
  const gates: CountGate[] = [];
  if (!municipality) return gates;
  const pages = methodScopes.filter((m) => index.has(methodCountKey(municipality.key, m.methodId)));
  for (const m of pages) {
    const node = `method:${m.methodId}`;
    const total = index.get(methodCountKey(municipality.key, m.methodId))!;
    for (const cell of allCells) {
      const i = add(breakdownCountKey(node, cell), m.byCell.get(cell) ?? 0);
      // The page is withheld when its count is hidden on the municipality's row: all its cells go with it.
      gates.push({ entry: i, on: total });
    }
    for (const dim of dims) line(dim.map(cellsOf(node)), total);
  }
  if (municipality.byCell && pages.length > 0) {
    for (const cell of allCells) line(pages.map((m) => cellsOf(`method:${m.methodId}`)(cell)), cellsOf(municipality.key)(cell));
  }
  return gates;
}

/** A stored `episodes` figure of the linked solve: breakdown `all` for the per-method counts, any cell for `*`. */
export interface EpisodeCountRow {
  scopeKey: string;
  subject: string;
  stats: Record<string, unknown>;
  /** Absent means `all`. */
  breakdownKey?: string;
}

/**
 * The per-method count nodes of one municipality for one period and measure, from stored `episodes` figures (breakdown
 * `all`) of the municipality scope and of every administration unit: each administration's parent is the nearest
 * administration above it, else the municipality. Scopes without stored figures count as empty. Rows of other
 * breakdown cells (subject `*`) give the nodes' `byCell`, when `withCells`.
 */
export function methodCountNodes(
  municipalityId: string,
  administrations: readonly { id: string; path: string }[],
  episodes: readonly EpisodeCountRow[],
  measure: 'started' | 'active',
  withCells = false,
): MethodCountNode[] {
  const municipalityKey = `municipality:${municipalityId}`;
  const ids = new Set(administrations.map((a) => a.id));
  const parentOf = (path: string) => {
    const above = path.split('/').filter(Boolean).slice(0, -1).reverse().find((id) => ids.has(id));
    return above ? `unit:${above}` : municipalityKey;
  };
  const scopes = [{ key: municipalityKey, parent: null as string | null }, ...administrations.map((a) => ({ key: `unit:${a.id}`, parent: parentOf(a.path) }))];
  return scopes.map((scope) => {
    const mine = episodes.filter((r) => r.scopeKey === scope.key);
    const rows = mine.filter((r) => (r.breakdownKey ?? 'all') === 'all');
    const byMethod = new Map(rows.filter((r) => r.subject !== '*').map((r) => [r.subject, episodeCount(r, measure)]));
    const node: MethodCountNode = { key: scope.key, parent: scope.parent, total: episodeCount(rows.find((r) => r.subject === '*'), measure), byMethod };
    return withCells ? { ...node, byCell: cellCounts(mine, measure) } : node;
  });
}

/** The methods' own pages (scopes `method:<id>`) by breakdown cell, from their stored `episodes` figures (subject `*`). */
export function methodScopeCells(episodes: readonly EpisodeCountRow[], measure: 'started' | 'active'): MethodScopeCells[] {
  const ids = [...new Set(episodes.filter((r) => r.scopeKey.startsWith('method:')).map((r) => r.scopeKey.slice('method:'.length)))].sort();
  return ids.map((id) => ({ methodId: id, byCell: cellCounts(episodes.filter((r) => r.scopeKey === `method:${id}`), measure) }));
}

function episodeCount(r: { stats: Record<string, unknown> } | undefined, measure: 'started' | 'active'): number {
  return r ? episodeFigures(r.stats)[measure] || 0 : 0;
}

function cellCounts(rows: readonly EpisodeCountRow[], measure: 'started' | 'active'): Map<string, number> {
  return new Map(rows.filter((r) => r.subject === '*' && (r.breakdownKey ?? 'all') !== 'all').map((r) => [r.breakdownKey!, Math.max(0, Math.round(episodeCount(r, measure)))]));
}

/** The politicians' linked per-method and breakdown counts of one period: which are hidden, per measure. */
export type LinkedEpisodeCounts = Record<'started' | 'active', Set<string>>;

/**
 * Solves the politicians' per-method counts and the same counts by sex and age band, for one period, over the
 * municipality, its administrations and the methods' own pages (`hiddenMethodCounts` with every line): the answer
 * the aggregate views, the exports and the politicians' reports all follow.
 */
export function linkedEpisodeCounts(
  municipalityId: string,
  administrations: readonly { id: string; path: string }[],
  episodes: readonly EpisodeCountRow[],
  k: number,
): LinkedEpisodeCounts {
  const solve = (measure: 'started' | 'active') =>
    hiddenMethodCounts(methodCountNodes(municipalityId, administrations, episodes, measure, true), k, methodScopeCells(episodes, measure));
  return { started: solve('started'), active: solve('active') };
}
