import { describe, expect, it } from '@jest/globals';
import { breakdownCountKey, linkedEpisodeCounts, methodCountKey } from './disclosure.js';
import { episodeFigures, outcomeFigures } from './figures.js';
import {
  cellHidden,
  type DisclosureFigureRow,
  disclosedEpisodes,
  disclosedOutcome,
  linkedForcedHidden,
  ScopeDisclosure,
} from './scope-disclosure.js';

const SEX = ['female', 'male', 'other', 'unknown'] as const;
const AGE = ['0-17', '18-29', '30-49', '50-64', '65+', 'unknown'] as const;

/** Episode rows of one scope: `all` and the cells given (missing cells have nothing stored). */
function episodes(cells: Record<string, Record<string, number>>, subject = '*'): DisclosureFigureRow[] {
  return Object.entries(cells).map(([breakdownKey, stats]) => ({ figure: 'episodes', subject, breakdownKey, stats }));
}

const EMPTY_EPISODES = {
  n_active: 0,
  n_started: 0,
  n_closed: 0,
  dur_s: 0,
  dur_ss: 0,
  occ_due: 0,
  occ_on_time: 0,
  occ_done: 0,
  goal_eps: 0,
  n_goals: 0,
  n_goals_measurable: 0,
  n_goals_assessed: 0,
  n_goals_attained: 0,
  gas_n: 0,
  gas_s: 0,
  gas_ss: 0,
};
const ep = (active: number, extra: Record<string, number> = {}) => ({ ...EMPTY_EPISODES, n_active: active, n_started: active, ...extra });

describe(ScopeDisclosure.name, () => {
  // The review's example: municipality, 2025, episodes: all 40 = female 3, male 30, other 7, unknown 0;
  // age 18-29 12, 30-49 20, 50-64 8 (nothing below k).
  const rows = episodes({
    all: ep(40),
    'sex:female': ep(3),
    'sex:male': ep(30),
    'sex:other': ep(7),
    'age:18-29': ep(12),
    'age:30-49': ep(20),
    'age:50-64': ep(8),
  });
  const d = ScopeDisclosure.solve(rows, 5);

  it('hides female (3) and other (7), so 40 − 30 − 7 − 0 no longer gives female back; unknown 0 stays 0', () => {
    for (const m of ['started', 'active']) {
      expect(SEX.map((s) => d.value('episodes', '*', `sex:${s}`, m))).toEqual([null, 30, null, 0]);
      expect(d.value('episodes', '*', 'all', m)).toBe(40);
    }
  });

  it('keeps the age cells (none below k) and shows missing cells as 0', () => {
    expect(AGE.map((a) => d.value('episodes', '*', `age:${a}`, 'active'))).toEqual([0, 12, 20, 8, 0, 0]);
  });

  it('hides every figure of a cell whose people are hidden (completeness, goals), and the view says ".."', () => {
    const female = disclosedEpisodes(d, 'sex:female', episodeFigures(ep(3)));
    expect(female.active).toBeNull();
    expect(female.completeness).toEqual({ numerator: null, denominator: null, value: null, suppressed: true });
    expect(female.durationDays).toEqual({ n: null, mean: null, sd: null, suppressed: true });
    expect(cellHidden(d, 'episodes', '*', 'sex:female')).toBe(true);
    expect(cellHidden(d, 'episodes', '*', 'sex:male')).toBe(false);
  });

  it('is one solution for every view: the `all` view hides what the sex view needs hidden', () => {
    // all: clients 12 = pairs 10 + baseline only 2; female 6 (pairs 6), male 6 (pairs 4, only 2). The `all` cell's
    // baseline-only 2 (< 5) would be 12 − 10: pairs 10 is hidden with it, in the `all` view too. Male's pairs 4 and
    // only 2 are below k; the pairs column (10 = 6 + 4) then has two hidden entries, so female's 6 is shown (10 and
    // 4 are unknown: 6 fixes only their difference).
    const out = (n: number, pairs: number) => ({
      n_clients: n,
      n_pairs: pairs,
      sb: 0,
      sbb: 0,
      sl: 0,
      sll: 0,
      sbl: 0,
      n_improved: 0,
      n_deteriorated: 0,
      n_classified: 0,
      n_case_known: 0,
      n_case: 0,
      n_recovered: 0,
      n_rel_recovered: 0,
      direction: 'higher_is_worse',
      has_criterion: false,
      has_cutoff: false,
    });
    const solved = ScopeDisclosure.solve(
      [
        { figure: 'outcome', subject: 'i/s', breakdownKey: 'all', stats: out(12, 10) },
        { figure: 'outcome', subject: 'i/s', breakdownKey: 'sex:female', stats: out(6, 6) },
        { figure: 'outcome', subject: 'i/s', breakdownKey: 'sex:male', stats: out(6, 4) },
        { figure: 'outcome', subject: 'i/s', breakdownKey: 'age:30-49', stats: out(12, 10) },
      ],
      5,
    );
    const all = disclosedOutcome(solved, 'i/s', 'all', outcomeFigures(out(12, 10)));
    expect([all.nClients, all.nPairs]).toEqual([12, null]);
    expect(all.baseline.suppressed).toBe(true);
    expect(solved.value('outcome', 'i/s', 'sex:female', 'pairs')).toBe(6);
    expect(solved.value('outcome', 'i/s', 'sex:male', 'pairs')).toBeNull();
    expect([solved.value('outcome', 'i/s', 'sex:female', 'clients'), solved.value('outcome', 'i/s', 'sex:male', 'clients')]).toEqual([
      6, 6,
    ]);
  });

  it('band counts form a table with the breakdown: a hidden band of one cell is protected in its column too', () => {
    // all n 20: band 0 = 10, band 1 = 10; female n 10: 7 / 3; male n 10: 3 / 7. 3 < 5 → hidden; every line then has two.
    const occ = (n: number, b0: number, b1: number) => ({ n, s: 0, ss: 0, n_case_known: 0, n_case: 0, bands: { '0': b0, '1': b1 } });
    const solved = ScopeDisclosure.solve(
      [
        { figure: 'occasion', subject: 'i/s/start', breakdownKey: 'all', stats: occ(20, 10, 10) },
        { figure: 'occasion', subject: 'i/s/start', breakdownKey: 'sex:female', stats: occ(10, 7, 3) },
        { figure: 'occasion', subject: 'i/s/start', breakdownKey: 'sex:male', stats: occ(10, 3, 7) },
        { figure: 'occasion', subject: 'i/s/start', breakdownKey: 'age:30-49', stats: occ(20, 10, 10) },
      ],
      5,
    );
    const band = (cell: string, b: number) => solved.value('occasion', 'i/s/start', cell, `band:${b}`);
    expect([band('sex:female', 0), band('sex:female', 1), band('sex:male', 0), band('sex:male', 1)]).toEqual([null, null, null, null]);
    expect([band('all', 0), band('all', 1)]).toEqual([10, 10]);
  });

  it('takes counts hidden by the politicians’ linked solve as hidden, and completes their lines', () => {
    const forced = (_f: string, subject: string, cell: string, m: string) => subject === '*' && cell === 'all' && m === 'active';
    const solved = ScopeDisclosure.solve(rows, 5, forced);
    expect(solved.value('episodes', '*', 'all', 'active')).toBeNull();
    // sex: the hidden total and female (3) are two unknowns of the line, so other (7) is shown; age: no cell was hidden,
    // so the sum of the cells would give the total back: the smallest (8) is hidden.
    expect(SEX.map((s) => solved.value('episodes', '*', `sex:${s}`, 'active'))).toEqual([null, 30, 7, 0]);
    expect(AGE.map((a) => solved.value('episodes', '*', `age:${a}`, 'active'))).toEqual([0, 12, 20, null, 0, 0]);
  });
});

describe(linkedEpisodeCounts.name, () => {
  it('solves the sex cells across the municipality and its administrations (a cell hidden in one is protected in the column)', () => {
    // Municipality female 10 = administration A female 7 + administration B female 3; male 12 = 6 + 6.
    const row = (scopeKey: string, breakdownKey: string, n: number) => ({ scopeKey, breakdownKey, subject: '*', stats: ep(n) });
    const rows = [
      row('municipality:m', 'all', 22),
      row('municipality:m', 'sex:female', 10),
      row('municipality:m', 'sex:male', 12),
      row('municipality:m', 'age:30-49', 22),
      row('unit:a', 'all', 13),
      row('unit:a', 'sex:female', 7),
      row('unit:a', 'sex:male', 6),
      row('unit:a', 'age:30-49', 13),
      row('unit:b', 'all', 9),
      row('unit:b', 'sex:female', 3),
      row('unit:b', 'sex:male', 6),
      row('unit:b', 'age:30-49', 9),
    ];
    const linked = linkedEpisodeCounts(
      'm',
      [
        { id: 'a', path: '/a/' },
        { id: 'b', path: '/b/' },
      ],
      rows,
      5,
    );
    const hidden = (node: string, cell: string) => linked.active.has(breakdownCountKey(node, cell));
    // B's female 3 is primary, B's male 6 protects it in B's row; the column female (10 = 7 + 3) hides A's 7, and
    // A's row then hides A's 6; the municipality's cells stay.
    expect([
      hidden('unit:b', 'sex:female'),
      hidden('unit:b', 'sex:male'),
      hidden('unit:a', 'sex:female'),
      hidden('unit:a', 'sex:male'),
    ]).toEqual([true, true, true, true]);
    expect([hidden('municipality:m', 'sex:female'), hidden('municipality:m', 'sex:male')]).toEqual([false, false]);
    expect(linked.active.has(methodCountKey('municipality:m', '*'))).toBe(false);
    const forced = linkedForcedHidden(linked, 'm', 'unit:b');
    expect(forced('episodes', '*', 'sex:female', 'active')).toBe(true);
    expect(forced('episodes', '*', 'all', 'active')).toBe(false);
    expect(forced('outcome', 'x', 'sex:female', 'clients')).toBe(false);
  });
});
