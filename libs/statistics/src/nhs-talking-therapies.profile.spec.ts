import { describe, expect, it } from '@jest/globals';
import { NHS_TALKING_THERAPIES_PROFILE } from './nhs-talking-therapies.profile.js';
import { type ProfileClient, evaluateProfile } from './outcome-profile.js';

const client = (id: string, phq9: [number, number | null], gad7: [number, number | null]): ProfileClient => ({
  id,
  scores: {
    'phq9.total': { baseline: phq9[0], latest: phq9[1] },
    'gad7.total': { baseline: gad7[0], latest: gad7[1] },
  },
});

// PHQ-9: case ≥ 10, reliable change ≥ 6. GAD-7: case ≥ 8, reliable change ≥ 4.
//             PHQ-9            GAD-7             case  recovered  category                 reliably recovered
// A  18 → 6  (−12 impr)   14 → 5  (−9 impr)     yes   yes        improved                 yes
// B   7 → 5  (−2)         12 → 6  (−6 impr)     yes   yes        improved                 yes   (case on GAD-7 only)
// C  16 → 9  (−7 impr)     6 → 11 (+5 det)      yes   no (GAD)   deteriorated             no    (improves on one, worse on other)
// D   6 → 2  (−4)          5 → 3  (−2)          no    –          no reliable change       –     (not a case at baseline)
// E  11 → 8  (−3)          9 → 7  (−2)          yes   yes        no reliable change       no
// F  22 → 14 (−8 impr)    15 → 10 (−5 impr)     yes   no         improved                 no
// G  10 → 4  (−6 impr)     8 → 8  (0)           yes   no (8≥8)   improved (6 counts)      no    (both cut-offs inclusive)
// H  12 → 19 (+7 det)     10 → 13 (+3)          yes   no         deteriorated             no
// I  15 → –                9 → 6                incomplete: outside every figure except n clients and completeness
// n = 8 complete of 9; cases 7 (all but D); recovered A B E = 3/7; reliably improved A B F G = 4/8;
// no reliable change D E = 2/8; reliably deteriorated C H = 2/8; reliably recovered A B = 2/7.
const cohort = [
  client('A', [18, 6], [14, 5]),
  client('B', [7, 5], [12, 6]),
  client('C', [16, 9], [6, 11]),
  client('D', [6, 2], [5, 3]),
  client('E', [11, 8], [9, 7]),
  client('F', [22, 14], [15, 10]),
  client('G', [10, 4], [8, 8]),
  client('H', [12, 19], [10, 13]),
  client('I', [15, null], [9, 6]),
];

describe('NHS Talking Therapies profile: nine-client cohort', () => {
  const { clients, cohort: figures } = evaluateProfile(NHS_TALKING_THERAPIES_PROFILE, cohort);
  const byId = Object.fromEntries(clients.map((c) => [c.id, c]));

  it('counts 9 clients, 8 complete', () => {
    expect(figures.nClients).toBe(9);
    expect(figures.n).toBe(8);
    expect(figures.completeness).toEqual({ numerator: 8, denominator: 9, value: 8 / 9 });
  });
  it('finds 7 cases at baseline of 8', () => {
    expect(figures.casesAtBaseline).toEqual({ numerator: 7, denominator: 8, value: 7 / 8 });
  });
  it('gives recovery 3/7 and reliable recovery 2/7 over cases only', () => {
    expect(figures.recovered).toEqual({ numerator: 3, denominator: 7, value: 3 / 7 });
    expect(figures.reliablyRecovered).toEqual({ numerator: 2, denominator: 7, value: 2 / 7 });
  });
  it('gives reliably improved 4/8, no reliable change 2/8, reliably deteriorated 2/8', () => {
    expect(figures.reliablyImproved).toEqual({ numerator: 4, denominator: 8, value: 0.5 });
    expect(figures.noReliableChange).toEqual({ numerator: 2, denominator: 8, value: 0.25 });
    expect(figures.reliablyDeteriorated).toEqual({ numerator: 2, denominator: 8, value: 0.25 });
  });
  it('treats B, a case on GAD-7 only, as a case who reliably recovered', () => {
    expect(byId.B).toMatchObject({ caseAtBaseline: true, recovered: true, reliablyRecovered: true });
  });
  it('treats C, better on PHQ-9 and worse on GAD-7, as reliably deteriorated and not recovered', () => {
    expect(byId.C).toMatchObject({ category: 'reliably_deteriorated', recovered: false, reliablyRecovered: false });
  });
  it('leaves D, not a case at baseline, outside the recovery denominator', () => {
    expect(byId.D).toMatchObject({ caseAtBaseline: false, recovered: null, reliablyRecovered: null });
  });
  it('counts a 6-point PHQ-9 drop as reliable and a GAD-7 score of 8 as a case (G)', () => {
    expect(byId.G).toMatchObject({ category: 'reliably_improved', recovered: false });
  });
  it('reports which measure I is missing', () => {
    expect(byId.I).toEqual({ id: 'I', complete: false, missing: ['phq9.total'] });
  });
});

describe('outcome profile: configured as data', () => {
  it('applies a custom single-measure profile with an RCI criterion', () => {
    const profile = {
      id: 'custom',
      source: 'test',
      measures: [
        {
          id: 'who5.total',
          direction: 'higher_is_better',
          cutoff: { value: 13, inclusive: true },
          criterion: { kind: 'rci', sdRef: 10.5, reliability: 0.961 },
        },
      ],
    } as const;
    // 10 → 17: +7 > 5.747681, so reliably improved; 10 is a case, 17 is not: reliably recovered.
    const { cohort } = evaluateProfile(profile, [{ id: 'x', scores: { 'who5.total': { baseline: 10, latest: 17 } } }]);
    expect(cohort.reliablyRecovered).toEqual({ numerator: 1, denominator: 1, value: 1 });
  });
  it('rejects a profile that names a measure twice', () => {
    const measure = NHS_TALKING_THERAPIES_PROFILE.measures[0];
    expect(() => evaluateProfile({ id: 'dup', source: 'test', measures: [measure, measure] }, [])).toThrow(
      'PROFILE.INVALID_MEASURES',
    );
  });
});
