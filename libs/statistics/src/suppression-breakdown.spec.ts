import { describe, expect, it } from '@jest/globals';
import { type SuppressedCount, suppressBreakdown, suppressLines, suppressTable } from './suppression.js';

const shown = (value: number): SuppressedCount => ({ value, reason: null });
const primary: SuppressedCount = { value: null, reason: 'primary' };
const complementary: SuppressedCount = { value: null, reason: 'complementary' };

// Cells in the order female, male, other, unknown (sex) or 0-17, 18-29, 30-49, 50-64, 65+, unknown (age).
describe('suppressBreakdown: the review’s example, all 40 = female 3, male 30, other 7, unknown 0 (k = 5)', () => {
  const out = suppressBreakdown(40, [3, 30, 7, 0]);
  it('hides female (3 < 5) and, since 40 − 30 − 7 − 0 would give it back, other (7, the next smallest non-zero)', () => {
    expect(out).toEqual({ total: shown(40), cells: [primary, shown(30), complementary, shown(0)] });
  });
  it('leaves female + other = 10 as the only thing a reader can compute', () => {
    const known = out.cells.reduce((s, c) => s + (c.value ?? 0), 0);
    expect(40 - known).toBe(10);
  });
  it('is what suppressTable gives for the list with its total', () => {
    expect(suppressTable({ counts: [3, 30, 7, 0], total: 40 })).toEqual({ counts: out.cells, total: out.total });
  });
});

describe('suppressBreakdown: zeros are shown and never count as protection', () => {
  it('all 12 = female 3, male 9, other 0, unknown 0: the second hidden cell is male (9), not a zero', () => {
    expect(suppressBreakdown(12, [3, 9, 0, 0])).toEqual({ total: shown(12), cells: [primary, complementary, shown(0), shown(0)] });
  });
  it('a cell hidden by another table (female 8) whose only other candidates are 0: the total is hidden, not a zero', () => {
    // 8 = 8 − 0 − 0 − 0: hiding a zero would leave female = the total; only hiding the total protects it.
    expect(suppressBreakdown(8, [8, 0, 0, 0], { hiddenCells: [0] })).toEqual({
      total: complementary,
      cells: [complementary, shown(0), shown(0), shown(0)],
    });
  });
  it('a hidden zero next to a hidden 3 does not protect the 3 (it still needs a non-zero partner)', () => {
    // age 0-17 0 (hidden elsewhere), 18-29 3, 30-49 12, 50-64 15, 65+ 10, unknown 0; total 40 → 65+ hidden too (10 < 12)
    expect(suppressBreakdown(40, [0, 3, 12, 15, 10, 0], { hiddenCells: [0] }).cells).toEqual([
      complementary,
      primary,
      shown(12),
      shown(15),
      complementary,
      shown(0),
    ]);
  });
  it('nothing hidden when every non-zero cell is at least k: 0, 12, 8 of 20', () => {
    expect(suppressBreakdown(20, [0, 12, 8])).toEqual({ total: shown(20), cells: [shown(0), shown(12), shown(8)] });
  });
});

describe('suppressBreakdown: the audience’s k', () => {
  it('k = 10: all 40 = female 12, male 25, other 3, unknown 0 → other (primary) and female (12, complementary)', () => {
    expect(suppressBreakdown(40, [12, 25, 3, 0], { k: 10 }).cells).toEqual([complementary, shown(25), primary, shown(0)]);
  });
  it('k = 10: age 0, 12, 9, 15, 4, 0 of 40 → two cells below k protect each other, nothing more is hidden', () => {
    expect(suppressBreakdown(40, [0, 12, 9, 15, 4, 0], { k: 10 }).cells).toEqual([
      shown(0),
      shown(12),
      primary,
      shown(15),
      primary,
      shown(0),
    ]);
  });
  it('k = 5 shows 9 that k = 10 hides', () => {
    expect(suppressBreakdown(40, [0, 12, 9, 15, 4, 0]).cells).toEqual([shown(0), shown(12), complementary, shown(15), primary, shown(0)]);
  });
});

describe('suppressBreakdown: a small total', () => {
  it('all 4 = female 3, male 1, other 0, unknown 0 → everything hidden, zeros too', () => {
    expect(suppressBreakdown(4, [3, 1, 0, 0])).toEqual({ total: primary, cells: [primary, primary, complementary, complementary] });
  });
  it('all 3 = female 3 and zeros: "all three are women" is not published either', () => {
    expect(suppressBreakdown(3, [3, 0, 0, 0]).cells.every((c) => c.value === null)).toBe(true);
  });
  it('all 0: nothing to hide', () => {
    expect(suppressBreakdown(0, [0, 0, 0, 0])).toEqual({ total: shown(0), cells: [shown(0), shown(0), shown(0), shown(0)] });
  });
});

describe('suppressBreakdown: a total hidden by another table', () => {
  it('all 30 = 10, 20 with the total hidden elsewhere: one cell is hidden too, else the total is their sum', () => {
    expect(suppressBreakdown(30, [10, 20], { totalHidden: true })).toEqual({ total: complementary, cells: [complementary, shown(20)] });
  });
  it('rejects cells that do not add up to the total, and an unknown cell', () => {
    expect(() => suppressBreakdown(41, [3, 30, 7, 0])).toThrow('SUPPRESSION.TOTAL_MISMATCH');
    expect(() => suppressBreakdown(40, [3, 30, 7, 0], { hiddenCells: [9] })).toThrow('SUPPRESSION.UNKNOWN_ENTRY');
  });
});

describe('suppressLines: hidden entries and gates', () => {
  it('completes the lines through an entry hidden elsewhere, and hides what a gate ties to a hidden entry', () => {
    // people: a 8, b 20 | 28; events: ea 12, eb 40 | 52; ea is gated on a; a is hidden by another table.
    const values = [8, 20, 28, 12, 40, 52];
    const out = suppressLines(
      values,
      [
        { cells: [0, 1], total: 2 },
        { cells: [3, 4], total: 5 },
      ],
      { hidden: [0], gates: [{ entry: 3, on: 0 }] },
    );
    expect(out.map((c) => c.value)).toEqual([null, null, 28, null, null, 52]);
  });
});
