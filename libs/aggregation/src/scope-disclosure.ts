import { type CountGate, type CountLine, type Share, suppressLines, type Summary } from '#statistics';
import { BREAKDOWN_DIMENSIONS, breakdownCountKey, type LinkedEpisodeCounts, methodCountKey, type SuppressedShare } from './disclosure.js';
import type { episodeFigures, OutcomeFigures } from './figures.js';

/** A stored figure as the solve reads it (scope and period are the caller's). */
export interface DisclosureFigureRow {
  figure: 'outcome' | 'occasion' | 'episodes' | 'answers';
  subject: string;
  breakdownKey: string;
  stats: Record<string, unknown>;
}

/** Decides whether a count is hidden before the rules run (the politicians' solve across pages). */
export type ForcedHidden = (figure: DisclosureFigureRow['figure'], subject: string, cell: string, measure: string) => boolean;

/** The counts of one cell of one figure, the equations among them and the count of people the others rest on. */
interface CellCounts {
  counts: Map<string, number>;
  lines: [parts: string[], total: string][];
  people: string;
}

const count = (v: unknown): number => {
  const n = Number(v ?? 0);
  return Number.isFinite(n) && n > 0 ? Math.round(n) : 0;
};

/**
 * The counts each figure publishes per cell (their names are the report's, libs/reports report-model.ts, so a report
 * hides what the views hide). Every share is a line numerator + complement = denominator; every count but the
 * people's is gated on the people (hidden with them).
 */
function episodeCounts(s: Record<string, unknown>, perMethod: boolean): CellCounts {
  const due = count(s.occ_due);
  const onTime = Math.min(due, count(s.occ_on_time));
  const counts = new Map<string, number>([
    ['active', count(s.n_active)],
    ['started', count(s.n_started)],
    ['due', due],
    ['onTime', onTime],
    ['late', due - onTime],
  ]);
  const lines: CellCounts['lines'] = [[['onTime', 'late'], 'due']];
  // A method's row shows its started and active counts and completeness only.
  if (perMethod) return { counts, lines, people: 'active' };
  const done = Math.min(due, count(s.occ_done));
  const goals = count(s.n_goals);
  const measurable = Math.min(goals, count(s.n_goals_measurable));
  const assessed = count(s.n_goals_assessed);
  const attained = Math.min(assessed, count(s.n_goals_attained));
  for (const [k, v] of [
    ['closed', count(s.n_closed)],
    ['done', done],
    ['notDone', due - done],
    ['goalEps', count(s.goal_eps)],
    ['goals', goals],
    ['measurable', measurable],
    ['notMeasurable', goals - measurable],
    ['assessed', assessed],
    ['attained', attained],
    ['notAttained', assessed - attained],
    ['gasN', count(s.gas_n)],
  ] as const)
    counts.set(k, v);
  lines.push([['done', 'notDone'], 'due'], [['measurable', 'notMeasurable'], 'goals'], [['attained', 'notAttained'], 'assessed']);
  return { counts, lines, people: 'active' };
}

function outcomeCounts(s: Record<string, unknown>): CellCounts {
  const clients = count(s.n_clients);
  const pairs = Math.min(clients, count(s.n_pairs));
  const counts = new Map<string, number>([
    ['clients', clients],
    ['pairs', pairs],
    ['only', clients - pairs],
  ]);
  const lines: CellCounts['lines'] = [[['pairs', 'only'], 'clients']];
  if (s.has_criterion === true || s.has_criterion === 'true') {
    const improved = Math.min(pairs, count(s.n_improved));
    const deteriorated = Math.min(pairs - improved, count(s.n_deteriorated));
    counts
      .set('improved', improved)
      .set('deteriorated', deteriorated)
      .set('unchanged', pairs - improved - deteriorated);
    lines.push([['improved', 'unchanged', 'deteriorated'], 'pairs']);
  }
  if (s.has_cutoff === true || s.has_cutoff === 'true') {
    const known = count(s.n_case_known);
    const cases = Math.min(known, count(s.n_case));
    const recovered = Math.min(cases, count(s.n_recovered));
    const relRecovered = Math.min(cases, count(s.n_rel_recovered));
    counts
      .set('known', known)
      .set('cases', cases)
      .set('nonCases', known - cases);
    counts
      .set('recovered', recovered)
      .set('notRecovered', cases - recovered)
      .set('relRecovered', relRecovered)
      .set('notRelRecovered', cases - relRecovered);
    lines.push([['cases', 'nonCases'], 'known'], [['recovered', 'notRecovered'], 'cases'], [['relRecovered', 'notRelRecovered'], 'cases']);
  }
  return { counts, lines, people: 'clients' };
}

function occasionCounts(s: Record<string, unknown>): CellCounts {
  const n = count(s.n);
  const known = Math.min(n, count(s.n_case_known));
  const cases = Math.min(known, count(s.n_case));
  const counts = new Map<string, number>([
    ['n', n],
    ['known', known],
    ['cases', cases],
    ['nonCases', known - cases],
  ]);
  const lines: CellCounts['lines'] = [[['cases', 'nonCases'], 'known']];
  const bands = Object.entries((s.bands ?? {}) as Record<string, unknown>).map(([b, v]) => [`band:${b}`, count(v)] as const);
  for (const [b, v] of bands) counts.set(b, v);
  const inBands = bands.reduce((x, [, v]) => x + v, 0);
  // Scores outside every band: not shown, but n minus the bands gives them, so they are a cell of the line.
  counts.set('band:none', Math.max(0, n - inBands));
  lines.push([[...bands.map(([b]) => b), 'band:none'], 'n']);
  return { counts, lines, people: 'n' };
}

function answerCounts(s: Record<string, unknown>): CellCounts {
  const answers = Object.entries((s.answers ?? {}) as Record<string, unknown>).map(([a, v]) => [`a:${a}`, count(v)] as const);
  const counts = new Map<string, number>([['n', count(s.n)], ...answers]);
  return { counts, lines: [[answers.map(([a]) => a), 'n']], people: 'n' };
}

const CELLS = ['all', ...BREAKDOWN_DIMENSIONS.sex, ...BREAKDOWN_DIMENSIONS.age];
const entryKey = (figure: string, subject: string, cell: string, measure: string) => `${figure}|${subject}|${cell}|${measure}`;

/**
 * Small-number suppression of one scope and period for an audience with k (docs/aggregation.md, "Breakdown cells"):
 * every figure's `all` cell and its cells by sex and by age band are solved together, with `suppressLines` of
 * #statistics, so
 * - within a cell, each share's numerator and complement add up to its denominator, the reliable-change categories to
 *   the pairs, pairs and baseline-only clients to the clients, the bands and the answers to their n;
 * - across cells, each count's cells of a dimension add up to its `all` cell (female + male + other + unknown = all):
 *   a cell with 0 < n < k is hidden, and where it is the only hidden non-zero entry of such a line the smallest shown
 *   non-zero cell is hidden too (`suppressBreakdown`'s rules, for every count at once);
 * - a cell whose number of people is hidden hides every figure resting on it (gates: the active episodes, the clients
 *   of an outcome, the n of a distribution or an item);
 * - the per-method rows of the scope's episode counts add up to its total the same way.
 * Every view of the scope and period (any breakdown asked for), its exports, trends and the politicians' reports read
 * their hidden cells from this one solution, so no two of them can be combined to give a hidden cell back.
 */
export class ScopeDisclosure {
  private constructor(private readonly entries: Map<string, { value: number; hidden: boolean }>) {}

  static solve(rows: readonly DisclosureFigureRow[], k: number, forced: ForcedHidden = () => false): ScopeDisclosure {
    const entries = new Map<string, { value: number; hidden: boolean }>();
    const groups = new Map<string, DisclosureFigureRow[]>();
    for (const r of rows) {
      const g = r.figure === 'episodes' ? 'episodes' : `${r.figure}|${r.subject}`;
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g)!.push(r);
    }
    for (const group of groups.values()) solveGroup(group, k, forced, entries);
    return new ScopeDisclosure(entries);
  }

  /** The published count: null when hidden (and for a count the solve does not know: hidden when unsure). */
  value(figure: DisclosureFigureRow['figure'], subject: string, cell: string, measure: string): number | null {
    const e = this.entries.get(entryKey(figure, subject, cell, measure));
    return e && !e.hidden ? e.value : null;
  }

  isHidden(figure: DisclosureFigureRow['figure'], subject: string, cell: string, measure: string): boolean {
    return this.entries.get(entryKey(figure, subject, cell, measure))?.hidden ?? false;
  }

  /** Every hidden count (for a report to hide it too). */
  hiddenEntries(): { figure: DisclosureFigureRow['figure']; subject: string; cell: string; measure: string }[] {
    return [...this.entries]
      .filter(([, e]) => e.hidden)
      .map(([key]) => {
        const [figure, subject, cell, ...measure] = key.split('|');
        return { figure: figure as DisclosureFigureRow['figure'], subject: subject!, cell: cell!, measure: measure.join('|') };
      });
  }
}

/**
 * The counts of a scope's page that the politicians' linked solve hides (`linkedEpisodeCounts`): the started and
 * active totals by cell, and the per-method counts. A method's page (`method:<id>`) has the method's count on the
 * municipality's row as its total.
 */
export function linkedForcedHidden(linked: LinkedEpisodeCounts, municipalityId: string, scopeKey: string): ForcedHidden {
  const municipalityKey = `municipality:${municipalityId}`;
  const has = (measure: 'started' | 'active', key: string) => linked[measure].has(key);
  return (figure, subject, cell, measure) => {
    if (figure !== 'episodes' || (measure !== 'started' && measure !== 'active')) return false;
    if (subject !== '*') return cell === 'all' && has(measure, methodCountKey(scopeKey, subject));
    if (cell !== 'all') return has(measure, breakdownCountKey(scopeKey, cell));
    return scopeKey.startsWith('method:')
      ? has(measure, methodCountKey(municipalityKey, scopeKey.slice('method:'.length)))
      : has(measure, methodCountKey(scopeKey, '*'));
  };
}

function solveGroup(
  rows: readonly DisclosureFigureRow[],
  k: number,
  forced: ForcedHidden,
  out: Map<string, { value: number; hidden: boolean }>,
): void {
  const { figure } = rows[0]!;
  const values: number[] = [];
  const index = new Map<string, number>();
  const lines: CountLine[] = [];
  const gates: CountGate[] = [];
  const forcedIdx: number[] = [];
  const add = (subject: string, cell: string, measure: string, value: number) => {
    const key = entryKey(figure, subject, cell, measure);
    const i = values.push(value) - 1;
    index.set(key, i);
    if (forced(figure, subject, cell, measure)) forcedIdx.push(i);
    return i;
  };
  const line = (cells: number[], total: number) => {
    const sum = cells.reduce((s, i) => s + values[i]!, 0);
    // Counts that do not add up (should not happen: the cells are grouping sets of the same rows) are a known sum.
    lines.push(sum === values[total] ? { cells, total } : { cells: [...cells, total], total: null });
  };

  const subjects = [...new Set(rows.map((r) => r.subject))].sort();
  const totalSubject = figure === 'episodes' ? '*' : subjects[0]!;
  const countsOf = (r: DisclosureFigureRow) =>
    r.figure === 'episodes'
      ? episodeCounts(r.stats, r.subject !== '*')
      : r.figure === 'outcome'
        ? outcomeCounts(r.stats)
        : r.figure === 'occasion'
          ? occasionCounts(r.stats)
          : answerCounts(r.stats);

  // The cells of the total subject (all, sex, age), and the per-method rows of the episodes (breakdown all only).
  const byCell = new Map(rows.filter((r) => r.subject === totalSubject).map((r) => [r.breakdownKey, countsOf(r)]));
  const all = byCell.get('all');
  if (!all) return;
  const measures = [...new Set([...byCell.values()].flatMap((c) => [...c.counts.keys()]))];
  for (const cell of byCell.size > 1 ? CELLS : ['all']) {
    const c = byCell.get(cell);
    // A breakdown cell with nothing stored is a row of zeros: it is published as 0 and still a cell of each line.
    for (const m of measures) add(totalSubject, cell, m, c?.counts.get(m) ?? 0);
    const at = (m: string) => index.get(entryKey(figure, totalSubject, cell, m))!;
    for (const [parts, total] of (c ?? all).lines) line(parts.map(at), at(total));
    // Started counts are people too, and solved across pages with the active ones (politicians): not gated.
    for (const m of measures) if (m !== all.people && m !== 'started') gates.push({ entry: at(m), on: at(all.people) });
  }
  // Later occasions' distributions are stored for `all` only (docs/aggregation.md, "Breakdowns"): no cells to solve.
  const brokenDown = byCell.size > 1;
  for (const m of brokenDown ? measures : []) {
    const total = index.get(entryKey(figure, totalSubject, 'all', m))!;
    for (const dim of Object.values(BREAKDOWN_DIMENSIONS))
      line(
        dim.map((cell) => index.get(entryKey(figure, totalSubject, cell, m))!),
        total,
      );
  }
  if (figure === 'episodes') {
    const methods = rows.filter((r) => r.subject !== '*' && r.breakdownKey === 'all');
    const methodMeasures = ['started', 'active', 'due', 'onTime', 'late'];
    for (const r of methods) {
      const c = countsOf(r);
      for (const m of methodMeasures) add(r.subject, 'all', m, c.counts.get(m) ?? 0);
      const at = (m: string) => index.get(entryKey(figure, r.subject, 'all', m))!;
      line([at('onTime'), at('late')], at('due'));
      // A method's occasion counts hint at its size: hidden with either of its counts.
      for (const m of ['due', 'onTime', 'late']) gates.push({ entry: at(m), on: at('active') }, { entry: at(m), on: at('started') });
    }
    if (methods.length > 0) {
      for (const m of methodMeasures)
        line(
          methods.map((r) => index.get(entryKey(figure, r.subject, 'all', m))!),
          index.get(entryKey(figure, '*', 'all', m))!,
        );
    }
  }
  const solved = suppressLines(values, lines, { k, hidden: forcedIdx, gates });
  for (const [key, i] of index) out.set(key, { value: values[i]!, hidden: solved[i]!.value === null });
}

// ---------------------------------------------------------------------------------------------------------------
// The figures of a cell as a suppressed audience sees them (the shapes of the aggregate views).

const HIDDEN_SHARE: SuppressedShare = { numerator: null, denominator: null, value: null, suppressed: true };

/** A share shown when its numerator and denominator are; a hidden numerator leaves the shown denominator. */
function shareOf(
  d: ScopeDisclosure,
  at: (m: string) => [DisclosureFigureRow['figure'], string, string, string],
  s: Share | null,
  num: string,
  den: string,
): SuppressedShare | null {
  if (!s) return null;
  const denominator = d.value(...at(den));
  if (denominator === null) return { ...HIDDEN_SHARE };
  if (d.value(...at(num)) === null) return { numerator: null, denominator, value: null, suppressed: true };
  return { ...s, suppressed: false };
}

/** A mean, SD over n people: shown when n is (a shown n is 0 or at least k). */
function summaryOn(n: number | null, s: Summary): Summary & { suppressed: boolean } {
  return n === null ? { n: null as unknown as number, mean: null, sd: null, suppressed: true } : { ...s, suppressed: false };
}

/** The episode figures of one cell (subject `*`). */
export function disclosedEpisodes(d: ScopeDisclosure, cell: string, f: ReturnType<typeof episodeFigures>) {
  const at = (m: string): [DisclosureFigureRow['figure'], string, string, string] => ['episodes', '*', cell, m];
  const v = (m: string) => d.value(...at(m));
  return {
    active: v('active'),
    started: v('started'),
    closed: v('closed'),
    durationDays: summaryOn(v('closed'), f.durationDays),
    completeness: shareOf(d, at, f.completeness, 'onTime', 'due'),
    occasionsDone: shareOf(d, at, f.occasionsDone, 'done', 'due'),
    goals: {
      episodes: v('goalEps'),
      goals: v('goals'),
      measurable: shareOf(d, at, f.goals.measurable, 'measurable', 'goals'),
      attained: shareOf(d, at, f.goals.attained, 'attained', 'assessed'),
      gasT: summaryOn(v('gasN'), f.goals.gasT),
    },
  };
}

/** A method's row of the scope's episode counts. */
export function disclosedMethodRow(d: ScopeDisclosure, methodId: string, completeness: Share) {
  const at = (m: string): [DisclosureFigureRow['figure'], string, string, string] => ['episodes', methodId, 'all', m];
  return {
    started: d.value(...at('started')),
    active: d.value(...at('active')),
    completeness: shareOf(d, at, completeness, 'onTime', 'due'),
  };
}

/** True when a cell's number of people is hidden: the whole cell is shown as "..". */
export function cellHidden(d: ScopeDisclosure, figure: DisclosureFigureRow['figure'], subject: string, cell: string): boolean {
  const people = figure === 'outcome' ? 'clients' : figure === 'episodes' ? 'active' : 'n';
  return d.isHidden(figure, subject, cell, people);
}

/** The outcome figures of one cell: every figure resting on a hidden count hidden with it. */
export function disclosedOutcome(d: ScopeDisclosure, subject: string, cell: string, f: OutcomeFigures) {
  const at = (m: string): [DisclosureFigureRow['figure'], string, string, string] => ['outcome', subject, cell, m];
  const pairs = d.value(...at('pairs'));
  const clients = d.value(...at('clients'));
  return {
    nClients: clients,
    nPairs: pairs,
    // Completeness is pairs / clients, both shown beside it: hidden with either.
    completeness: shareOf(d, at, f.completeness, 'pairs', 'clients'),
    baseline: summaryOn(pairs, f.baseline),
    latest: summaryOn(pairs, f.latest),
    change: summaryOn(pairs, f.change),
    effectSize: pairs === null ? { computable: false as const, n: null, reason: 'suppressed' as const } : f.effectSize,
    reliablyImproved: shareOf(d, at, f.reliablyImproved, 'improved', 'pairs'),
    noReliableChange: shareOf(d, at, f.noReliableChange, 'unchanged', 'pairs'),
    reliablyDeteriorated: shareOf(d, at, f.reliablyDeteriorated, 'deteriorated', 'pairs'),
    casesAtBaseline: shareOf(d, at, f.casesAtBaseline, 'cases', 'known'),
    recovered: shareOf(d, at, f.recovered, 'recovered', 'cases'),
    reliablyRecovered: shareOf(d, at, f.reliablyRecovered, 'relRecovered', 'cases'),
  };
}

/** A score distribution of one cell: n with mean and SD, caseness, counts per band. */
export function disclosedOccasion(
  d: ScopeDisclosure,
  subject: string,
  cell: string,
  f: { n: number; mean: number | null; sd: number | null; cases: Share; bands: { band: number; n: number }[] },
) {
  const at = (m: string): [DisclosureFigureRow['figure'], string, string, string] => ['occasion', subject, cell, m];
  return {
    ...summaryOn(d.value(...at('n')), { n: f.n, mean: f.mean, sd: f.sd }),
    cases: shareOf(d, at, f.cases, 'cases', 'known'),
    bands: f.bands.map((b) => ({ band: b.band, n: d.value(...at(`band:${b.band}`)) })),
  };
}

/** Answer counts of one client-experience item in one cell, with their shares of n. */
export function disclosedAnswers(d: ScopeDisclosure, subject: string, cell: string, s: { n: number; answers: Record<string, number> }) {
  const at = (m: string): [DisclosureFigureRow['figure'], string, string, string] => ['answers', subject, cell, m];
  const n = d.value(...at('n'));
  const entries = Object.entries(s.answers).sort(([a], [b]) => Number(a) - Number(b));
  return {
    n,
    answers: entries.map(([answer, count]) => {
      const shown = n === null ? null : d.value(...at(`a:${answer}`));
      return { answer, n: shown, share: shown === null ? null : Number(count) / Number(s.n) };
    }),
  };
}
