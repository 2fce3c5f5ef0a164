import { invalid } from '#domain';
import { assertCount } from './validation.js';

/** Kolada's and SCB's usual threshold: counts below 5 are not published. */
export const DEFAULT_SUPPRESSION_K = 5;

export type SuppressionReason = 'primary' | 'complementary';

/** A published count: value null (shown as "..") when hidden, with why. */
export interface SuppressedCount {
  value: number | null;
  reason: SuppressionReason | null;
}

export interface SuppressionOptions {
  /** Counts with 0 < n < k are hidden. Default 5. */
  k?: number;
  /** Also hide zero counts. Default false: a zero describes no person (see docs/statistics.md). */
  suppressZeros?: boolean;
}

/**
 * A two-way table of counts as it will be shown: cells by row then column, and whichever margins are shown.
 * When both margins are shown the grand total must be given too, since it can be computed from either.
 */
export interface CountTable {
  cells: readonly (readonly number[])[];
  rowTotals?: readonly number[] | null;
  columnTotals?: readonly number[] | null;
  grandTotal?: number | null;
}

export interface SuppressedTable {
  cells: SuppressedCount[][];
  rowTotals: SuppressedCount[] | null;
  columnTotals: SuppressedCount[] | null;
  grandTotal: SuppressedCount | null;
}

/** A one-way list of category counts with its total, if the total is shown. */
export interface CountList {
  counts: readonly number[];
  total?: number | null;
}

export interface SuppressedList {
  counts: SuppressedCount[];
  total: SuppressedCount | null;
}

/**
 * Small-number suppression with complementary suppression for a table of counts with its totals.
 *
 * Primary: a count with 0 < n < k is hidden (zeros are shown unless `suppressZeros`). Margins are counts too; a
 * line whose total is below k is hidden whole, zeros included.
 * Complementary: every row and column whose total is shown forms an equation cells = total; where exactly one
 * non-zero entry of such a line is hidden it could be computed back, so the smallest shown non-zero cell of that line
 * is hidden too (never a zero, which protects nothing; the line's total when no such cell is left). This repeats
 * until no line has exactly one hidden non-zero entry, since hiding a cell in a row can expose it through its column.
 *
 * Source: Kolada (RKA) and SCB practice of hiding figures based on fewer than k observations, shown as "..";
 * the complementary rule follows Hundepool, A. et al. (2012). Statistical Disclosure Control. Wiley, ch. 4
 * (primary and secondary cell suppression in magnitude and frequency tables).
 */
export function suppressTable(table: CountTable, options?: SuppressionOptions): SuppressedTable;
export function suppressTable(table: CountList, options?: SuppressionOptions): SuppressedList;
export function suppressTable(
  table: CountTable | CountList,
  options: SuppressionOptions = {},
): SuppressedTable | SuppressedList {
  const k = checkedK(options.k);
  const suppressZeros = options.suppressZeros ?? false;
  return 'cells' in table ? suppressTwoWay(table, k, suppressZeros) : suppressOneWay(table, k, suppressZeros);
}

/**
 * A single figure (mean, SD, share, effect size) that rests on n individuals: hidden when 0 < n < k, with its n, so
 * neither the figure nor the small count is shown.
 *
 * Source: Kolada (RKA) and SCB practice: figures based on fewer than k observations are shown as "..".
 */
export function suppressFigure<T>(
  value: T,
  n: number,
  options: Pick<SuppressionOptions, 'k'> = {},
): { value: T | null; n: number | null; reason: 'primary' | null } {
  assertCount(n, 'n');
  const k = options.k ?? DEFAULT_SUPPRESSION_K;
  if (n > 0 && n < k) return { value: null, n: null, reason: 'primary' };
  return { value, n, reason: null };
}

/** Entries of one equation: cell indexes plus the index of its total, when shown. */
export interface CountLine {
  cells: readonly number[];
  /** The index of the line's total; null when the total is not an entry (the sum is then treated as known). */
  total: number | null;
}
type Line = CountLine;

/** `entry` is hidden whenever `on` is: an event count (occasions, goals) of a group whose number of people is hidden. */
export interface CountGate {
  entry: number;
  on: number;
}

export interface LinkedSuppressionOptions extends SuppressionOptions {
  /**
   * Entries hidden before the rules run, because a solve over other tables hides them (e.g. the politicians' per-method
   * counts across pages): they are protected like primary cells, and lines through them are completed.
   */
  hidden?: readonly number[];
  gates?: readonly CountGate[];
}

/**
 * Small-number suppression over any set of counts linked by equations, for tables that share cells (a count shown
 * in several tables, tables nested in a hierarchy). Each line says: these entries add up to that entry; with
 * `total: null`, the entries' sum is treated as known (conservative, for sums that are not shown as one entry but
 * can be computed). The rules are `suppressTable`'s: primary 0 < n < k, a line whose total is below k hidden whole,
 * complementary until no line has exactly one hidden non-zero entry; plus `hidden` entries and `gates`.
 */
export function suppressLines(values: readonly number[], lines: readonly CountLine[], options: LinkedSuppressionOptions = {}): SuppressedCount[] {
  const k = checkedK(options.k);
  values.forEach((v, i) => assertCount(v, `values[${i}]`));
  const inRange = (i: number) => Number.isInteger(i) && i >= 0 && i < values.length;
  lines.forEach((line, l) => {
    const entries = line.total === null ? line.cells : [...line.cells, line.total];
    const bad = entries.find((i) => !inRange(i));
    if (bad !== undefined) {
      throw invalid('SUPPRESSION.UNKNOWN_ENTRY', `Rad ${l} pekar på ett värde som inte finns.`, `Line ${l} names an entry that does not exist.`, [
        { field: `lines[${l}]`, sv: `Index ${bad} finns inte.`, en: `Index ${bad} does not exist.` },
      ]);
    }
    if (line.total !== null) assertSum(line.cells.map((i) => values[i]!), values[line.total]!, `lines[${l}].total`);
  });
  const named = [...(options.hidden ?? []), ...(options.gates ?? []).flatMap((g) => [g.entry, g.on])];
  const bad = named.find((i) => !inRange(i));
  if (bad !== undefined) {
    throw invalid('SUPPRESSION.UNKNOWN_ENTRY', `Index ${bad} finns inte.`, `Index ${bad} does not exist.`, [
      { field: 'hidden', sv: `Index ${bad} finns inte.`, en: `Index ${bad} does not exist.` },
    ]);
  }
  return suppressEntries(values, lines, k, options.suppressZeros ?? false, options.hidden ?? [], options.gates ?? []);
}

/** A total and its breakdown cells (one dimension: sex, age band, method), as published. */
export interface SuppressedBreakdown {
  total: SuppressedCount;
  cells: SuppressedCount[];
}

export interface BreakdownSuppressionOptions extends SuppressionOptions {
  /** The total is hidden by a solve over other tables (it must then not be computable as the sum of the cells). */
  totalHidden?: boolean;
  /** Indexes of cells hidden by a solve over other tables. */
  hiddenCells?: readonly number[];
}

/**
 * Which cells of one breakdown dimension (e.g. sex: female, male, other, unknown) to hide against their shown total:
 * - every cell with 0 < n < k is hidden (primary);
 * - when the total itself is below k (0 < total < k) everything is hidden, zeros too;
 * - when exactly one non-zero entry of the line is hidden it is the total minus the shown cells, so the smallest shown
 *   non-zero cell is hidden too (complementary); a zero is never chosen, since a published 0 describes no one and
 *   a hidden 0 protects nothing (the reader still knows the other cells add up to the total); when no shown non-zero
 *   cell is left, the total is hidden instead.
 * Zeros are shown (unless `suppressZeros`). The result is the same as `suppressTable` on the list with its total.
 *
 * Example (k = 5): all 40 = female 3, male 30, other 7, unknown 0 → female .. (primary), other .. (complementary):
 * without the second "..", female = 40 − 30 − 7 − 0.
 */
export function suppressBreakdown(total: number, cells: readonly number[], options: BreakdownSuppressionOptions = {}): SuppressedBreakdown {
  const k = checkedK(options.k);
  cells.forEach((v, i) => assertCount(v, `cells[${i}]`));
  assertCount(total, 'total');
  assertSum(cells, total, 'total');
  const n = cells.length;
  const forced = [...(options.hiddenCells ?? []), ...(options.totalHidden ? [n] : [])];
  const bad = forced.find((i) => !Number.isInteger(i) || i < 0 || i > n);
  if (bad !== undefined) {
    throw invalid('SUPPRESSION.UNKNOWN_ENTRY', `Cell ${bad} finns inte.`, `Cell ${bad} does not exist.`, [
      { field: 'hiddenCells', sv: `Index ${bad} finns inte.`, en: `Index ${bad} does not exist.` },
    ]);
  }
  const out = suppressEntries([...cells, total], [{ cells: cells.map((_, i) => i), total: n }], k, options.suppressZeros ?? false, forced, []);
  return { cells: out.slice(0, n), total: out[n]! };
}

function checkedK(k: number | undefined): number {
  const value = k ?? DEFAULT_SUPPRESSION_K;
  if (!Number.isInteger(value) || value < 1) {
    throw invalid('SUPPRESSION.INVALID_K', 'k måste vara ett heltal ≥ 1.', 'k must be a whole number ≥ 1.', [
      { field: 'k', sv: 'Måste vara ett heltal ≥ 1.', en: 'Must be a whole number ≥ 1.' },
    ]);
  }
  return value;
}

function suppressOneWay(list: CountList, k: number, suppressZeros: boolean): SuppressedList {
  list.counts.forEach((v, i) => assertCount(v, `counts[${i}]`));
  const total = list.total ?? null;
  const values = [...list.counts];
  let totalIndex: number | null = null;
  if (total !== null) {
    assertCount(total, 'total');
    assertSum(list.counts, total, 'total');
    totalIndex = values.push(total) - 1;
  }
  const lines: Line[] = totalIndex === null ? [] : [{ cells: list.counts.map((_, i) => i), total: totalIndex }];
  const out = suppressEntries(values, lines, k, suppressZeros);
  return { counts: out.slice(0, list.counts.length), total: totalIndex === null ? null : out[totalIndex] };
}

function suppressTwoWay(table: CountTable, k: number, suppressZeros: boolean): SuppressedTable {
  const { cells } = table;
  const nRows = cells.length;
  const nCols = cells[0]?.length ?? 0;
  cells.forEach((row, r) => {
    if (row.length !== nCols) {
      throw invalid(
        'SUPPRESSION.RAGGED_TABLE',
        'Alla rader måste ha lika många celler.',
        'Every row must have the same number of cells.',
        [{ field: `cells[${r}]`, sv: `Väntade ${nCols} celler.`, en: `Expected ${nCols} cells.` }],
      );
    }
    row.forEach((v, c) => assertCount(v, `cells[${r}][${c}]`));
  });
  const rowTotals = table.rowTotals ?? null;
  const columnTotals = table.columnTotals ?? null;
  const grandTotal = table.grandTotal ?? null;
  if (rowTotals && columnTotals && grandTotal === null) {
    throw invalid(
      'SUPPRESSION.GRAND_TOTAL_REQUIRED',
      'När både rad- och kolumnsummor visas måste totalsumman anges, eftersom den kan räknas fram.',
      'When both row and column totals are shown the grand total must be given, since it can be computed.',
      [{ field: 'grandTotal', sv: 'Saknas.', en: 'Missing.' }],
    );
  }

  const values: number[] = cells.flat();
  const cellIndex = (r: number, c: number): number => r * nCols + c;
  const rowTotalIndex: number[] = [];
  const columnTotalIndex: number[] = [];
  let grandIndex: number | null = null;
  if (rowTotals) {
    assertLength(rowTotals, nRows, 'rowTotals');
    rowTotals.forEach((t, r) => {
      assertCount(t, `rowTotals[${r}]`);
      assertSum(cells[r], t, `rowTotals[${r}]`);
      rowTotalIndex.push(values.push(t) - 1);
    });
  }
  if (columnTotals) {
    assertLength(columnTotals, nCols, 'columnTotals');
    columnTotals.forEach((t, c) => {
      assertCount(t, `columnTotals[${c}]`);
      assertSum(
        cells.map((row) => row[c]),
        t,
        `columnTotals[${c}]`,
      );
      columnTotalIndex.push(values.push(t) - 1);
    });
  }
  if (grandTotal !== null) {
    assertCount(grandTotal, 'grandTotal');
    assertSum(cells.flat(), grandTotal, 'grandTotal');
    grandIndex = values.push(grandTotal) - 1;
  }

  const lines: Line[] = [];
  const rowIdx = [...Array(nRows).keys()];
  const colIdx = [...Array(nCols).keys()];
  if (rowTotals) {
    rowIdx.forEach((r) => lines.push({ cells: colIdx.map((c) => cellIndex(r, c)), total: rowTotalIndex[r] }));
  }
  if (columnTotals) {
    colIdx.forEach((c) => lines.push({ cells: rowIdx.map((r) => cellIndex(r, c)), total: columnTotalIndex[c] }));
  }
  // The margins are themselves a row and a column whose total is the grand total.
  if (grandIndex !== null && rowTotals) lines.push({ cells: rowTotalIndex, total: grandIndex });
  if (grandIndex !== null && columnTotals) lines.push({ cells: columnTotalIndex, total: grandIndex });

  const out = suppressEntries(values, lines, k, suppressZeros);
  return {
    cells: rowIdx.map((r) => colIdx.map((c) => out[cellIndex(r, c)])),
    rowTotals: rowTotals ? rowTotalIndex.map((i) => out[i]) : null,
    columnTotals: columnTotals ? columnTotalIndex.map((i) => out[i]) : null,
    grandTotal: grandIndex === null ? null : out[grandIndex],
  };
}

function suppressEntries(
  values: readonly number[],
  lines: readonly Line[],
  k: number,
  suppressZeros: boolean,
  forced: readonly number[] = [],
  gates: readonly CountGate[] = [],
): SuppressedCount[] {
  const reasons: (SuppressionReason | null)[] = values.map((v) =>
    (v > 0 || suppressZeros) && v < k ? 'primary' : null,
  );
  for (const i of forced) reasons[i] ??= 'complementary';
  // A hidden zero protects nothing: the reader still knows the other entries add up to the total.
  const protects = (i: number) => values[i]! > 0 || suppressZeros;
  const hide = (i: number) => {
    if (reasons[i] !== null) return false;
    reasons[i] = 'complementary';
    return true;
  };

  let changed = true;
  while (changed) {
    changed = false;
    for (const g of gates) if (reasons[g.on] !== null && hide(g.entry)) changed = true;
    for (const line of lines) {
      // A total below k hides its whole line, zeros too ("all of the 3 are women" is a disclosure).
      if (line.total !== null && reasons[line.total] === 'primary') {
        for (const i of line.cells) if (hide(i)) changed = true;
        continue;
      }
      const members = line.total === null ? line.cells : [...line.cells, line.total];
      if (members.filter((i) => reasons[i] !== null && protects(i)).length !== 1) continue;
      // The smallest shown non-zero cell; a zero only where zeros are secrets too; else the line's total.
      const shownCells = line.cells.filter((i) => reasons[i] === null && protects(i));
      shownCells.sort((a, b) => Number(values[a] === 0) - Number(values[b] === 0) || values[a]! - values[b]! || a - b);
      const total = line.total !== null && reasons[line.total] === null && protects(line.total) ? line.total : null;
      const pick = shownCells[0] ?? total;
      if (pick !== null && hide(pick)) changed = true;
    }
  }
  return values.map((v, i) => ({ value: reasons[i] === null ? v : null, reason: reasons[i] }));
}

function assertSum(parts: readonly number[], total: number, field: string): void {
  const sum = parts.reduce((s, v) => s + v, 0);
  if (sum !== total) {
    throw invalid(
      'SUPPRESSION.TOTAL_MISMATCH',
      `Summan stämmer inte: cellerna blir ${sum}, men ${field} är ${total}.`,
      `The total does not add up: the cells sum to ${sum}, but ${field} is ${total}.`,
      [{ field, sv: `Väntade ${sum}.`, en: `Expected ${sum}.` }],
    );
  }
}

function assertLength(list: readonly unknown[], expected: number, field: string): void {
  if (list.length !== expected) {
    throw invalid(
      'SUPPRESSION.LENGTH_MISMATCH',
      `${field} måste ha ${expected} värden.`,
      `${field} must have ${expected} values.`,
      [{ field, sv: `Väntade ${expected} värden.`, en: `Expected ${expected} values.` }],
    );
  }
}
