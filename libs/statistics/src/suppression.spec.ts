import { describe, expect, it } from '@jest/globals';
import { type SuppressedCount, suppressFigure, suppressLines, suppressTable } from './suppression.js';

const shown = (value: number): SuppressedCount => ({ value, reason: null });
const primary: SuppressedCount = { value: null, reason: 'primary' };
const complementary: SuppressedCount = { value: null, reason: 'complementary' };

describe('suppression: one-way list 12, 3, 9, 7 with total 31', () => {
  // 3 < 5 is hidden; with the total shown it would be 31 − 12 − 9 − 7 = 3, so the next smallest (7) is hidden too.
  it('hides 3 (primary) and 7 (complementary), keeps the total', () => {
    expect(suppressTable({ counts: [12, 3, 9, 7], total: 31 })).toEqual({
      counts: [shown(12), primary, shown(9), complementary],
      total: shown(31),
    });
  });
  it('hides only 3 when no total is shown', () => {
    expect(suppressTable({ counts: [12, 3, 9] })).toEqual({
      counts: [shown(12), primary, shown(9)],
      total: null,
    });
  });
});

describe('suppression: zeros', () => {
  it('shows a zero by default, so 0, 12, 8 with total 20 keeps everything', () => {
    expect(suppressTable({ counts: [0, 12, 8], total: 20 }).counts).toEqual([shown(0), shown(12), shown(8)]);
  });
  it('with suppressZeros hides the zero and then 8', () => {
    expect(suppressTable({ counts: [0, 12, 8], total: 20 }, { suppressZeros: true }).counts).toEqual([
      primary,
      shown(12),
      complementary,
    ]);
  });
});

describe('suppression: 3 × 3 table where a row forces its columns', () => {
  //        c1  c2  c3 | total
  //  r1    20   3  15 |  38     3 primary; r1 then has one hidden cell → hide 15 (smallest shown in r1)
  //  r2    12  10   8 |  30     c2 has one hidden (3) → hide 10; c3 has one hidden (15) → hide 8
  //  r3     9  11  14 |  34     now every row and column has 0 or 2 hidden cells: stable
  //  total 41  24  37 | 102
  const result = suppressTable({
    cells: [
      [20, 3, 15],
      [12, 10, 8],
      [9, 11, 14],
    ],
    rowTotals: [38, 30, 34],
    columnTotals: [41, 24, 37],
    grandTotal: 102,
  });

  it('hides 3 (primary) and 15, 10, 8 (complementary)', () => {
    expect(result.cells).toEqual([
      [shown(20), primary, complementary],
      [shown(12), complementary, complementary],
      [shown(9), shown(11), shown(14)],
    ]);
  });
  it('keeps every total', () => {
    expect(result.rowTotals).toEqual([shown(38), shown(30), shown(34)]);
    expect(result.columnTotals).toEqual([shown(41), shown(24), shown(37)]);
    expect(result.grandTotal).toEqual(shown(102));
  });
});

describe('suppression: a small row total is itself hidden and protected', () => {
  //        c1  c2 | total
  //  r1     2   1 |   3     2, 1 and the total 3 are primary
  //  r2    10  12 |  22     c1 has one hidden (2) → hide 7; c2 has one hidden (1) → hide 9
  //  r3     7   9 |  16     the row totals 3, 22, 16 sum to 41 → hide 16
  //  total 19  22 |  41
  const result = suppressTable({
    cells: [
      [2, 1],
      [10, 12],
      [7, 9],
    ],
    rowTotals: [3, 22, 16],
    columnTotals: [19, 22],
    grandTotal: 41,
  });

  it('hides row 1 (primary) and row 3 with its total (complementary)', () => {
    expect(result.cells).toEqual([
      [primary, primary],
      [shown(10), shown(12)],
      [complementary, complementary],
    ]);
    expect(result.rowTotals).toEqual([primary, shown(22), complementary]);
    expect(result.columnTotals).toEqual([shown(19), shown(22)]);
  });
});

describe('suppression: a table with nothing to hide', () => {
  it('returns every count with no reason', () => {
    const result = suppressTable({
      cells: [
        [5, 8],
        [6, 11],
      ],
      rowTotals: [13, 17],
      columnTotals: [11, 19],
      grandTotal: 30,
    });
    expect(result).toEqual({
      cells: [
        [shown(5), shown(8)],
        [shown(6), shown(11)],
      ],
      rowTotals: [shown(13), shown(17)],
      columnTotals: [shown(11), shown(19)],
      grandTotal: shown(30),
    });
  });
});

describe('suppression: invalid tables', () => {
  it('rejects totals that do not add up', () => {
    expect(() => suppressTable({ counts: [5, 6], total: 12 })).toThrow('SUPPRESSION.TOTAL_MISMATCH');
  });
  it('requires the grand total when both margins are shown', () => {
    expect(() => suppressTable({ cells: [[5]], rowTotals: [5], columnTotals: [5] })).toThrow(
      'SUPPRESSION.GRAND_TOTAL_REQUIRED',
    );
  });
});

describe('suppression: single figures', () => {
  it('hides a mean over 4 clients, with its n', () => {
    expect(suppressFigure(12.5, 4)).toEqual({ value: null, n: null, reason: 'primary' });
  });
  it('shows a mean over 5 clients', () => {
    expect(suppressFigure(12.5, 5)).toEqual({ value: 12.5, n: 5, reason: null });
  });
  it('follows a stricter audience k of 10', () => {
    expect(suppressFigure(0.4, 8, { k: 10 })).toEqual({ value: null, n: null, reason: 'primary' });
  });
});

describe('suppression: linked lines (a table nested in a hierarchy)', () => {
  // Municipality row: methods 3, 8, 12 = 23. Administration 1: 2, 6, 7 = 15; the rest of the municipality (not shown
  // as a row, but computable as municipality − administration) 1, 2, 5 = 8. Columns: 3 = 2 + 1, 8 = 6 + 2, 12 = 7 + 5.
  const values = [3, 8, 12, 23, 2, 6, 7, 15, 1, 2, 5, 8];
  const lines = [
    { cells: [0, 1, 2], total: 3 },
    { cells: [4, 5, 6], total: 7 },
    { cells: [8, 9, 10], total: 11 },
    { cells: [4, 8], total: 0 },
    { cells: [5, 9], total: 1 },
    { cells: [6, 10], total: 2 },
    { cells: [7, 11], total: 3 },
  ];

  it('leaves no line with exactly one hidden entry, across the tables', () => {
    const out = suppressLines(values, lines);
    const hidden = out.map((c) => c.value === null);
    for (const line of lines) {
      const members = [...line.cells, line.total];
      expect(members.filter((i) => hidden[i]).length).not.toBe(1);
    }
    // Every count 0 < n < 5 is hidden, and the municipality's 3 is protected by a second hidden method.
    values.forEach((v, i) => v > 0 && v < 5 && expect(out[i]).toEqual(primary));
    expect([out[1]!.value, out[2]!.value].filter((v) => v === null)).toHaveLength(1);
  });

  it('is suppressTable for a single line', () => {
    expect(suppressLines([12, 3, 9, 7, 31], [{ cells: [0, 1, 2, 3], total: 4 }])).toEqual(suppressTable({ counts: [12, 3, 9, 7], total: 31 }).counts.concat([shown(31)]));
  });

  it('rejects a line that does not add up or names an entry that does not exist', () => {
    expect(() => suppressLines([1, 2, 4], [{ cells: [0, 1], total: 2 }])).toThrow(/does not add up/);
    expect(() => suppressLines([1, 2], [{ cells: [0, 5], total: null }])).toThrow(/does not exist/);
  });
});
