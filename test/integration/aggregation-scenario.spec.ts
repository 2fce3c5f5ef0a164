import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { AggregationEngine, episodeFigures, occasionFigures, outcomeFigures } from '#aggregation';
import { gasTScore, groupOutcomeSummary, PHQ9_RULES_FOR_TEST } from './aggregation-rules.js';
import { openTestDataSource } from '../utils/database.js';
import { CohortBuilder } from './aggregation-fixture.js';

/*
 * A hand-computed cohort on PHQ-9 (reliable change: 6 points; case: ≥ 10; higher is worse), reference date 2025-12-15.
 *
 *  client  unit    sex      born  age band  baseline (date)    latest (date, kind)        change  category       case→case  recovered
 *  c1      teamA1  female   1990  30-49     20 (2025-01-10)    12 (2025-07-10 follow-up)  −8      improved       yes→yes    no
 *  c2      unitA   female   1985  30-49     15 (2025-01-20)     4 (2025-08-01 close)      −11     improved       yes→no     yes (reliably)
 *  c3      unitA   male     1960  65+        8 (2025-02-01)    16 (2025-09-01 follow-up)  +8      deteriorated   no         –
 *  c4      unitA   male     2000  18-29     12 (2025-02-10)    10 (2025-10-01 follow-up)  −2      no change      yes→yes    no
 *  c5      unitA   female   1995  30-49     22 (2025-02-15)     9 (2025-11-01 follow-up)  −13     improved       yes→no     yes (reliably)
 *  c6      unitA   unknown  –     unknown   18 (2025-03-01)    –                          –       (no pair)
 *  c7      unitB   female   1970  50-64     10 (2025-03-10)     3 (2025-09-15 follow-up)  −7      improved       yes→no     yes (reliably)
 *
 * Unit A subtree (c1–c6), 2025, all: n clients 6, n pairs 5 (completeness 5/6).
 *   baselines 20, 15, 8, 12, 22: Σ 77, mean 15.4; deviations² 21.16 + 0.16 + 54.76 + 11.56 + 43.56 = 131.2, SD √(131.2/4) = 5.727128
 *   latests 12, 4, 16, 10, 9: mean 10.2; change mean (−8 −11 +8 −2 −13)/5 = −5.2
 *   improved 3/5, no change 1/5, deteriorated 1/5; cases at baseline 4/5 (all but c3)
 *   recovered 2/4 (c2, c5), reliably recovered 2/4; d = 5.2 / 5.727128 = 0.907961
 * Unit A, 2025-H1: only c6 (anchored at its baseline date): 1 client, 0 pairs. 2025-H2: 5 clients, 5 pairs.
 * Unit A, sex:female: c1, c2, c5 → 3 clients, 3 pairs; sex:male 2; sex:unknown 1. age:30-49: 3.
 * Municipality (root): 7 clients, 6 pairs; improved 4/6.
 * c1's goals: GAS levels +1 and 0 → T = 50 + 10·1/√(0.7·2 + 0.3·4) = 56.201737.
 */
let ds: DataSource;
let c: CohortBuilder;
let engine: AggregationEngine;
const REF = '2025-12-15';

async function figure(scope: string, period: string, breakdown: string, kind: string, subject: string) {
  const [row] = await ds.query(
    `SELECT stats FROM aggregate_figure WHERE scope_key = $1 AND period_key = $2 AND breakdown_key = $3 AND figure = $4 AND subject = $5`,
    [scope, period, breakdown, kind, subject],
  );
  return row?.stats;
}

beforeAll(async () => {
  ds = await openTestDataSource();
  c = await new CohortBuilder(ds).setup();
  engine = new AggregationEngine(ds, async () => undefined, () => REF);
  const { unitA, teamA1, unitB } = c.world;
  const rows: [string, string, number | null, [string, number], [string, number, 'follow_up' | 'close'] | null][] = [
    [teamA1.id, 'female', 1990, ['2025-01-10', 20], ['2025-07-10', 12, 'follow_up']],
    [unitA.id, 'female', 1985, ['2025-01-20', 15], ['2025-08-01', 4, 'close']],
    [unitA.id, 'male', 1960, ['2025-02-01', 8], ['2025-09-01', 16, 'follow_up']],
    [unitA.id, 'male', 2000, ['2025-02-10', 12], ['2025-10-01', 10, 'follow_up']],
    [unitA.id, 'female', 1995, ['2025-02-15', 22], ['2025-11-01', 9, 'follow_up']],
    [unitA.id, 'unknown', null, ['2025-03-01', 18], null],
    [unitB.id, 'female', 1970, ['2025-03-10', 10], ['2025-09-15', 3, 'follow_up']],
  ];
  const episodes: string[] = [];
  for (const [unitId, sex, birthYear, [startOn, base], latest] of rows) {
    const clientId = await c.client({ unitId, sex, birthYear });
    const e = await c.episode({ clientId, unitId, start: startOn, close: latest?.[2] === 'close' ? latest[0] : null });
    episodes.push(e);
    await c.measure(e, 'start', 0, startOn, base);
    if (latest) await c.measure(e, latest[2], latest[2] === 'close' ? 0 : 1, latest[0], latest[1]);
  }
  await c.goal(episodes[0]!, '2025-07-10', 1);
  await c.goal(episodes[0]!, '2025-07-10', 0);
  await c.experienceAnswer(episodes[1]!, '2025-08-01', 3);
  await c.experienceAnswer(episodes[4]!, '2025-11-01', 2);
  await engine.rebuild(c.world.municipalityId);
});

afterAll(async () => {
  await ds?.destroy();
});

describe('group figures of a hand-computed cohort', () => {
  const phq = () => `${c.phq9.id}/phq9_total`;

  it('unit A subtree, 2025, all clients', async () => {
    const f = outcomeFigures(await figure(`unit:${c.world.unitA.id}`, '2025', 'all', 'outcome', phq()));
    expect(f.nClients).toBe(6);
    expect(f.nPairs).toBe(5);
    expect(f.completeness).toEqual({ numerator: 5, denominator: 6, value: 5 / 6 });
    expect(f.baseline.mean).toBeCloseTo(15.4, 10);
    expect(f.baseline.sd).toBeCloseTo(5.727128, 6);
    expect(f.latest.mean).toBeCloseTo(10.2, 10);
    expect(f.change.mean).toBeCloseTo(-5.2, 10);
    expect(f.reliablyImproved).toEqual({ numerator: 3, denominator: 5, value: 0.6 });
    expect(f.noReliableChange).toEqual({ numerator: 1, denominator: 5, value: 0.2 });
    expect(f.reliablyDeteriorated).toEqual({ numerator: 1, denominator: 5, value: 0.2 });
    expect(f.casesAtBaseline).toEqual({ numerator: 4, denominator: 5, value: 0.8 });
    expect(f.recovered).toEqual({ numerator: 2, denominator: 4, value: 0.5 });
    expect(f.reliablyRecovered).toEqual({ numerator: 2, denominator: 4, value: 0.5 });
    expect(f.effectSize.computable && f.effectSize.d).toBeCloseTo(0.907961, 5);
  });

  it('equals groupOutcomeSummary of the statistics library on the same pairs', async () => {
    const f = outcomeFigures(await figure(`unit:${c.world.unitA.id}`, '2025', 'all', 'outcome', phq()));
    const lib = groupOutcomeSummary(
      [[20, 12], [15, 4], [8, 16], [12, 10], [22, 9], [18, null]].map(([b, l]) => ({ baseline: b, latest: l })),
      PHQ9_RULES_FOR_TEST,
    );
    expect(f.nClients).toBe(lib.nClients);
    expect(f.reliablyImproved).toEqual(lib.reliablyImproved);
    expect(f.recovered).toEqual(lib.recovered);
    expect(f.baseline.sd).toBeCloseTo(lib.baseline.sd!, 10);
    expect(f.change.sd).toBeCloseTo(lib.change.sd!, 10);
    if (!f.effectSize.computable || !lib.effectSize.computable) throw new Error('effect size not computable');
    expect(f.effectSize.d).toBeCloseTo(lib.effectSize.d, 10);
    expect(f.effectSize.ciLow).toBeCloseTo(lib.effectSize.ciLow, 10);
    expect(f.effectSize.r12).toBeCloseTo(lib.effectSize.r12, 10);
  });

  it('periods: H1 holds the client without a pair, H2 the pairs, R12 everyone', async () => {
    const h1 = outcomeFigures(await figure(`unit:${c.world.unitA.id}`, '2025-H1', 'all', 'outcome', phq()));
    expect([h1.nClients, h1.nPairs]).toEqual([1, 0]);
    const h2 = outcomeFigures(await figure(`unit:${c.world.unitA.id}`, '2025-H2', 'all', 'outcome', phq()));
    expect([h2.nClients, h2.nPairs]).toEqual([5, 5]);
    const r12 = outcomeFigures(await figure(`unit:${c.world.unitA.id}`, 'R12', 'all', 'outcome', phq()));
    expect(r12.nClients).toBe(6);
  });

  it('breakdowns by sex and age band', async () => {
    const unit = `unit:${c.world.unitA.id}`;
    const n = async (b: string) => {
      const s = await figure(unit, '2025', b, 'outcome', phq());
      return s ? [s.n_clients, s.n_pairs] : null;
    };
    expect(await n('sex:female')).toEqual([3, 3]);
    expect(await n('sex:male')).toEqual([2, 2]);
    expect(await n('sex:unknown')).toEqual([1, 0]);
    expect(await n('age:30-49')).toEqual([3, 3]);
    expect(await n('age:65+')).toEqual([1, 1]);
    expect(await n('age:18-29')).toEqual([1, 1]);
    expect(await n('age:unknown')).toEqual([1, 0]);
    expect(await n('age:50-64')).toBeNull();
  });

  it('unit subtrees and the municipality roll up the org tree', async () => {
    const team = outcomeFigures(await figure(`unit:${c.world.teamA1.id}`, '2025', 'all', 'outcome', phq()));
    expect([team.nClients, team.nPairs]).toEqual([1, 1]);
    const b = outcomeFigures(await figure(`unit:${c.world.unitB.id}`, '2025', 'all', 'outcome', phq()));
    expect([b.nClients, b.nPairs]).toEqual([1, 1]);
    const all = outcomeFigures(await figure(`unit:${c.world.root.id}`, '2025', 'all', 'outcome', phq()));
    expect([all.nClients, all.nPairs, all.reliablyImproved?.numerator]).toEqual([7, 6, 4]);
    const muni = await figure(`municipality:${c.world.municipalityId}`, '2025', 'all', 'outcome', phq());
    expect(muni).toEqual(await figure(`unit:${c.world.root.id}`, '2025', 'all', 'outcome', phq()));
    const method = await figure(`method:${c.methodId}`, '2025', 'all', 'outcome', phq());
    expect(method.n_clients).toBe(7);
  });

  it('baseline distribution (question 1): severity bands and caseness at the start occasion', async () => {
    const f = occasionFigures(await figure(`unit:${c.world.unitA.id}`, '2025', 'all', 'occasion', `${phq()}/start`));
    // baselines 20, 15, 8, 12, 22, 18 → bands 5–9: 1 (8), 10–14: 1 (12), 15–19: 2 (15, 18), 20–27: 2 (20, 22)
    expect(f.n).toBe(6);
    expect(f.bands).toEqual([
      { band: 1, n: 1 },
      { band: 2, n: 1 },
      { band: 3, n: 2 },
      { band: 4, n: 2 },
    ]);
    expect(f.cases).toEqual({ numerator: 5, denominator: 6, value: 5 / 6 });
  });

  it('episodes, completeness and goals (questions 2 and 4)', async () => {
    const f = episodeFigures(await figure(`unit:${c.world.unitA.id}`, '2025', 'all', 'episodes', '*'));
    expect(f.started).toBe(6);
    expect(f.closed).toBe(1);
    // occasions due in 2025 up to the reference date: 6 starts + 4 follow-ups + 2 closes (c2's, and the close occasion
    // at which c5 answered the client-experience questionnaire); goal occasions are 'extra' and excluded; all on time
    expect(f.completeness).toEqual({ numerator: 12, denominator: 12, value: 1 });
    expect(f.goals.gasT.n).toBe(1);
    expect(f.goals.gasT.mean).toBeCloseTo(gasTScore([1, 0]), 10);
    expect(f.goals.gasT.mean).toBeCloseTo(56.201737, 5);
  });

  it('client experience (question 6): shares per answer, no reliable change', async () => {
    const s = await figure(`unit:${c.world.unitA.id}`, '2025', 'all', 'answers', `${c.experience.id}/helped`);
    expect(s).toEqual({ n: 2, answers: { '2': 1, '3': 1 } });
  });
});

describe('per-client classification in SQL equals the statistics library', () => {
  it('RCI criterion (threshold 5.747681), exclusive cut-off, prorated scores, corrections', async () => {
    // Pairs around the reliable-change threshold 1.96 × 10.5 × √2 × √(1 − 0.961) = 5.747681 and the cut-off 20 (exclusive).
    const pairs: [number, number][] = [
      [30, 24.25], [30, 24.26], [20, 26], [20.5, 14.7], [21, 20], [19.999, 26.5], [40, 34.252319], [12.375, 18.125],
    ];
    const episodes: string[] = [];
    for (const [b, l] of pairs) {
      const clientId = await c.client({ unitId: c.world.unitB.id, sex: 'female', birthYear: 1980 });
      const e = await c.episode({ clientId, unitId: c.world.unitB.id, start: '2025-04-01' });
      episodes.push(e);
      await c.measure(e, 'start', 0, '2025-04-01', b, 'custom');
      await c.measure(e, 'follow_up', 1, '2025-10-01', l + 3, 'custom');
      await c.measure(e, 'follow_up', 1, '2025-10-01', l, 'custom'); // a correction: the current revision counts
    }
    await engine.rebuild(c.world.municipalityId);
    const rows: any[] = await ds.query(
      `SELECT episode_id, baseline, latest, category, rci, case_at_baseline, case_at_latest, recovered, reliably_recovered
         FROM aggregate_client_scale WHERE episode_id = ANY($1) AND instrument_id = $2`,
      [episodes, c.custom.id],
    );
    expect(rows).toHaveLength(pairs.length);
    const { classifyRecovery } = await import('#statistics');
    for (const [i, [b, l]] of pairs.entries()) {
      const row = rows.find((r) => r.episode_id === episodes[i])!;
      const lib = classifyRecovery({
        baseline: b,
        latest: l,
        direction: 'higher_is_worse',
        cutoff: { value: 20, inclusive: false },
        criterion: { kind: 'rci', sdRef: 10.5, reliability: 0.961 },
      });
      expect([Number(row.baseline), Number(row.latest)]).toEqual([b, l]);
      expect(row.category).toBe(lib.change.category);
      expect(Number(row.rci)).toBeCloseTo(lib.change.rci!, 12);
      expect([row.case_at_baseline, row.case_at_latest, row.recovered, row.reliably_recovered]).toEqual([
        lib.caseAtBaseline,
        lib.caseAtLatest,
        lib.recovered,
        lib.reliablyRecovered,
      ]);
    }
  });
});
