import { describe, expect, it } from '@jest/globals';
import { classifyRecovery, groupOutcomeSummary, type ScaleRules } from '#statistics';
import { outcomeFigures } from './figures.js';

/** The additive sums the SQL stores, computed here from the same clients. */
function sumsOf(
  clients: { baseline: number | null; latest: number | null }[],
  rules: ScaleRules & { cutoff: NonNullable<ScaleRules['cutoff']> },
) {
  const pairs = clients.filter((c) => c.baseline !== null && c.latest !== null) as { baseline: number; latest: number }[];
  const s = {
    n_clients: clients.length,
    n_pairs: pairs.length,
    sb: 0,
    sbb: 0,
    sl: 0,
    sll: 0,
    sbl: 0,
    n_improved: 0,
    n_deteriorated: 0,
    n_classified: pairs.length,
    n_case_known: pairs.length,
    n_case: 0,
    n_recovered: 0,
    n_rel_recovered: 0,
  };
  for (const p of pairs) {
    s.sb += p.baseline;
    s.sbb += p.baseline * p.baseline;
    s.sl += p.latest;
    s.sll += p.latest * p.latest;
    s.sbl += p.baseline * p.latest;
    const r = classifyRecovery({ ...p, direction: rules.direction, cutoff: rules.cutoff, criterion: rules.criterion });
    if (r.change.category === 'reliably_improved') s.n_improved++;
    if (r.change.category === 'reliably_deteriorated') s.n_deteriorated++;
    if (r.caseAtBaseline) s.n_case++;
    if (r.recovered) s.n_recovered++;
    if (r.reliablyRecovered) s.n_rel_recovered++;
  }
  return { ...s, direction: rules.direction, has_criterion: true, has_cutoff: true };
}

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe(outcomeFigures.name, () => {
  const cases: [string, ScaleRules & { cutoff: NonNullable<ScaleRules['cutoff']> }][] = [
    [
      'PHQ-9 (threshold 6, case ≥ 10, higher is worse)',
      { direction: 'higher_is_worse', criterion: { kind: 'threshold', points: 6 }, cutoff: { value: 10, inclusive: true } },
    ],
    [
      'an RCI scale (SD 10.5, r 0.961; case < 50, higher is better)',
      {
        direction: 'higher_is_better',
        criterion: { kind: 'rci', sdRef: 10.5, reliability: 0.961 },
        cutoff: { value: 50, inclusive: false },
      },
    ],
  ];
  it.each(cases)('equals groupOutcomeSummary of #statistics on 200 random cohorts: %s', (_name, rules) => {
    const rand = prng(42);
    for (let k = 0; k < 200; k++) {
      const n = 1 + Math.floor(rand() * 40);
      const clients = Array.from({ length: n }, () => ({
        baseline: rand() < 0.1 ? null : Math.round(rand() * 270) / 10,
        latest: rand() < 0.25 ? null : Math.round(rand() * 270) / 10,
      }));
      const lib = groupOutcomeSummary(clients, rules);
      const f = outcomeFigures(sumsOf(clients, rules));
      expect(f.nClients).toBe(lib.nClients);
      expect(f.nPairs).toBe(lib.nPairs);
      expect(f.completeness).toEqual(lib.completeness);
      for (const key of [
        'reliablyImproved',
        'noReliableChange',
        'reliablyDeteriorated',
        'casesAtBaseline',
        'recovered',
        'reliablyRecovered',
      ] as const) {
        expect(f[key]).toEqual(lib[key]);
      }
      for (const key of ['baseline', 'latest', 'change'] as const) {
        expect(f[key].n).toBe(lib[key].n);
        if (lib[key].mean === null) expect(f[key].mean).toBeNull();
        else expect(f[key].mean).toBeCloseTo(lib[key].mean!, 9);
        if (lib[key].sd === null) expect(f[key].sd).toBeNull();
        else expect(f[key].sd).toBeCloseTo(lib[key].sd!, 9);
      }
      expect(f.effectSize.computable).toBe(lib.effectSize.computable);
      if (f.effectSize.computable && lib.effectSize.computable) {
        for (const key of ['d', 'se', 'ciLow', 'ciHigh', 'r12', 'meanChange', 'meanImprovement', 'sdBaseline'] as const) {
          expect(f.effectSize[key]).toBeCloseTo(lib.effectSize[key], 9);
        }
      } else if (!f.effectSize.computable && !lib.effectSize.computable) {
        expect(f.effectSize.reason).toBe(lib.effectSize.reason);
      }
    }
  });

  it('too few pairs, no baseline variation and no latest variation as the library says', () => {
    const rules = cases[0]![1];
    for (const clients of [
      [{ baseline: 10, latest: 4 }],
      [
        { baseline: 10, latest: 4 },
        { baseline: 10, latest: 6 },
      ],
      [
        { baseline: 12, latest: 4 },
        { baseline: 10, latest: 4 },
      ],
    ]) {
      const lib = groupOutcomeSummary(clients, rules);
      expect(outcomeFigures(sumsOf(clients, rules)).effectSize).toEqual(lib.effectSize);
    }
  });
});
