import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AggregationEngine } from '#aggregation';
import { OrgUnitKind, Role } from '#domain';
import { OrgUnitRepository, type OrgUnitRow } from '#persistence';
import {
  buildReportModel,
  periodEnd,
  previousPeriod,
  REPORT_SECTIONS,
  type ReportDefinition,
  type ReportModel,
  ReportSourceReader,
} from '#reports';
import { type TestUser, WorldFactory } from '../factories/world.factory.js';
import { CohortBuilder } from '../integration/aggregation-fixture.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';

/*
 * Breakdown cells against their shown total (docs/aggregation.md, "Breakdown cells"; docs/statistics.md §9), k = 5,
 * period 2026-H1. A hand-made cohort of 40 episodes started in Feb–Mar 2026, two administrations (the world's root
 * "A1" with unit A, team A1 and unit B, and a second root "A2") and two methods:
 *
 *   A1  unit A   M1  female 30-49 ×2 · male 18-29 ×8 · male 30-49 ×10
 *       unit B   M1  female 65+ ×1 · male 50-64 ×3        M2  male 30-49 ×2
 *       team A1  M1  other 30-49 ×4
 *   A2           M2  male 18-29 ×4                         M1  male 30-49 ×3 · other 50-64 ×2 · other 65+ ×1
 *
 * Municipality: all 40 = female 3, male 30, other 7, unknown 0 (the review's example: female 3 alone hidden beside the
 * total 40 gave 40 − 30 − 7 − 0 back); by age 18-29 12, 30-49 21, 50-64 5, 65+ 2. Every client has a PHQ-9 start
 * score; all but five (unit A's men 18-29) a follow-up in May; 24 clients of unit A and B answer a client-experience
 * item. The tests collect every count a politician can read for the period — the API views in every breakdown, their
 * CSV exports, the results page and the politicians' result report — and check with linear algebra that no hidden
 * count is determined by them, and that the API, the export and the report hide the same cells.
 */
const PERIOD = '2026-H1';
const TODAY = '2026-11-30';
const K = 5;
const SEXES = ['female', 'male', 'other', 'unknown'];
const AGES = ['0-17', '18-29', '30-49', '50-64', '65+', 'unknown'];
const DIMS = [SEXES.map((s) => `sex:${s}`), AGES.map((a) => `age:${a}`)];
const CELLS = ['all', ...DIMS.flat()];

let t: TestApp;
let c: CohortBuilder;
let a2: OrgUnitRow;
let methods: Record<'M1' | 'M2', string>;
let politician: TestUser;
let analyst: TestUser;
let head: TestUser;
let phq: string;
let experienceSubject: string;

const as = (u: TestUser) => HttpSession.signIn(t.baseUrl, u.username);

beforeAll(async () => {
  t = await createTestApp();
  c = await new CohortBuilder(t.dataSource).setup();
  const w = c.world;
  a2 = await new OrgUnitRepository(t.dataSource).create(w.municipalityId, {
    parentId: null,
    kind: OrgUnitKind.Administration,
    code: `A2-${w.suffix}`,
    name: 'Förvaltning två',
  });
  methods = { M1: await c.method('M1'), M2: await c.method('M2') };
  const birth: Record<string, number> = { '18-29': 2000, '30-49': 1985, '50-64': 1970, '65+': 1955 };
  const cohort: [OrgUnitRow, 'M1' | 'M2', string, string, number][] = [
    [w.unitA, 'M1', 'female', '30-49', 2],
    [w.unitA, 'M1', 'male', '18-29', 8],
    [w.unitA, 'M1', 'male', '30-49', 10],
    [w.unitB, 'M1', 'female', '65+', 1],
    [w.unitB, 'M1', 'male', '50-64', 3],
    [w.unitB, 'M2', 'male', '30-49', 2],
    [w.teamA1, 'M1', 'other', '30-49', 4],
    [a2, 'M2', 'male', '18-29', 4],
    [a2, 'M1', 'male', '30-49', 3],
    [a2, 'M1', 'other', '50-64', 2],
    [a2, 'M1', 'other', '65+', 1],
  ];
  let n = 0;
  for (const [unit, method, sex, age, count] of cohort) {
    for (let i = 0; i < count; i++, n++) {
      const clientId = await c.client({ unitId: unit.id, sex, birthYear: birth[age]! - (i % 3) });
      const start = `2026-0${2 + (n % 2)}-${String(2 + (n % 20)).padStart(2, '0')}`;
      const e = await c.episode({ clientId, unitId: unit.id, methodId: methods[method], start });
      await c.measure(e, 'start', 0, start, 10 + (n % 13));
      // Unit A's men 18-29 are measured only at baseline (five of them).
      const baselineOnly = unit === w.unitA && sex === 'male' && age === '18-29' && i < 5;
      if (!baselineOnly) await c.measure(e, 'follow_up', 1, `2026-05-${String(2 + (n % 25)).padStart(2, '0')}`, [4, 9, 14, 20, 24][n % 5]!);
      if (unit !== a2 && unit !== w.teamA1) await c.experienceAnswer(e, `2026-05-${String(3 + (n % 25)).padStart(2, '0')}`, 1 + (n % 3));
    }
  }
  await new AggregationEngine(
    t.dataSource,
    async () => undefined,
    () => TODAY,
  ).rebuild(w.municipalityId);
  await t.dataSource.query(`UPDATE outbox SET sent_at = now() WHERE municipality_id = $1`, [w.municipalityId]);
  const f = new WorldFactory(t.dataSource);
  politician = await f.user(w.municipalityId, Role.Politician, w.root);
  analyst = await f.user(w.municipalityId, Role.Analyst, w.root);
  head = await f.user(w.municipalityId, Role.UnitHead, w.root);
  for (const u of [politician, analyst, head])
    await t.dataSource.query(`INSERT INTO membership (user_id, org_unit_id, role) VALUES ($1, $2, $3)`, [u.id, a2.id, u.role]);
  phq = `${c.phq9.id}/phq9_total`;
  experienceSubject = `${c.experience.id}/helped`;
}, 300_000);

afterAll(async () => {
  await t?.close();
});

// ---------------------------------------------------------------------------------------------------------------
// Counts, keyed `<scope>|<figure>|<subject>|<cell>|<measure>`, as a reader sees them.

type Scope = 'mun' | 'a1' | 'a2' | 'M1' | 'M2';
const SCOPES: Scope[] = ['mun', 'a1', 'a2', 'M1', 'M2'];
const key = (scope: Scope, figure: string, subject: string, cell: string, measure: string) =>
  `${scope}|${figure}|${subject}|${cell}|${measure}`;
const scopeUrl = (s: Scope) =>
  s === 'mun'
    ? '/api/v1/aggregates/municipality'
    : s === 'a1'
      ? `/api/v1/aggregates/units/${c.world.root.id}`
      : s === 'a2'
        ? `/api/v1/aggregates/units/${a2.id}`
        : `/api/v1/aggregates/methods/${methods[s]}`;

/** What one source shows: every count slot it has, with null where it shows "..". */
type Shown = Map<string, number | null>;

function put(out: Shown, k: string, v: unknown) {
  if (v === undefined) return;
  const value = v === null || v === '..' ? null : Number(v);
  if (value !== null && !Number.isFinite(value)) throw new Error(`${k}: ${String(v)}`);
  // The same count shown twice by one source must be shown the same way.
  if (out.has(k)) expect({ k, v: out.get(k) }).toEqual({ k, v: value });
  out.set(k, value);
}

/** The counts of an aggregate view (the API's JSON). A cell of the view's dimension that is not listed has no one in it: 0. */
function fromView(scope: Scope, view: any, out: Shown) {
  const dim = view.breakdown === 'sex' ? DIMS[0]! : view.breakdown === 'age' ? DIMS[1]! : [];
  const absent = (listed: { breakdown: string }[]) => dim.filter((cell) => !listed.some((x) => x.breakdown === cell));
  for (const cell of absent(view.episodes)) for (const m of EPISODE_MEASURES) put(out, key(scope, 'ep', '*', cell, m), 0);
  for (const o of view.outcomes)
    if (`${o.instrumentId}/${o.scaleId}` === phq)
      for (const cell of absent(o.cells)) for (const m of OUTCOME_MEASURES) put(out, key(scope, 'out', 'phq', cell, m), 0);
  for (const d of view.distributions)
    if (`${d.instrumentId}/${d.scaleId}` === phq && d.occasion === 'start')
      for (const cell of absent(d.cells)) put(out, key(scope, 'occ', 'phq', cell, 'n'), 0);
  for (const x of view.experience)
    if (`${x.instrumentId}/${x.scaleId}` === experienceSubject)
      for (const cell of absent(x.cells)) put(out, key(scope, 'ans', 'exp', cell, 'n'), 0);
  for (const e of view.episodes) {
    const f = e.figures;
    const at = (m: string) => key(scope, 'ep', '*', e.breakdown, m);
    put(out, at('started'), f.started);
    put(out, at('active'), f.active);
    put(out, at('closed'), f.closed);
    put(out, at('closed'), f.durationDays.n);
    put(out, at('due'), f.completeness?.denominator);
    put(out, at('onTime'), f.completeness?.numerator);
    put(out, at('due'), f.occasionsDone?.denominator);
    put(out, at('done'), f.occasionsDone?.numerator);
  }
  for (const m of view.episodesByMethod) {
    const name = m.methodId === methods.M1 ? 'M1' : 'M2';
    put(out, key(scope, 'ep', name, 'all', 'started'), m.started);
    put(out, key(scope, 'ep', name, 'all', 'active'), m.active);
    put(out, key(scope, 'ep', name, 'all', 'due'), m.completeness?.denominator);
    put(out, key(scope, 'ep', name, 'all', 'onTime'), m.completeness?.numerator);
  }
  for (const o of view.outcomes) {
    if (`${o.instrumentId}/${o.scaleId}` !== phq) continue;
    for (const cell of o.cells) {
      const at = (m: string) => key(scope, 'out', 'phq', cell.breakdown, m);
      const f = cell.figures;
      if (!f) {
        put(out, at('clients'), null);
        continue;
      }
      put(out, at('clients'), f.nClients);
      put(out, at('pairs'), f.nPairs);
      put(out, at('clients'), f.completeness.denominator);
      put(out, at('pairs'), f.completeness.numerator);
      put(out, at('pairs'), f.baseline.n);
      for (const [fig, m] of [
        ['reliablyImproved', 'improved'],
        ['noReliableChange', 'unchanged'],
        ['reliablyDeteriorated', 'deteriorated'],
      ] as const) {
        put(out, at(m), f[fig].numerator);
        put(out, at('pairs'), f[fig].denominator);
      }
      put(out, at('cases'), f.casesAtBaseline.numerator);
      put(out, at('known'), f.casesAtBaseline.denominator);
      put(out, at('recovered'), f.recovered.numerator);
      put(out, at('cases'), f.recovered.denominator);
      put(out, at('relRecovered'), f.reliablyRecovered.numerator);
    }
  }
  for (const d of view.distributions) {
    if (`${d.instrumentId}/${d.scaleId}` !== phq || d.occasion !== 'start') continue;
    for (const cell of d.cells) {
      const at = (m: string) => key(scope, 'occ', 'phq', cell.breakdown, m);
      if (!cell.figures) {
        put(out, at('n'), null);
        continue;
      }
      put(out, at('n'), cell.figures.n);
      put(out, at('cases'), cell.figures.cases.numerator);
      put(out, at('known'), cell.figures.cases.denominator);
      for (const b of cell.figures.bands) put(out, at(`band:${b.band}`), b.n);
    }
  }
  for (const x of view.experience) {
    if (`${x.instrumentId}/${x.scaleId}` !== experienceSubject) continue;
    for (const cell of x.cells) {
      put(out, key(scope, 'ans', 'exp', cell.breakdown, 'n'), cell.n);
      for (const a of cell.answers) put(out, key(scope, 'ans', 'exp', cell.breakdown, `a:${a.answer}`), a.n);
    }
  }
}

/** The counts of a CSV export (section;subject;breakdown;measure;value). */
function fromCsv(scope: Scope, csv: string, out: Shown) {
  const rows = csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n')
    .map((l) => l.split(';'));
  const bands = new Map<string, string>();
  const answers = new Map<string, string>();
  for (const [section, subject, cell, measure, value] of rows) {
    if (section === 'distributions' && /\.band$/.test(measure!)) bands.set(`${subject}|${cell}|${measure!.replace(/\.band$/, '')}`, value!);
    if (section === 'experience' && /\.answer$/.test(measure!))
      answers.set(`${subject}|${cell}|${measure!.replace(/\.answer$/, '')}`, value!);
  }
  const outcomeMeasures: Record<string, string> = {
    nClients: 'clients',
    nPairs: 'pairs',
    'completeness.numerator': 'pairs',
    'completeness.denominator': 'clients',
    'reliablyImproved.numerator': 'improved',
    'noReliableChange.numerator': 'unchanged',
    'reliablyDeteriorated.numerator': 'deteriorated',
    'casesAtBaseline.numerator': 'cases',
    'casesAtBaseline.denominator': 'known',
    'recovered.numerator': 'recovered',
    'reliablyRecovered.numerator': 'relRecovered',
  };
  const episodeMeasures: Record<string, string> = {
    started: 'started',
    active: 'active',
    closed: 'closed',
    'completeness.denominator': 'due',
    'completeness.numerator': 'onTime',
    'occasionsDone.numerator': 'done',
  };
  for (const [section, subject, cell, measure, value] of rows) {
    if (section === 'episodes') {
      const name = subject === '*' ? '*' : subject === methods.M1 ? 'M1' : 'M2';
      if (episodeMeasures[measure!]) put(out, key(scope, 'ep', name, cell!, episodeMeasures[measure!]!), value);
    } else if (section === 'outcomes' && subject === 'phq9/phq9_total') {
      if (measure === 'figures') put(out, key(scope, 'out', 'phq', cell!, 'clients'), null);
      else if (outcomeMeasures[measure!]) put(out, key(scope, 'out', 'phq', cell!, outcomeMeasures[measure!]!), value);
    } else if (section === 'distributions' && subject === 'phq9/phq9_total/start') {
      const band = /^(bands\[\d+\])\.n$/.exec(measure!);
      if (measure === 'figures') put(out, key(scope, 'occ', 'phq', cell!, 'n'), null);
      else if (measure === 'n') put(out, key(scope, 'occ', 'phq', cell!, 'n'), value);
      else if (measure === 'cases.numerator') put(out, key(scope, 'occ', 'phq', cell!, 'cases'), value);
      else if (band) put(out, key(scope, 'occ', 'phq', cell!, `band:${bands.get(`${subject}|${cell}|${band[1]}`)}`), value);
    } else if (section === 'experience' && subject?.endsWith('/helped')) {
      const answer = /^(answers\[\d+\])\.n$/.exec(measure!);
      if (measure === 'n') put(out, key(scope, 'ans', 'exp', cell!, 'n'), value);
      else if (answer) put(out, key(scope, 'ans', 'exp', cell!, `a:${answers.get(`${subject}|${cell}|${answer[1]}`)}`), value);
    }
  }
}

/** The counts of a politicians' report model (tables by id, rows by label; ".." is hidden). */
function fromReport(model: ReportModel, out: Shown) {
  const tables = model.sections.flatMap((s) => s.tables);
  const table = (id: string) => tables.find((x) => x.id === id);
  const cellValue = (text: string) => (text === '..' ? null : text === '–' ? undefined : Number(text.replace(/\s/g, '')));
  const label: Record<string, string> = {
    'sex:female': 'Kvinnor',
    'sex:male': 'Män',
    'sex:other': 'Annat',
    'sex:unknown': 'Okänt',
    'age:18-29': '18–29 år',
    'age:30-49': '30–49 år',
    'age:50-64': '50–64 år',
    'age:65+': '65+ år',
    'age:unknown': 'Okänd ålder',
    'age:0-17': '0–17 år',
    all: 'Totalt',
  };
  for (const [id, cells] of [
    ['interventions-sex', ['all', ...DIMS[0]!]],
    ['interventions-age', ['all', ...DIMS[1]!]],
  ] as const) {
    const rows = table(id)!.rows;
    expect(rows.some((r) => r.label.startsWith('Övriga'))).toBe(false);
    for (const cell of cells) {
      const row = rows.find((r) => r.label === label[cell]);
      if (!row) continue;
      ['started', 'active', 'closed'].forEach((m, i) => put(out, key('mun', 'ep', '*', cell, m), cellValue(row.cells[i]!.text)));
    }
  }
  for (const row of table('interventions-methods')!.rows) {
    const name = row.label === 'Totalt' ? '*' : row.label.endsWith('M1') ? 'M1' : row.label.endsWith('M2') ? 'M2' : null;
    if (name) ['started', 'active', 'closed'].forEach((m, i) => put(out, key('mun', 'ep', name, 'all', m), cellValue(row.cells[i]!.text)));
  }
  const outcomes = tables.find((x) => x.id.startsWith('outcomes-units-'))!;
  for (const row of outcomes.rows) {
    const scope: Scope | null =
      row.label === 'Totalt' ? 'mun' : row.label === 'Socialförvaltningen' ? 'a1' : row.label === 'Förvaltning två' ? 'a2' : null;
    if (!scope) continue;
    put(out, key(scope, 'out', 'phq', 'all', 'clients'), cellValue(row.cells[0]!.text));
    put(out, key(scope, 'out', 'phq', 'all', 'pairs'), cellValue(row.cells[1]!.text));
  }
  const experience = tables.find((x) => x.id.startsWith('experience-'))!;
  for (const row of experience.rows)
    put(out, key('mun', 'ans', 'exp', 'all', row.label === 'Totalt' ? 'n' : `a:${row.label}`), cellValue(row.cells[0]!.text));
}

// ---------------------------------------------------------------------------------------------------------------
// The reader's equations and the rank test.

type Equation = Map<string, number>;
const sum = (parts: string[], total: string): Equation => {
  const eq = new Map<string, number>([[total, -1]]);
  for (const p of parts) eq.set(p, (eq.get(p) ?? 0) + 1);
  return eq;
};

const EPISODE_MEASURES = ['started', 'active', 'closed', 'due', 'onTime', 'done'];
const OUTCOME_MEASURES = [
  'clients',
  'pairs',
  'only',
  'improved',
  'unchanged',
  'deteriorated',
  'known',
  'cases',
  'nonCases',
  'recovered',
  'notRecovered',
  'relRecovered',
  'notRelRecovered',
];

/**
 * What every reader knows about one scope: within a cell, each share's numerator and complement add up to its
 * denominator; each count's cells of a dimension add up to its `all` cell; the methods' counts add up to the total.
 */
function scopeEquations(scope: Scope, bands: string[], answers: string[]): Equation[] {
  const eqs: Equation[] = [];
  const ep = (cell: string, m: string, subject = '*') => key(scope, 'ep', subject, cell, m);
  const out = (cell: string, m: string) => key(scope, 'out', 'phq', cell, m);
  const occ = (cell: string, m: string) => key(scope, 'occ', 'phq', cell, m);
  const ans = (cell: string, m: string) => key(scope, 'ans', 'exp', cell, m);
  for (const cell of CELLS) {
    eqs.push(sum([ep(cell, 'onTime'), ep(cell, 'late')], ep(cell, 'due')), sum([ep(cell, 'done'), ep(cell, 'notDone')], ep(cell, 'due')));
    eqs.push(sum([out(cell, 'pairs'), out(cell, 'only')], out(cell, 'clients')));
    eqs.push(sum([out(cell, 'improved'), out(cell, 'unchanged'), out(cell, 'deteriorated')], out(cell, 'pairs')));
    eqs.push(sum([out(cell, 'cases'), out(cell, 'nonCases')], out(cell, 'known')));
    eqs.push(sum([out(cell, 'recovered'), out(cell, 'notRecovered')], out(cell, 'cases')));
    eqs.push(sum([out(cell, 'relRecovered'), out(cell, 'notRelRecovered')], out(cell, 'cases')));
    eqs.push(sum([...bands.map((b) => occ(cell, `band:${b}`)), occ(cell, 'band:none')], occ(cell, 'n')));
    eqs.push(sum([occ(cell, 'cases'), occ(cell, 'nonCases')], occ(cell, 'known')));
    eqs.push(
      sum(
        answers.map((a) => ans(cell, `a:${a}`)),
        ans(cell, 'n'),
      ),
    );
  }
  const measures: [(cell: string, m: string) => string, string[]][] = [
    [ep, [...EPISODE_MEASURES, 'late', 'notDone']],
    [out, OUTCOME_MEASURES],
    [occ, ['n', 'known', 'cases', 'nonCases', 'band:none', ...bands.map((b) => `band:${b}`)]],
    [ans, ['n', ...answers.map((a) => `a:${a}`)]],
  ];
  for (const [at, ms] of measures)
    for (const m of ms)
      for (const dim of DIMS)
        eqs.push(
          sum(
            dim.map((cell) => at(cell, m)),
            at('all', m),
          ),
        );
  if (scope === 'mun' || scope === 'a1' || scope === 'a2') {
    for (const m of ['started', 'active', 'due', 'onTime']) eqs.push(sum([ep('all', m, 'M1'), ep('all', m, 'M2')], ep('all', m)));
  }
  return eqs;
}

/** What a politician knows across pages about the started and active counts (docs/aggregation.md). */
function linkedEquations(m: 'started' | 'active'): Equation[] {
  const eqs: Equation[] = [];
  for (const scope of SCOPES)
    for (const dim of DIMS)
      eqs.push(
        sum(
          dim.map((cell) => key(scope, 'ep', '*', cell, m)),
          key(scope, 'ep', '*', 'all', m),
        ),
      );
  for (const scope of ['mun', 'a1', 'a2'] as Scope[])
    eqs.push(sum([key(scope, 'ep', 'M1', 'all', m), key(scope, 'ep', 'M2', 'all', m)], key(scope, 'ep', '*', 'all', m)));
  // The municipality is A1 + A2 (two roots), per cell and per method.
  for (const cell of CELLS) eqs.push(sum([key('a1', 'ep', '*', cell, m), key('a2', 'ep', '*', cell, m)], key('mun', 'ep', '*', cell, m)));
  for (const name of ['M1', 'M2'])
    eqs.push(sum([key('a1', 'ep', name, 'all', m), key('a2', 'ep', name, 'all', m)], key('mun', 'ep', name, 'all', m)));
  // A method's page: its total is its count on the municipality's row; the pages add up to the municipality per cell.
  for (const name of ['M1', 'M2'] as Scope[]) eqs.push(sum([key(name, 'ep', '*', 'all', m)], key('mun', 'ep', name, 'all', m)));
  for (const cell of CELLS) eqs.push(sum([key('M1', 'ep', '*', cell, m), key('M2', 'ep', '*', cell, m)], key('mun', 'ep', '*', cell, m)));
  return eqs;
}

/** The unknowns the equations fix, given the known values: x is fixed iff e_x lies in the row space (one RREF). */
function determined(equations: Equation[], known: ReadonlyMap<string, number | null>): Set<string> {
  const isKnown = (x: string) => typeof known.get(x) === 'number';
  const unknown = [...new Set(equations.flatMap((eq) => [...eq.keys()]))].filter((x) => !isKnown(x)).sort();
  const col = new Map(unknown.map((x, i) => [x, i]));
  const m = equations.map((eq) => {
    const row = new Array<number>(unknown.length).fill(0);
    for (const [x, a] of eq) if (col.has(x)) row[col.get(x)!]! += a;
    return row;
  });
  const pivots: number[] = [];
  let r = 0;
  for (let j = 0; j < unknown.length && r < m.length; j++) {
    const p = m.findIndex((row, i) => i >= r && Math.abs(row[j]!) > 1e-9);
    if (p < 0) continue;
    [m[r], m[p]] = [m[p]!, m[r]!];
    const pivot = m[r]![j]!;
    m[r] = m[r]!.map((v) => v / pivot);
    for (let i = 0; i < m.length; i++) {
      if (i === r) continue;
      const f = m[i]![j]!;
      if (Math.abs(f) > 1e-12) m[i] = m[i]!.map((v, c2) => v - f * m[r]![c2]!);
    }
    pivots.push(j);
    r++;
  }
  const out = new Set<string>();
  pivots.forEach((j, i) => {
    if (m[i]!.every((v, c2) => c2 === j || Math.abs(v) < 1e-9)) out.add(unknown[j]!);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------------

async function viewsOf(user: TestUser): Promise<Map<string, any>> {
  const s = await as(user);
  const views = new Map<string, any>();
  for (const scope of SCOPES) {
    for (const breakdown of ['all', 'sex', 'age']) {
      const res = await s.get(`${scopeUrl(scope)}?period=${PERIOD}&breakdown=${breakdown}`);
      expect(res.status).toBe(200);
      views.set(`${scope}:${breakdown}`, res.body);
    }
  }
  return views;
}

async function exportsOf(user: TestUser): Promise<Map<string, string>> {
  const s = await as(user);
  const out = new Map<string, string>();
  for (const scope of SCOPES) {
    for (const breakdown of ['all', 'sex', 'age']) {
      const res = await s.get(
        `${scopeUrl(scope).replace('/aggregates/', '/exports/aggregates/')}?format=csv&period=${PERIOD}&breakdown=${breakdown}`,
      );
      expect(res.status).toBe(200);
      out.set(`${scope}:${breakdown}`, String(res.body));
    }
  }
  return out;
}

async function politicianReport(): Promise<ReportModel> {
  const definition: ReportDefinition = {
    id: '00000000-0000-4000-8000-000000000002',
    municipalityId: c.world.municipalityId,
    name: 'Resultatrapport',
    scopeKind: 'municipality',
    scopeId: c.world.municipalityId,
    audience: 'politicians',
    periodKind: 'half_year',
    sections: [...REPORT_SECTIONS],
    language: 'sv',
    active: true,
    createdBy: head.id,
  };
  const source = await new ReportSourceReader(t.dataSource).read(definition, PERIOD, previousPeriod(PERIOD), periodEnd(PERIOD));
  return buildReportModel(source);
}

/** The true counts (a unit head of the whole municipality sees them unsuppressed), with the derived ones. */
async function truth(): Promise<Map<string, number>> {
  const shown: Shown = new Map();
  for (const [name, view] of await viewsOf(head)) fromView(name.split(':')[0] as Scope, view, shown);
  const out = new Map([...shown].map(([k, v]) => [k, v!]));
  for (const [k, v] of [...out]) {
    const [scope, figure, subject, cell, measure] = k.split('|') as [Scope, string, string, string, string];
    const at = (m: string) => out.get(key(scope, figure, subject, cell, m)) ?? 0;
    if (figure === 'ep' && measure === 'due')
      out
        .set(key(scope, figure, subject, cell, 'late'), v - at('onTime'))
        .set(key(scope, figure, subject, cell, 'notDone'), v - at('done'));
    if (figure === 'out' && measure === 'clients') out.set(key(scope, figure, subject, cell, 'only'), v - at('pairs'));
    if (figure === 'out' && measure === 'known') out.set(key(scope, figure, subject, cell, 'nonCases'), v - at('cases'));
    if (figure === 'out' && measure === 'cases')
      out
        .set(key(scope, figure, subject, cell, 'notRecovered'), v - at('recovered'))
        .set(key(scope, figure, subject, cell, 'notRelRecovered'), v - at('relRecovered'));
  }
  return out;
}

let politicianSeen: { api: Shown; csv: Shown; report: Shown; all: Shown } | null = null;
async function seenByPolitician() {
  if (politicianSeen) return politicianSeen;
  const api: Shown = new Map();
  const csv: Shown = new Map();
  const report: Shown = new Map();
  for (const [name, view] of await viewsOf(politician)) fromView(name.split(':')[0] as Scope, view, api);
  for (const [name, text] of await exportsOf(politician)) fromCsv(name.split(':')[0] as Scope, text, csv);
  fromReport(await politicianReport(), report);
  const all: Shown = new Map();
  for (const src of [api, csv, report]) for (const [k, v] of src) if (v !== null || !all.has(k)) all.set(k, v);
  politicianSeen = { api, csv, report, all };
  return politicianSeen;
}

/** Asserts that no hidden slot is determined and that no determined count lies in 1…k−1. */
function expectNothingGivenBack(equations: Equation[], seen: Shown, real: Map<string, number>, label: string) {
  const fixed = determined(equations, seen);
  const hiddenSlots = [...seen].filter(([, v]) => v === null).map(([k]) => k);
  expect({ label, givenBack: hiddenSlots.filter((k) => fixed.has(k)) }).toEqual({ label, givenBack: [] });
  const small = [...fixed].filter((k) => (real.get(k) ?? 0) > 0 && real.get(k)! < K);
  expect({ label, small }).toEqual({ label, small: [] });
}

describe('breakdown cells are suppressed with a second cell against their shown total', () => {
  it('the review’s example: female 3 beside male 30, other 7, unknown 0 and the total 40 is hidden with other', async () => {
    const view = (await viewsOf(politician)).get('mun:sex');
    for (const m of ['started', 'active']) {
      // unknown has no one in it: not listed (0)
      const cells = Object.fromEntries(view.episodes.map((e: any) => [e.breakdown, e.figures[m]]));
      expect(cells).toEqual({ all: 40, 'sex:female': null, 'sex:male': 30, 'sex:other': null });
    }
    // A hidden cell hides every figure resting on it.
    const female = view.episodes.find((e: any) => e.breakdown === 'sex:female').figures;
    expect(female.completeness).toEqual({ numerator: null, denominator: null, value: null, suppressed: true });
    // The view without a breakdown shows the same total.
    expect((await viewsOf(politician)).get('mun:all').episodes[0].figures.started).toBe(40);
  });

  it('the results page shows the same: ".." for women and other sex, 30 men', async () => {
    const res = await (await as(politician)).get(`/resultat?period=${PERIOD}&uppdelning=kon`);
    expect(res.status).toBe(200);
    // The first episodes table is the municipality's (its rows have no data-figure cells, unlike the outcome tables).
    const started = (label: string) =>
      new RegExp(`<th scope="row">${label}</th><td class="num">([\\s\\S]*?)</td>`).exec(String(res.body))![1]!;
    expect(started('Kvinnor')).toContain('data-suppressed');
    expect(started('Annat kön')).toContain('data-suppressed');
    expect(started('Män').trim()).toBe('30');
    expect(started('Alla').trim()).toBe('40');
  });

  it('the API and the CSV export hide the same cells; the report hides every one of them, its breakdown cells exactly', async () => {
    const { api, csv, report } = await seenByPolitician();
    let compared = 0;
    for (const [k, v] of csv) {
      if (!api.has(k)) continue;
      compared++;
      expect({ k, csv: v }).toEqual({ k, csv: api.get(k) });
    }
    expect(compared).toBeGreaterThan(500);
    compared = 0;
    for (const [k, v] of report) {
      if (!api.has(k)) continue;
      compared++;
      const [, figure, , cell] = k.split('|');
      // The report's tables of episodes by sex and age are the views' cells: the same. Elsewhere the report solves
      // its own tables too (units against the municipality), so it may hide more, never less.
      if (figure === 'ep' && cell !== 'all') expect({ k, report: v }).toEqual({ k, report: api.get(k) });
      else if (api.get(k) === null) expect({ k, report: v }).toEqual({ k, report: null });
      else if (v !== null) expect({ k, report: v }).toEqual({ k, report: api.get(k) });
    }
    expect(compared).toBeGreaterThan(25);
    expect(report.get(key('mun', 'ep', '*', 'sex:female', 'started'))).toBeNull();
    expect(report.get(key('mun', 'ep', '*', 'sex:other', 'started'))).toBeNull();
    expect(report.get(key('mun', 'ep', '*', 'sex:male', 'started'))).toBe(30);
  });

  it('a trend’s point for the period is the view’s `all` cell (solved with the same breakdown cells)', async () => {
    const s = await as(politician);
    for (const scope of ['mun', 'a2'] as Scope[]) {
      const trend = (await s.get(`${scopeUrl(scope)}/trends?subject=${phq}`)).body;
      const point = trend.outcome.find((o: any) => o.period === PERIOD).figures;
      const view = (await s.get(`${scopeUrl(scope)}?period=${PERIOD}&breakdown=sex`)).body;
      const all = view.outcomes
        .find((o: any) => `${o.instrumentId}/${o.scaleId}` === phq)
        .cells.find((x: any) => x.breakdown === 'all').figures;
      expect(point).toEqual(all);
      const start = trend.occasions.find((o: any) => o.period === PERIOD && o.occasion === 'start');
      const dist = view.distributions.find((d: any) => d.occasion === 'start').cells.find((x: any) => x.breakdown === 'all').figures;
      expect(start).toEqual({ period: PERIOD, occasion: 'start', ...dist });
    }
  });

  for (const m of ['started', 'active'] as const) {
    it(`${m}: no hidden count is determined by everything a politician can read, across the municipality, administrations and method pages`, async () => {
      const { all } = await seenByPolitician();
      const real = await truth();
      expectNothingGivenBack(linkedEquations(m), all, real, m);
      // Every shown count is the true one.
      for (const [k, v] of all) if (v !== null && k.endsWith(`|${m}`)) expect({ k, v }).toEqual({ k, v: real.get(k) ?? 0 });
      // The test has teeth: with "other" shown (as before), female is 40 − 30 − 7 − 0.
      const before = new Map(all).set(key('mun', 'ep', '*', 'sex:other', m), 7);
      expect(determined(linkedEquations(m), before).has(key('mun', 'ep', '*', 'sex:female', m))).toBe(true);
    });
  }

  it('every figure of every scope: no hidden count is determined within the scope (cells, shares, bands, answers)', async () => {
    const { all } = await seenByPolitician();
    const real = await truth();
    const bands = [
      ...new Set(
        [...real.keys()]
          .filter((k) => k.includes('|occ|'))
          .map((k) => /\|band:(\d+)$/.exec(k)?.[1])
          .filter((b): b is string => !!b),
      ),
    ];
    const answers = [
      ...new Set(
        [...real.keys()]
          .filter((k) => k.includes('|ans|'))
          .map((k) => /\|a:(\w+)$/.exec(k)?.[1])
          .filter((a): a is string => !!a),
      ),
    ];
    expect(bands.length).toBeGreaterThan(1);
    expect(answers.sort()).toEqual(['1', '2', '3']);
    for (const scope of SCOPES) {
      const seen = new Map([...all].filter(([k]) => k.startsWith(`${scope}|`)));
      expectNothingGivenBack(scopeEquations(scope, bands, answers), seen, real, scope);
    }
    // Every shown count is the true one, and none lies in 1…4.
    for (const [k, v] of all) {
      if (v === null) continue;
      expect({ k, v }).toEqual({ k, v: real.get(k) ?? 0 });
      expect({ k, small: v > 0 && v < K }).toEqual({ k, small: false });
    }
  });

  it('an analyst with k = 10 gets the same rules with their own k, table by table', async () => {
    await t.dataSource.query(
      `INSERT INTO aggregation_setting (municipality_id, k_analyst) VALUES ($1, 10) ON CONFLICT (municipality_id) DO UPDATE SET k_analyst = 10`,
      [c.world.municipalityId],
    );
    try {
      const s = await as(analyst);
      const res = await s.get(`/api/v1/aggregates/municipality?period=${PERIOD}&breakdown=age`);
      expect(res.body.suppression).toEqual({ k: 10, shownAs: '..' });
      const started = Object.fromEntries(res.body.episodes.map((e: any) => [e.breakdown, e.figures.started]));
      // 18-29 12, 30-49 21, 50-64 5, 65+ 2: 5 and 2 are below 10 (two hidden cells protect each other).
      expect(started).toEqual({ all: 40, 'age:18-29': 12, 'age:30-49': 21, 'age:50-64': null, 'age:65+': null });
      const sex = Object.fromEntries(
        (await s.get(`/api/v1/aggregates/municipality?period=${PERIOD}&breakdown=sex`)).body.episodes.map((e: any) => [
          e.breakdown,
          e.figures.started,
        ]),
      );
      // female 3 and other 7 below 10: hidden together, nothing more.
      expect(sex).toEqual({ all: 40, 'sex:female': null, 'sex:male': 30, 'sex:other': null });
      const seen: Shown = new Map();
      for (const b of ['all', 'sex', 'age'])
        fromView('mun', (await s.get(`/api/v1/aggregates/municipality?period=${PERIOD}&breakdown=${b}`)).body, seen);
      const real = await truth();
      const bands = [...new Set([...real.keys()].map((k) => /^mun\|occ\|.*\|band:(\d+)$/.exec(k)?.[1]).filter((b): b is string => !!b))];
      const fixed = determined(scopeEquations('mun', bands, ['1', '2', '3']), seen);
      expect([...seen].filter(([k, v]) => v === null && fixed.has(k))).toEqual([]);
      for (const [k, v] of seen) if (v !== null) expect({ k, small: v > 0 && v < 10 }).toEqual({ k, small: false });
    } finally {
      await t.dataSource.query(`DELETE FROM aggregation_setting WHERE municipality_id = $1`, [c.world.municipalityId]);
    }
  });
});
