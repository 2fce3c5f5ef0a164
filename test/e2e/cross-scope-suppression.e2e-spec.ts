import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AggregationEngine } from '#aggregation';
import { addMonths, OrgUnitKind, Role, swedishToday } from '#domain';
import { OrgUnitRepository, type OrgUnitRow } from '#persistence';
import { type TestUser, WorldFactory } from '../factories/world.factory.js';
import { CohortBuilder } from '../integration/aggregation-fixture.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';

/*
 * Suppression across scopes for politicians (docs/aggregation.md, "Suppression across scopes"), k = 5, period R12.
 * A hand-made cohort: two administrations (the world's root "A1" with unit A, team A1 and unit B below it, and a
 * second root "A2"), three methods, episodes started three months ago (so started = active in R12):
 *
 *              M1   M2   M3   total
 *   A1          3    5    5     13
 *   A2          0    1    4      5
 *   municipality 3   6    9     18
 *
 * On the municipality's row M1 (3) is hidden and so, to protect it, M2 (6). Before this change M2's own page showed
 * 6 beside the total 18 and M3's 9, giving back M1 = 18 − 6 − 9 = 3; and the administrations' rows, suppressed one
 * by one, gave back A2's M2 (1) through M3's column. The tests collect every count a politician can read for R12 —
 * the API views, their CSV exports, the results page and the evidence view — and check with linear algebra that
 * no hidden count is determined by them.
 */
const PERIOD = 'R12';
let t: TestApp;
let c: CohortBuilder;
let a2: OrgUnitRow;
let methods: Record<'M1' | 'M2' | 'M3', string>;
let politician: TestUser;
let head: TestUser;

const as = (u: TestUser) => HttpSession.signIn(t.baseUrl, u.username);

beforeAll(async () => {
  t = await createTestApp();
  c = await new CohortBuilder(t.dataSource).setup();
  const w = c.world;
  a2 = await new OrgUnitRepository(t.dataSource).create(w.municipalityId, { parentId: null, kind: OrgUnitKind.Administration, code: `A2-${w.suffix}`, name: 'Förvaltning två' });
  await t.dataSource.query(`UPDATE org_unit SET name = 'Förvaltning ett' WHERE id = $1`, [w.root.id]);
  methods = { M1: await c.method('M1'), M2: await c.method('M2'), M3: await c.method('M3') };
  const start = addMonths(swedishToday(), -3);
  const cohort: [OrgUnitRow, keyof typeof methods, number][] = [
    [w.unitA, 'M1', 2],
    [w.teamA1, 'M1', 1],
    [w.unitA, 'M2', 3],
    [w.unitB, 'M2', 2],
    [a2, 'M2', 1],
    [w.unitB, 'M3', 5],
    [a2, 'M3', 4],
  ];
  for (const [unit, method, n] of cohort) {
    for (let i = 0; i < n; i++) {
      const clientId = await c.client({ unitId: unit.id, sex: i % 2 ? 'male' : 'female', birthYear: 1970 + i });
      await c.episode({ clientId, unitId: unit.id, methodId: methods[method], start });
    }
  }
  await new AggregationEngine(t.dataSource, async () => undefined).rebuild(w.municipalityId);
  await t.dataSource.query(`UPDATE outbox SET sent_at = now() WHERE municipality_id = $1`, [w.municipalityId]);
  const f = new WorldFactory(t.dataSource);
  // Readers of the whole municipality: a membership in each administration.
  politician = await f.user(w.municipalityId, Role.Politician, w.root);
  head = await f.user(w.municipalityId, Role.UnitHead, w.root);
  for (const u of [politician, head]) await t.dataSource.query(`INSERT INTO membership (user_id, org_unit_id, role) VALUES ($1, $2, $3)`, [u.id, a2.id, u.role]);
});

afterAll(async () => {
  await t?.close();
});

// ---------------------------------------------------------------------------------------------------------------
// What a reader can compute: unknowns are the counts not shown, equations are the table rows and columns.

type Measure = 'started' | 'active';
const SUBJECTS = ['M1', 'M2', 'M3', '*'] as const;
const SCOPES = ['mun', 'a1', 'a2'] as const;
type Cell = `${(typeof SCOPES)[number]}|${(typeof SUBJECTS)[number]}`;
const CELLS: Cell[] = SCOPES.flatMap((s) => SUBJECTS.map((m) => `${s}|${m}` as Cell));

/** The equations every reader knows: each row adds up to its total, and the municipality is A1 + A2 (two roots). */
function equations(): Map<Cell, number>[] {
  const rows = SCOPES.map((s) => new Map<Cell, number>([...(['M1', 'M2', 'M3'] as const).map((m) => [`${s}|${m}` as Cell, 1] as const), [`${s}|*` as Cell, -1]]));
  const columns = SUBJECTS.map((m) => new Map<Cell, number>([[`mun|${m}` as Cell, 1], [`a1|${m}` as Cell, -1], [`a2|${m}` as Cell, -1]]));
  return [...rows, ...columns];
}

function rank(matrix: number[][]): number {
  const m = matrix.map((r) => [...r]);
  let r = 0;
  for (let col = 0; col < (m[0]?.length ?? 0) && r < m.length; col++) {
    const pivot = m.findIndex((row, i) => i >= r && Math.abs(row[col]!) > 1e-9);
    if (pivot < 0) continue;
    [m[r], m[pivot]] = [m[pivot]!, m[r]!];
    for (let i = 0; i < m.length; i++) {
      if (i === r) continue;
      const f = m[i]![col]! / m[r]![col]!;
      if (f !== 0) m[i] = m[i]!.map((v, j) => v - f * m[r]![j]!);
    }
    r++;
  }
  return r;
}

/** The unknown cells whose value the equations fix, given the known ones (x is fixed iff e_x lies in the row space). */
function determined(known: Map<Cell, number>): Cell[] {
  const unknown = CELLS.filter((x) => !known.has(x));
  const a = equations().map((eq) => unknown.map((x) => eq.get(x) ?? 0)).filter((row) => row.some((v) => v !== 0));
  const base = rank(a);
  return unknown.filter((x, i) => rank([...a, unknown.map((_, j) => (j === i ? 1 : 0))]) === base);
}

/** Records a published count, checking every source that shows the same cell shows the same value. */
function publish(known: Map<Cell, number>, cell: Cell, value: unknown, source: string) {
  if (value === null || value === undefined || value === '..') return;
  const v = Number(value);
  expect({ cell, source, value: v }).toEqual({ cell, source, value: known.get(cell) ?? v });
  known.set(cell, v);
}

const scopeOf = (key: string): (typeof SCOPES)[number] => (key === 'municipality' ? 'mun' : key === c.world.root.id ? 'a1' : 'a2');
const subjectOf = (id: string): (typeof SUBJECTS)[number] => (Object.entries(methods).find(([, v]) => v === id)?.[0] as 'M1' | 'M2' | 'M3' | undefined) ?? '*';

async function politicianCounts(measure: Measure): Promise<{ known: Map<Cell, number>; views: Record<string, any> }> {
  const s = await as(politician);
  const known = new Map<Cell, number>();
  const views: Record<string, any> = {};
  const urls: [string, string][] = [
    ['municipality', '/api/v1/aggregates/municipality'],
    [c.world.root.id, `/api/v1/aggregates/units/${c.world.root.id}`],
    [a2.id, `/api/v1/aggregates/units/${a2.id}`],
  ];
  for (const [key, url] of urls) {
    for (const breakdown of ['all', 'sex', 'age']) {
      const res = await s.get(`${url}?period=${PERIOD}&breakdown=${breakdown}`);
      expect(res.status).toBe(200);
      views[`${key}:${breakdown}`] = res.body;
      publish(known, `${scopeOf(key)}|*`, res.body.episodes.find((e: any) => e.breakdown === 'all')?.figures[measure], `${url} ${breakdown}`);
      for (const m of res.body.episodesByMethod) publish(known, `${scopeOf(key)}|${subjectOf(m.methodId)}`, m[measure], `${url} ${breakdown}`);
    }
  }
  for (const [name, id] of Object.entries(methods)) {
    for (const breakdown of ['all', 'sex']) {
      const res = await s.get(`/api/v1/aggregates/methods/${id}?period=${PERIOD}&breakdown=${breakdown}`);
      expect(res.status).toBe(200);
      views[`method:${name}:${breakdown}`] = res.body;
      publish(known, `mun|${name as 'M1'}`, res.body.episodes.find((e: any) => e.breakdown === 'all')?.figures[measure], `method ${name} ${breakdown}`);
    }
  }
  // The CSV exports of the same views.
  const exports: [string, string][] = [...urls.map(([key, url]) => [key, url.replace('/aggregates/', '/exports/aggregates/')] as [string, string]), ...Object.values(methods).map((id) => [`method:${id}`, `/api/v1/exports/aggregates/methods/${id}`] as [string, string])];
  for (const [key, url] of exports) {
    const res = await s.get(`${url}?format=csv&period=${PERIOD}`);
    expect(res.status).toBe(200);
    const rows = String(res.body).replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(';'));
    for (const [section, subject, breakdown, m, value] of rows) {
      if (section !== 'episodes' || breakdown !== 'all' || m !== measure) continue;
      const scope = key.startsWith('method:') ? 'mun' : scopeOf(key);
      const sub = key.startsWith('method:') ? subjectOf(key.slice(7)) : subjectOf(subject!);
      publish(known, `${scope}|${sub}`, value, `export ${url}`);
    }
  }
  return { known, views };
}

describe('politicians: per-method counts are suppressed together across the municipality, administrations and methods', () => {
  for (const measure of ['started', 'active'] as const) {
    it(`${measure}: no count a politician cannot see can be computed from everything they can see`, async () => {
      const { known } = await politicianCounts(measure);
      // M1 is below k everywhere it is non-zero, and nothing gives it (or any other hidden count) back.
      for (const cell of ['mun|M1', 'a1|M1', 'a2|M2'] as Cell[]) expect(known.has(cell)).toBe(false);
      expect(determined(known)).toEqual([]);
      // Every shown count is the true one, and no shown count is 1–4.
      const truth: Record<Cell, number> = {
        'mun|M1': 3, 'mun|M2': 6, 'mun|M3': 9, 'mun|*': 18,
        'a1|M1': 3, 'a1|M2': 5, 'a1|M3': 5, 'a1|*': 13,
        'a2|M1': 0, 'a2|M2': 1, 'a2|M3': 4, 'a2|*': 5,
      };
      for (const [cell, v] of known) {
        expect({ cell, v }).toEqual({ cell, v: truth[cell] });
        expect(v === 0 || v >= 5).toBe(true);
      }
      // The test has teeth: M2's own count (what its page used to show beside the total) gives M1 back.
      const before = new Map(known).set('mun|M2', 6);
      expect(determined(before)).toContain('mun|M1');
    });
  }

  it('a hidden method’s own page answers 200 with its figures withheld and a bilingual reason, in every breakdown', async () => {
    const { views } = await politicianCounts('started');
    const mun = views['municipality:all'];
    const hidden = mun.episodesByMethod.filter((m: any) => m.started === null).map((m: any) => subjectOf(m.methodId)).sort();
    expect(hidden).toEqual(['M1', 'M2']);
    // Their occasion counts (completeness) would hint at their size: hidden with them.
    for (const m of mun.episodesByMethod.filter((x: any) => x.started === null)) expect(m.completeness).toEqual({ numerator: null, denominator: null, value: null, suppressed: true });
    for (const name of ['M1', 'M2']) {
      for (const breakdown of ['all', 'sex']) {
        const v = views[`method:${name}:${breakdown}`];
        expect(v.withheld).toEqual({ code: 'AGGREGATE.METHOD_WITHHELD', message: { sv: expect.stringContaining('kommunen'), en: expect.stringContaining('municipality') } });
        expect([v.episodes, v.episodesByMethod, v.outcomes, v.distributions, v.experience]).toEqual([[], [], [], [], []]);
        expect(v.suppression).toEqual({ k: 5, shownAs: '..' });
      }
    }
    expect(views['method:M3:all'].withheld).toBeNull();
    expect(views['method:M3:all'].episodes[0].figures.started).toBe(9);
  });

  it('the CSV export of a withheld method says so and holds no count', async () => {
    const res = await (await as(politician)).get(`/api/v1/exports/aggregates/methods/${methods.M2}?format=csv&period=${PERIOD}`);
    expect(res.status).toBe(200);
    expect(String(res.body)).toContain('scope;;;withheld;AGGREGATE.METHOD_WITHHELD');
    expect(String(res.body)).not.toMatch(/^episodes;/m);
  });

  it('the results page shows the reason in place of a hidden method’s figures', async () => {
    const res = await (await as(politician)).get(`/resultat?period=${PERIOD}`);
    expect(res.status).toBe(200);
    const sections = String(res.body).split('<h3');
    const section = (name: string) => sections.find((x) => x.includes(`>Metod ${name}`))!;
    for (const name of ['M1', 'M2']) {
      expect(section(name)).toContain('data-withheld');
      expect(section(name)).not.toContain('<table');
    }
    expect(section('M3')).not.toContain('data-withheld');
    expect(section('M3')).toContain('<table');
  });

  it('the evidence view withholds a hidden method’s figures from data (their n is its count) and suppresses the others’ shares', async () => {
    const s = await as(politician);
    const hidden = await s.get(`/api/v1/aggregates/evidence?methodId=${methods.M1}`);
    expect(hidden.status).toBe(200);
    expect(hidden.body.withheld.code).toBe('AGGREGATE.METHOD_WITHHELD');
    expect(hidden.body.questions.every((q: any) => q.figure === null)).toBe(true);
    const shown = await s.get(`/api/v1/aggregates/evidence?methodId=${methods.M3}`);
    expect(shown.body.withheld).toBeNull();
    for (const q of shown.body.questions) {
      const share = q.figure?.share;
      if (share && !share.suppressed) expect(share.denominator === 0 || share.denominator >= 5).toBe(true);
      if (share && share.numerator !== null && share.denominator !== null) {
        for (const n of [share.numerator, share.denominator - share.numerator]) expect(n === 0 || n >= 5).toBe(true);
      }
    }
    const page = await s.get(`/oversikt/evidens/${methods.M1}`);
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain('data-withheld');
  });

  it('staff with access to the individuals see every method in full (suppression is the politicians’)', async () => {
    const s = await as(head);
    const m2 = await s.get(`/api/v1/aggregates/methods/${methods.M2}?period=${PERIOD}`);
    expect(m2.body).toMatchObject({ audience: 'staff', withheld: null, suppression: null });
    expect(m2.body.episodes[0].figures.started).toBe(6);
    const mun = await s.get(`/api/v1/aggregates/municipality?period=${PERIOD}`);
    expect(mun.body.episodesByMethod.map((m: any) => m.started).sort((x: number, y: number) => x - y)).toEqual([3, 6, 9]);
  });
});
