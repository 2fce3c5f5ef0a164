import { AGE_BANDS, EVIDENCE_QUESTIONS, linkedForcedHidden, outcomeFigures, ScopeDisclosure, SEXES } from '#aggregation';
import { SUPPRESSED, ReportFormat } from './format.js';
import { DisclosureSolver } from './disclosure-solver.js';
import type { ReportSection } from './definitions.js';
import { periodEnd, periodStart } from './definitions.js';
import { mainScopeKey, type ReportSource, type ScopedFigure } from './report-source.js';
import { reportTexts, type ReportTexts } from './texts.js';

export interface Cell {
  text: string;
  numeric: boolean;
  suppressed: boolean;
}
export interface TableRow {
  label: string;
  level: number;
  total: boolean;
  cells: Cell[];
}
export interface Table {
  id: string;
  caption: string;
  columns: string[];
  rows: TableRow[];
}
export interface Bar {
  label: string;
  /** Segments, each a share 0…1 (percent charts) or a count; null = suppressed. */
  segments: { value: number | null; text: string; tone: number }[];
}
export interface Chart {
  id: string;
  title: string;
  tableId: string;
  kind: 'count' | 'percent';
  legend: string[];
  bars: Bar[];
}
export interface ModelSection {
  key: ReportSection;
  title: string;
  paragraphs: string[];
  caveats: string[];
  charts: Chart[];
  tables: Table[];
  link?: { href: string; text: string };
}
export interface ReportModel {
  language: 'sv' | 'en';
  title: string;
  subtitle: string;
  periodLabel: string;
  periodRange: string;
  previousLabel: string;
  audience: string;
  suppression: string | null;
  asOf: string;
  contentsLabel: string;
  footer: string;
  sections: ModelSection[];
}

/** Completeness below this share gets the missing-data caveat beside the figure. */
export const LOW_COMPLETENESS = 0.6;

const key = (...parts: string[]) => parts.join('|');

/**
 * Builds a report's content from its source: the seven questions' tables and charts, every figure with its n,
 * suppressed for politicians over the whole document at once (DisclosureSolver). Pure and deterministic: the same
 * source gives the same model (fixed ordering by code and path, fixed number formatting).
 */
export function buildReportModel(src: ReportSource): ReportModel {
  return new ModelBuilder(src).build();
}

interface RowRef {
  id: string;
  label: string;
  level: number;
  scopeKey: string;
  subject: string;
}

class ModelBuilder {
  private readonly t: ReportTexts;
  private readonly f: ReportFormat;
  private readonly solver: DisclosureSolver;
  private readonly main: string;
  private readonly byKey = new Map<string, ScopedFigure>();
  private readonly k: number | null;

  constructor(private readonly src: ReportSource) {
    this.t = reportTexts(src.definition.language);
    this.f = new ReportFormat(src.definition.language);
    this.k = src.definition.audience === 'politicians' ? src.k : null;
    this.solver = new DisclosureSolver(this.k);
    this.main = mainScopeKey(src.definition);
    for (const fig of src.figures) this.byKey.set(key(fig.scopeKey, fig.periodKey, fig.figure, fig.subject, fig.breakdownKey), fig);
  }

  build(): ReportModel {
    const { t, f, src } = this;
    const periods = [src.periodKey, src.previousKey];
    const sections: ModelSection[] = [];
    if (src.methodWithheldFor.length > 0) {
      // Every figure of a method report rests on the method's count, hidden in the municipality's figures for
      // these periods: only the texts without figures and the reason are shown.
      for (const s of src.definition.sections.filter((x) => x === 'how_to_read' || x === 'definitions')) sections.push(this.section(s)!);
      const reason = t('text.method_withheld', { periods: src.methodWithheldFor.map((p) => this.periodLabel(p)).join(', '), k: src.k });
      sections.splice(sections[0]?.key === 'how_to_read' ? 1 : 0, 0, { key: 'interventions', title: t('section.interventions'), paragraphs: [reason], caveats: [], charts: [], tables: [] });
    } else {
      // Register every published count and equation of both periods before anything is formatted.
      for (const p of periods) this.registerEpisodes(p);
      for (const p of periods) this.registerOutcomes(p);
      this.registerNeeds(src.periodKey);
      this.registerExperience(src.periodKey);
      this.registerEvidence();
      this.hideWhatTheViewsHide();
      for (const s of src.definition.sections) {
        const built = this.section(s);
        if (built) sections.push(built);
      }
    }
    const scopeName =
      src.definition.scopeKind === 'municipality' ? `${src.municipalityName}` : `${t(`scope.${src.definition.scopeKind}` as never)} ${src.scope.name}, ${src.municipalityName}`;
    return {
      language: src.definition.language,
      title: `${t('report.title')} ${t('report.for')} ${this.periodLabel(src.periodKey)}`,
      subtitle: `${src.definition.name} — ${scopeName}`,
      periodLabel: this.periodLabel(src.periodKey),
      periodRange: `${f.day(periodStart(src.periodKey))} – ${f.day(periodEnd(src.periodKey))}`,
      previousLabel: this.periodLabel(src.previousKey),
      audience: t(src.definition.audience === 'politicians' ? 'report.audience.politicians' : 'report.audience.management'),
      suppression: this.k === null ? null : t('report.suppression', { k: this.k }),
      asOf: src.dataAsOf ? `${t('report.asOf')}: ${f.moment(src.dataAsOf)}` : t('report.asOfUnknown'),
      contentsLabel: t('report.contents'),
      footer: `Mätpunkt — ${src.definition.name} — ${this.periodLabel(src.periodKey)}`,
      sections,
    };
  }

  // ---------- figure access ----------

  private stats(scopeKey: string, period: string, figure: string, subject: string, breakdown = 'all'): Record<string, any> | null {
    return (this.byKey.get(key(scopeKey, period, figure, subject, breakdown))?.stats as Record<string, any>) ?? null;
  }

  private periodLabel(p: string): string {
    const y = p.slice(0, 4);
    if (p.endsWith('-H1')) return this.t('period.H1', { y });
    if (p.endsWith('-H2')) return this.t('period.H2', { y });
    return this.t('period.year', { y });
  }

  /** Method rows (per-method subjects of the main scope's episode figures) and unit rows. */
  private methodRows(period: string): RowRef[] {
    if (this.src.definition.scopeKind === 'method') return [];
    const ids = new Set(this.src.figures.filter((x) => x.scopeKey === this.main && x.periodKey === period && x.figure === 'episodes' && x.subject !== '*' && x.breakdownKey === 'all').map((x) => x.subject));
    return this.src.methods.filter((m) => ids.has(m.id)).map((m) => ({ id: m.id, label: m.name, level: 0, scopeKey: this.main, subject: m.id }));
  }

  /** Unit rows in tree order, siblings by name (the path holds ids, whose order means nothing to a reader). */
  private unitRows(): RowRef[] {
    const top = Math.min(...this.src.units.map((u) => u.depth));
    const names = new Map(this.src.units.map((u) => [u.id, u.name]));
    const sortKey = (path: string) => path.split('/').filter(Boolean).map((id) => `${names.get(id) ?? ''}\u0001${id}`).join('\u0000');
    return [...this.src.units]
      .sort((a, b) => (sortKey(a.path) < sortKey(b.path) ? -1 : 1))
      .map((u) => ({ id: u.id, label: u.name, level: u.depth - top, scopeKey: `unit:${u.id}`, subject: '*' }));
  }

  /** Methods as outcome rows: their own (municipality-wide) scopes, only when the report covers the municipality. */
  private methodScopeRows(): RowRef[] {
    if (!this.src.scope.coversMunicipality) return [];
    return this.src.methods.map((m) => ({ id: m.id, label: m.name, level: 0, scopeKey: `method:${m.id}`, subject: '' }));
  }

  /**
   * Registers one column over rows against its total. Rows that do not add up to the total get a residual row
   * ("others") when the total is larger; when rows overlap (sum above the total) the line's sum is treated as
   * known, which is the conservative reading.
   */
  private partition(parts: string[], total: string, residualKey: string): void {
    const sum = parts.reduce((s, p) => s + this.solver.raw(p), 0);
    const tot = this.solver.raw(total);
    if (sum === tot) this.solver.line(parts, total);
    else if (sum < tot) this.solver.line([...parts, this.solver.count(residualKey, tot - sum)], total);
    else this.solver.line(parts, null);
  }

  private num(v: unknown): number {
    const n = Number(v ?? 0);
    return Number.isFinite(n) ? n : 0;
  }

  // ---------- registration ----------

  private registerEpisodes(p: string): void {
    const rowSets: { name: string; rows: RowRef[] }[] = [
      { name: 'methods', rows: this.methodRows(p) },
      { name: 'units', rows: this.unitRows() },
    ];
    const reg = (scopeKey: string, subject: string, breakdown: string) => {
      const s = this.stats(scopeKey, p, 'episodes', subject, breakdown) ?? {};
      const base = key(p, scopeKey, 'ep', subject, breakdown);
      const c = (m: string, v: number) => this.solver.count(key(base, m), v);
      c('started', this.num(s.n_started));
      c('active', this.num(s.n_active));
      c('closed', this.num(s.n_closed));
      const due = this.num(s.occ_due);
      const onTime = Math.min(due, this.num(s.occ_on_time));
      c('due', due);
      c('onTime', onTime);
      c('late', due - onTime);
      this.solver.line([key(base, 'onTime'), key(base, 'late')], key(base, 'due'));
      const assessed = this.num(s.n_goals_assessed);
      const attained = Math.min(assessed, this.num(s.n_goals_attained));
      c('assessed', assessed);
      c('attained', attained);
      c('notAttained', assessed - attained);
      c('gasN', this.num(s.gas_n));
      this.solver.line([key(base, 'attained'), key(base, 'notAttained')], key(base, 'assessed'));
      for (const m of ['due', 'onTime', 'late', 'assessed', 'attained', 'notAttained', 'gasN']) this.solver.gate(key(base, m), key(base, 'active'));
      return base;
    };
    const total = reg(this.main, '*', 'all');
    const measures = ['started', 'active', 'closed', 'due', 'onTime', 'late', 'assessed', 'attained', 'notAttained', 'gasN'];
    for (const set of rowSets) {
      if (set.rows.length === 0) continue;
      const bases = set.rows.map((r) => reg(r.scopeKey, r.subject, 'all'));
      for (const m of measures) this.partition(bases.map((b) => key(b, m)), key(total, m), key(p, this.main, 'ep', set.name, 'other', m));
    }
    for (const dim of ['sex', 'age'] as const) {
      const cells = dim === 'sex' ? SEXES.map((s) => `sex:${s}`) : AGE_BANDS.map((a) => `age:${a}`);
      const bases = cells.map((c) => reg(this.main, '*', c));
      for (const m of ['started', 'active', 'closed']) this.partition(bases.map((b) => key(b, m)), key(total, m), key(p, this.main, 'ep', dim, 'other', m));
    }
  }

  /** Outcome subjects of the main scope in a period, in instrument code and scale order (client experience excluded). */
  private outcomeSubjects(p: string): string[] {
    const subjects = new Set(this.src.figures.filter((x) => x.scopeKey === this.main && x.periodKey === p && x.figure === 'outcome' && x.breakdownKey === 'all').map((x) => x.subject));
    return this.orderedSubjects([...subjects]);
  }

  private orderedSubjects(subjects: string[]): string[] {
    const order = (s: string) => {
      const [inst, scale] = s.split('/');
      const i = this.src.instruments.get(inst!);
      const code = i?.code ?? inst!;
      const idx = i ? i.scales.findIndex((x) => x.id === scale) : 0;
      return `${code}\u0000${String(idx).padStart(4, '0')}\u0000${scale}`;
    };
    return subjects.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  }

  private subjectLabel(subject: string): string {
    const [inst, scale] = subject.split('/');
    const i = this.src.instruments.get(inst!);
    if (!i) return subject;
    const s = i.scales.find((x) => x.id === scale);
    const lang = this.src.definition.language;
    return i.scales.length > 1 && s ? `${i.name[lang]}: ${s.name[lang]}` : i.name[lang];
  }

  private registerOutcomes(p: string): void {
    for (const subject of this.outcomeSubjects(p)) {
      const total = this.registerOutcomeCell(p, this.main, subject);
      for (const [name, rows] of [
        ['methods', this.methodScopeRows()],
        ['units', this.unitRows()],
      ] as const) {
        const bases = rows.map((r) => this.registerOutcomeCell(p, r.scopeKey, subject));
        if (bases.length === 0) continue;
        for (const m of OUTCOME_MEASURES) this.partition(bases.map((b) => key(b, m)), key(total, m), key(p, this.main, 'out', subject, name, 'other', m));
      }
    }
  }

  private registerOutcomeCell(p: string, scopeKey: string, subject: string): string {
    const s = this.stats(scopeKey, p, 'outcome', subject) ?? {};
    const base = key(p, scopeKey, 'out', subject);
    const c = (m: string, v: number) => this.solver.count(key(base, m), Math.max(0, v));
    const clients = this.num(s.n_clients);
    const pairs = Math.min(clients, this.num(s.n_pairs));
    c('clients', clients);
    c('pairs', pairs);
    c('only', clients - pairs);
    this.solver.line([key(base, 'pairs'), key(base, 'only')], key(base, 'clients'));
    const improved = this.num(s.n_improved);
    const deteriorated = this.num(s.n_deteriorated);
    c('improved', improved);
    c('deteriorated', deteriorated);
    c('unchanged', pairs - improved - deteriorated);
    this.solver.line([key(base, 'improved'), key(base, 'unchanged'), key(base, 'deteriorated')], key(base, 'pairs'));
    const cases = this.num(s.n_case);
    const recovered = Math.min(cases, this.num(s.n_recovered));
    c('cases', cases);
    c('recovered', recovered);
    c('notRecovered', cases - recovered);
    this.solver.line([key(base, 'recovered'), key(base, 'notRecovered')], key(base, 'cases'));
    for (const m of ['pairs', 'only', 'improved', 'unchanged', 'deteriorated', 'cases', 'recovered', 'notRecovered']) this.solver.gate(key(base, m), key(base, 'clients'));
    return base;
  }

  private registerNeeds(p: string): void {
    const starts = this.startSubjects(this.main, p);
    for (const subject of starts) {
      const total = this.registerStartCell(p, this.main, subject);
      const rows = this.methodScopeRows();
      const bases = rows.map((r) => this.registerStartCell(p, r.scopeKey, subject));
      if (bases.length) for (const m of ['known', 'cases', 'nonCases']) this.partition(bases.map((b) => key(b, m)), key(total, m), key(p, this.main, 'occ', subject, 'methods', 'other', m));
    }
  }

  private startSubjects(scopeKey: string, p: string): string[] {
    return this.orderedSubjects([
      ...new Set(this.src.figures.filter((x) => x.scopeKey === scopeKey && x.periodKey === p && x.figure === 'occasion' && x.breakdownKey === 'all' && x.subject.endsWith('/start')).map((x) => x.subject)),
    ]);
  }

  private registerStartCell(p: string, scopeKey: string, subject: string): string {
    const s = this.stats(scopeKey, p, 'occasion', subject) ?? {};
    const base = key(p, scopeKey, 'occ', subject);
    const n = this.num(s.n);
    const known = Math.min(n, this.num(s.n_case_known));
    const cases = Math.min(known, this.num(s.n_case));
    this.solver.count(key(base, 'n'), n);
    this.solver.count(key(base, 'known'), known);
    this.solver.count(key(base, 'cases'), cases);
    this.solver.count(key(base, 'nonCases'), known - cases);
    this.solver.line([key(base, 'cases'), key(base, 'nonCases')], key(base, 'known'));
    for (const m of ['known', 'cases', 'nonCases']) this.solver.gate(key(base, m), key(base, 'n'));
    const bands = Object.entries((s.bands ?? {}) as Record<string, unknown>).map(([b, v]) => [Number(b), this.num(v)] as const).sort((a, b) => a[0] - b[0]);
    const parts = bands.map(([b, v]) => this.solver.count(key(base, 'band', String(b)), v));
    const inBands = bands.reduce((x, [, v]) => x + v, 0);
    if (inBands <= n) {
      parts.push(this.solver.count(key(base, 'band', 'none'), n - inBands));
      this.solver.line(parts, key(base, 'n'));
    } else this.solver.line(parts, null);
    return base;
  }

  private answerSubjects(p: string): string[] {
    return [...new Set(this.src.figures.filter((x) => x.scopeKey === this.main && x.periodKey === p && x.figure === 'answers' && x.breakdownKey === 'all').map((x) => x.subject))].sort((a, b) =>
      this.subjectSortKey(a) < this.subjectSortKey(b) ? -1 : 1,
    );
  }

  private subjectSortKey(subject: string): string {
    const [inst, item] = subject.split('/');
    const i = this.src.instruments.get(inst!);
    const idx = i ? i.items.findIndex((x) => x.id === item) : 0;
    return `${i?.code ?? inst}\u0000${String(idx).padStart(4, '0')}\u0000${item}`;
  }

  private registerExperience(p: string): void {
    for (const subject of this.answerSubjects(p)) {
      const s = this.stats(this.main, p, 'answers', subject) ?? {};
      const base = key(p, this.main, 'ans', subject);
      const n = this.solver.count(key(base, 'n'), this.num(s.n));
      const entries = Object.entries((s.answers ?? {}) as Record<string, unknown>).sort(([a], [b]) => Number(a) - Number(b) || (a < b ? -1 : 1));
      const parts = entries.map(([a, v]) => this.solver.count(key(base, 'a', a), this.num(v)));
      const sum = entries.reduce((x, [, v]) => x + this.num(v), 0);
      if (sum === this.num(s.n)) this.solver.line(parts, n);
      else this.solver.line(parts, null);
    }
  }

  private registerEvidence(): void {
    for (const e of this.src.evidence) {
      for (const item of e.items) {
        const share = item.figure?.share;
        if (!share) continue;
        const base = key('ev', e.methodId, String(item.element), String(item.question));
        const den = this.num(share.denominator);
        const num = Math.min(den, this.num(share.numerator));
        this.solver.count(key(base, 'num'), num);
        this.solver.count(key(base, 'rest'), den - num);
        this.solver.count(key(base, 'den'), den);
        this.solver.line([key(base, 'num'), key(base, 'rest')], key(base, 'den'));
      }
    }
  }

  /**
   * Every count the report shares with an aggregate view (the same scope, period, figure, cell and measure) is hidden
   * where the view hides it: each scope's figures are solved as the views solve them (`ScopeDisclosure`, with the
   * politicians' linked per-method and breakdown counts), so a report and a view read together give back nothing
   * either hides. The report's own solve may hide more (its tables link units and methods in its own way).
   */
  private hideWhatTheViewsHide(): void {
    if (this.k === null) return;
    const { src } = this;
    for (const p of [src.periodKey, src.previousKey]) {
      const byScope = new Map<string, ScopedFigure[]>();
      for (const fig of src.figures.filter((x) => x.periodKey === p)) {
        if (!byScope.has(fig.scopeKey)) byScope.set(fig.scopeKey, []);
        byScope.get(fig.scopeKey)!.push(fig);
      }
      const linked = src.linked?.[p];
      for (const [scopeKey, rows] of byScope) {
        const d = ScopeDisclosure.solve(rows, this.k, linked ? linkedForcedHidden(linked, src.definition.municipalityId, scopeKey) : undefined);
        for (const e of d.hiddenEntries()) {
          const measure = e.measure.replace(/^(band|a):/, '$1|');
          const at =
            e.figure === 'episodes'
              ? key(p, scopeKey, 'ep', e.subject, e.cell, measure)
              : e.cell !== 'all'
                ? null
                : key(p, scopeKey, e.figure === 'outcome' ? 'out' : e.figure === 'occasion' ? 'occ' : 'ans', e.subject, measure);
          if (at && this.solver.has(at)) this.solver.force(at);
        }
      }
    }
  }

  // ---------- cells ----------

  private countCell(k: string): Cell {
    const v = this.solver.has(k) ? this.solver.value(k) : 0;
    return { text: this.f.count(v), numeric: true, suppressed: v === null };
  }

  /** numerator / denominator as a percentage, published only when both counts are. */
  private shareValue(num: string, den: string): number | null {
    const a = this.solver.value(num);
    const b = this.solver.value(den);
    if (a === null || b === null || b === 0) return null;
    return a / b;
  }

  private shareCell(num: string, den: string): Cell {
    const v = this.shareValue(num, den);
    const hidden = this.solver.isHidden(num) || this.solver.isHidden(den);
    return { text: v === null ? (hidden ? SUPPRESSED : '–') : this.f.percent(v), numeric: true, suppressed: hidden };
  }

  /** A figure resting on n people (mean, d): shown when n is published and, for politicians, n ≥ k. */
  private restsOn(nKey: string): boolean {
    const n = this.solver.value(nKey);
    return n !== null && n > 0 && (this.k === null || n >= this.k);
  }

  /** The cell of a figure resting on n that is not shown: ".." when n is hidden or below k, "–" when n is 0. */
  private notShown(nKey: string): Cell {
    const n = this.solver.value(nKey);
    return n === 0 ? this.text('–', true) : this.text(SUPPRESSED, true, true);
  }

  private text(text: string, numeric = false, suppressed = false): Cell {
    return { text, numeric, suppressed };
  }

  // ---------- sections ----------

  private section(s: ReportSection): ModelSection | null {
    const t = this.t;
    const out: ModelSection = { key: s, title: t(`section.${s}` as never), paragraphs: [], caveats: [], charts: [], tables: [] };
    switch (s) {
      case 'how_to_read':
        out.paragraphs.push(t('text.how_to_read.1'), t('text.how_to_read.2'), t('text.how_to_read.3'));
        if (this.k !== null) out.paragraphs.push(t('report.suppression', { k: this.k }));
        return out;
      case 'definitions':
        out.paragraphs.push(t('text.definitions.1'), t('text.definitions.2'), t('text.definitions.3'), t('text.definitions.4'), t('text.definitions.5'));
        out.link = { href: 'statistics.md', text: t('text.definitions.link') };
        return out;
      case 'interventions':
        return this.interventions(out);
      case 'completeness':
        return this.completeness(out);
      case 'outcomes':
        return this.outcomes(out);
      case 'goals':
        return this.goals(out);
      case 'needs':
        return this.needs(out);
      case 'needs_vs_interventions':
        return this.needsVsInterventions(out);
      case 'experience':
        return this.experience(out);
      case 'evidence_status':
        return this.evidenceStatus(out);
      case 'evidence_elements':
        return this.evidenceElements(out);
      case 'change':
        return this.change(out);
    }
  }

  private interventions(out: ModelSection): ModelSection {
    const { t, src } = this;
    const p = src.periodKey;
    out.paragraphs.push(t('text.interventions'));
    const total = key(p, this.main, 'ep', '*', 'all');
    const measures = ['started', 'active', 'closed'] as const;
    const columns = [t('col.method'), t('col.started'), t('col.active'), t('col.closed')];
    const row = (label: string, base: string, level = 0, isTotal = false): TableRow => ({ label, level, total: isTotal, cells: measures.map((m) => this.countCell(key(base, m))) });
    const otherRow = (prefix: string): TableRow | null => {
      if (!measures.some((m) => this.solver.has(key(prefix, m)))) return null;
      return { label: t('col.other'), level: 0, total: false, cells: measures.map((m) => (this.solver.has(key(prefix, m)) ? this.countCell(key(prefix, m)) : this.text('–', true))) };
    };
    const methods = this.methodRows(p);
    if (methods.length) {
      const rows = methods.map((r) => row(r.label, key(p, r.scopeKey, 'ep', r.subject, 'all')));
      const other = otherRow(key(p, this.main, 'ep', 'methods', 'other'));
      const table: Table = { id: 'interventions-methods', caption: t('section.interventions'), columns, rows: [...rows, ...(other ? [other] : []), row(t('col.total'), total, 0, true)] };
      out.tables.push(table);
      out.charts.push({
        id: 'chart-active-methods',
        title: t('chart.activeByMethod'),
        tableId: table.id,
        kind: 'count',
        legend: [t('col.active')],
        bars: methods.map((r) => {
          const v = this.solver.value(key(p, r.scopeKey, 'ep', r.subject, 'all', 'active'));
          return { label: r.label, segments: [{ value: v, text: this.f.count(v), tone: 0 }] };
        }),
      });
    } else {
      out.tables.push({ id: 'interventions-total', caption: t('section.interventions'), columns, rows: [row(t('col.total'), total, 0, true)] });
    }
    for (const dim of ['sex', 'age'] as const) {
      const cells = dim === 'sex' ? SEXES.map((s) => `sex:${s}`) : AGE_BANDS.map((a) => `age:${a}`);
      const label = (c: string) => {
        const v = c.split(':')[1]!;
        if (dim === 'sex') return t(`sex.${v}` as never);
        return v === 'unknown' ? t('age.unknown') : t('age.years', { a: v.replace('-', '–') });
      };
      const rows = cells.filter((c) => measures.some((m) => this.solver.raw(key(p, this.main, 'ep', '*', c, m)) > 0)).map((c) => row(label(c), key(p, this.main, 'ep', '*', c)));
      const other = otherRow(key(p, this.main, 'ep', dim, 'other'));
      out.tables.push({
        id: `interventions-${dim}`,
        caption: `${t('section.interventions')} — ${t(dim === 'sex' ? 'col.sex' : 'col.age')}`,
        columns: [t(dim === 'sex' ? 'col.sex' : 'col.age'), t('col.started'), t('col.active'), t('col.closed')],
        rows: [...rows, ...(other ? [other] : []), row(t('col.total'), total, 0, true)],
      });
    }
    return out;
  }

  private completenessRow(label: string, base: string, level: number, isTotal: boolean): TableRow {
    return { label, level, total: isTotal, cells: [this.countCell(key(base, 'due')), this.countCell(key(base, 'onTime')), this.shareCell(key(base, 'onTime'), key(base, 'due'))] };
  }

  private completeness(out: ModelSection): ModelSection {
    const { t, src } = this;
    const p = src.periodKey;
    out.paragraphs.push(t('text.completeness'));
    const total = key(p, this.main, 'ep', '*', 'all');
    const sets = [
      { name: 'methods', head: t('col.method'), rows: this.methodRows(p) },
      { name: 'units', head: t('col.unit'), rows: this.unitRows() },
    ];
    for (const set of sets) {
      if (set.rows.length === 0 && set.name === 'units') continue;
      const rows = set.rows.map((r) => this.completenessRow(r.label, key(p, r.scopeKey, 'ep', r.subject, 'all'), r.level, false));
      const otherBase = key(p, this.main, 'ep', set.name, 'other');
      if (['due', 'onTime'].some((m) => this.solver.has(key(otherBase, m)))) {
        rows.push({
          label: t('col.other'),
          level: 0,
          total: false,
          cells: [
            this.solver.has(key(otherBase, 'due')) ? this.countCell(key(otherBase, 'due')) : this.text('–', true),
            this.solver.has(key(otherBase, 'onTime')) ? this.countCell(key(otherBase, 'onTime')) : this.text('–', true),
            this.solver.has(key(otherBase, 'due')) && this.solver.has(key(otherBase, 'onTime')) ? this.shareCell(key(otherBase, 'onTime'), key(otherBase, 'due')) : this.text('–', true),
          ],
        });
      }
      rows.push(this.completenessRow(t('col.total'), total, 0, true));
      const table: Table = { id: `completeness-${set.name}`, caption: `${t('section.completeness')} — ${set.head}`, columns: [set.head, t('col.due'), t('col.onTime'), t('col.completeness')], rows };
      out.tables.push(table);
      out.charts.push({
        id: `chart-completeness-${set.name}`,
        title: `${t('chart.completeness')} — ${set.head}`,
        tableId: table.id,
        kind: 'percent',
        legend: [t('col.completeness')],
        bars: [...set.rows.map((r) => ({ label: r.label, base: key(p, r.scopeKey, 'ep', r.subject, 'all') })), { label: t('col.total'), base: total }].map((r) => {
          const v = this.shareValue(key(r.base, 'onTime'), key(r.base, 'due'));
          return { label: r.label, segments: [{ value: v, text: v === null ? SUPPRESSED : this.f.percent(v), tone: 0 }] };
        }),
      });
    }
    return out;
  }

  private outcomeRow(label: string, level: number, isTotal: boolean, p: string, scopeKey: string, subject: string, caveats: string[]): TableRow {
    const base = key(p, scopeKey, 'out', subject);
    const s = this.stats(scopeKey, p, 'outcome', subject);
    const fig = s ? outcomeFigures(s) : null;
    const classified = !!s?.has_criterion;
    const cutoff = !!s?.has_cutoff;
    const pairShare = this.shareValue(key(base, 'pairs'), key(base, 'clients'));
    if (pairShare !== null && pairShare < LOW_COMPLETENESS) caveats.push(`${label}: ${this.t('caveat.completeness', { p: this.f.percent(pairShare) })}`);
    const shown = this.restsOn(key(base, 'pairs'));
    const eff = fig?.effectSize;
    return {
      label,
      level,
      total: isTotal,
      cells: [
        this.countCell(key(base, 'clients')),
        this.countCell(key(base, 'pairs')),
        this.shareCell(key(base, 'pairs'), key(base, 'clients')),
        classified ? this.shareCell(key(base, 'improved'), key(base, 'pairs')) : this.text('–', true),
        classified ? this.shareCell(key(base, 'unchanged'), key(base, 'pairs')) : this.text('–', true),
        classified ? this.shareCell(key(base, 'deteriorated'), key(base, 'pairs')) : this.text('–', true),
        cutoff ? this.shareCell(key(base, 'recovered'), key(base, 'cases')) : this.text('–', true),
        shown && fig ? this.text(this.f.decimal1(fig.change.mean), true) : this.notShown(key(base, 'pairs')),
        shown && eff?.computable ? this.text(`${this.f.decimal2(eff.d)} (${this.f.interval(eff.ciLow, eff.ciHigh)})`, true) : shown ? this.text('–', true) : this.notShown(key(base, 'pairs')),
      ],
    };
  }

  private outcomes(out: ModelSection): ModelSection {
    const { t, src } = this;
    const p = src.periodKey;
    out.paragraphs.push(t('text.outcomes'));
    const subjects = this.outcomeSubjects(p);
    if (subjects.length === 0) out.caveats.push(t('caveat.none'));
    for (const subject of subjects) {
      const label = this.subjectLabel(subject);
      const columns = ['', t('col.clients'), t('col.pairs'), t('col.pairShare'), t('col.improved'), t('col.unchanged'), t('col.deteriorated'), t('col.recovered'), t('col.meanChange'), t('col.effect')];
      const sets = [
        { name: 'methods', head: t('col.method'), rows: this.methodScopeRows().filter((r) => this.stats(r.scopeKey, p, 'outcome', subject)) },
        { name: 'units', head: t('col.unit'), rows: this.unitRows().filter((r) => this.stats(r.scopeKey, p, 'outcome', subject)) },
      ].filter((x) => x.rows.length > 0);
      if (sets.length === 0) sets.push({ name: 'total', head: '', rows: [] });
      for (const set of sets) {
        const rows: TableRow[] = set.rows.map((r) => this.outcomeRow(r.label, r.level, false, p, r.scopeKey, subject, out.caveats));
        const otherBase = key(p, this.main, 'out', subject, set.name, 'other');
        if (OUTCOME_MEASURES.some((m) => this.solver.has(key(otherBase, m)))) {
          rows.push({
            label: t('col.other'),
            level: 0,
            total: false,
            cells: [
              this.solver.has(key(otherBase, 'clients')) ? this.countCell(key(otherBase, 'clients')) : this.text('–', true),
              this.solver.has(key(otherBase, 'pairs')) ? this.countCell(key(otherBase, 'pairs')) : this.text('–', true),
              ...Array.from({ length: 7 }, () => this.text('–', true)),
            ],
          });
        }
        rows.push(this.outcomeRow(t('col.total'), 0, true, p, this.main, subject, out.caveats));
        const table: Table = { id: `outcomes-${set.name}-${subject.replace(/[^A-Za-z0-9]/g, '-')}`, caption: `${label}${set.head ? ` — ${set.head}` : ''}`, columns: [set.head || label, ...columns.slice(1)], rows };
        out.tables.push(table);
        // Without a reliable-change criterion there are no categories to draw.
        if (!this.stats(this.main, p, 'outcome', subject)?.has_criterion) continue;
        out.charts.push({
          id: `chart-${table.id}`,
          title: `${t('chart.outcome')}: ${table.caption}`,
          tableId: table.id,
          kind: 'percent',
          legend: [t('col.improved'), t('col.unchanged'), t('col.deteriorated')],
          bars: [...set.rows.map((r) => ({ label: r.label, scopeKey: r.scopeKey })), { label: t('col.total'), scopeKey: this.main }].map((r) => {
            const base = key(p, r.scopeKey, 'out', subject);
            const seg = (m: string, tone: number) => {
              const v = this.shareValue(key(base, m), key(base, 'pairs'));
              return { value: v, text: v === null ? SUPPRESSED : this.f.percent(v), tone };
            };
            return { label: r.label, segments: [seg('improved', 0), seg('unchanged', 1), seg('deteriorated', 2)] };
          }),
        });
      }
    }
    out.caveats = [...new Set(out.caveats)];
    return out;
  }

  private goals(out: ModelSection): ModelSection {
    const { t, src } = this;
    const p = src.periodKey;
    out.paragraphs.push(t('text.goals'));
    const total = key(p, this.main, 'ep', '*', 'all');
    const row = (label: string, base: string, scopeKey: string, subject: string, level: number, isTotal: boolean): TableRow => {
      const s = this.stats(scopeKey, p, 'episodes', subject) ?? {};
      const gasN = this.num(s.gas_n);
      const gasMean = gasN > 0 ? this.num(s.gas_s) / gasN : null;
      return {
        label,
        level,
        total: isTotal,
        cells: [
          this.countCell(key(base, 'assessed')),
          this.countCell(key(base, 'attained')),
          this.shareCell(key(base, 'attained'), key(base, 'assessed')),
          this.countCell(key(base, 'gasN')),
          this.restsOn(key(base, 'gasN')) ? this.text(this.f.decimal1(gasMean), true) : this.notShown(key(base, 'gasN')),
        ],
      };
    };
    const columns = (head: string) => [head, t('col.goalsAssessed'), t('col.goalsAttained'), t('col.goalShare'), 'GAS n', t('col.gas')];
    const sets = [
      { name: 'methods', head: t('col.method'), rows: this.methodRows(p) },
      { name: 'units', head: t('col.unit'), rows: this.unitRows() },
    ].filter((x) => x.rows.length > 0);
    for (const set of sets) {
      const rows = set.rows.map((r) => row(r.label, key(p, r.scopeKey, 'ep', r.subject, 'all'), r.scopeKey, r.subject, r.level, false));
      rows.push(row(t('col.total'), total, this.main, '*', 0, true));
      out.tables.push({ id: `goals-${set.name}`, caption: `${t('section.goals')} — ${set.head}`, columns: columns(set.head), rows });
    }
    if (sets.length === 0) out.tables.push({ id: 'goals-total', caption: t('section.goals'), columns: columns(''), rows: [row(t('col.total'), total, this.main, '*', 0, true)] });
    return out;
  }

  private needs(out: ModelSection): ModelSection {
    const { t, src } = this;
    const p = src.periodKey;
    const lang = src.definition.language;
    out.paragraphs.push(t('text.needs'));
    const subjects = this.startSubjects(this.main, p);
    if (subjects.length === 0) out.caveats.push(t('caveat.none'));
    const rows: TableRow[] = subjects.map((subject) => {
      const base = key(p, this.main, 'occ', subject);
      const s = this.stats(this.main, p, 'occasion', subject) ?? {};
      const n = this.num(s.n);
      return {
        label: this.subjectLabel(subject),
        level: 0,
        total: false,
        cells: [
          this.countCell(key(base, 'n')),
          this.restsOn(key(base, 'n')) ? this.text(this.f.decimal1(n > 0 ? this.num(s.s) / n : null), true) : this.notShown(key(base, 'n')),
          this.shareCell(key(base, 'cases'), key(base, 'known')),
        ],
      };
    });
    out.tables.push({ id: 'needs', caption: t('section.needs'), columns: [t('col.scale'), t('col.n'), t('col.mean'), t('col.cases')], rows });
    for (const subject of subjects) {
      const base = key(p, this.main, 'occ', subject);
      const [inst, scale] = subject.split('/');
      const bandNames = this.src.instruments.get(inst!)?.scales.find((x) => x.id === scale)?.bands ?? [];
      if (bandNames.length === 0) continue;
      const bandRows = bandNames.map((b, i) => ({ label: b[lang] || `${t('col.band')} ${i + 1}`, k: key(base, 'band', String(i)) }));
      if (this.solver.has(key(base, 'band', 'none')) && this.solver.raw(key(base, 'band', 'none')) > 0) bandRows.push({ label: t('col.noBand'), k: key(base, 'band', 'none') });
      const tableId = `needs-bands-${subject.replace(/[^A-Za-z0-9]/g, '-')}`;
      out.tables.push({
        id: tableId,
        caption: `${t('chart.bands')}: ${this.subjectLabel(subject)}`,
        columns: [t('col.band'), t('col.n'), t('col.share')],
        rows: [
          ...bandRows.map((r) => ({ label: r.label, level: 0, total: false, cells: [this.solver.has(r.k) ? this.countCell(r.k) : this.text('0', true), this.solver.has(r.k) ? this.shareCell(r.k, key(base, 'n')) : this.text('–', true)] })),
          { label: t('col.total'), level: 0, total: true, cells: [this.countCell(key(base, 'n')), this.text('', true)] },
        ],
      });
      out.charts.push({
        id: `chart-${tableId}`,
        title: `${t('chart.bands')}: ${this.subjectLabel(subject)}`,
        tableId,
        kind: 'percent',
        legend: [t('col.share')],
        bars: bandRows.map((r) => {
          const v = this.solver.has(r.k) ? this.shareValue(r.k, key(base, 'n')) : 0;
          return { label: r.label, segments: [{ value: v, text: v === null ? SUPPRESSED : this.f.percent(v), tone: 0 }] };
        }),
      });
    }
    return out;
  }

  private needsVsInterventions(out: ModelSection): ModelSection {
    const { t, src } = this;
    const p = src.periodKey;
    out.paragraphs.push(t('text.needs_vs_interventions'));
    const methods = this.methodScopeRows();
    if (methods.length === 0) {
      out.paragraphs.push(t('text.needs_vs_interventions.scope'));
      return out;
    }
    const rows: TableRow[] = [];
    for (const subject of this.startSubjects(this.main, p)) {
      const withData = methods.filter((m) => this.solver.raw(key(p, m.scopeKey, 'occ', subject, 'known')) > 0);
      if (withData.length === 0) continue;
      rows.push({ label: this.subjectLabel(subject), level: 0, total: true, cells: [this.text(''), this.text('')] });
      for (const m of withData) {
        const base = key(p, m.scopeKey, 'occ', subject);
        rows.push({ label: m.label, level: 1, total: false, cells: [this.countCell(key(base, 'known')), this.shareCell(key(base, 'nonCases'), key(base, 'known'))] });
      }
    }
    out.tables.push({ id: 'needs-vs-interventions', caption: t('section.needs_vs_interventions'), columns: [t('col.method'), t('col.n'), t('col.below')], rows });
    return out;
  }

  private experience(out: ModelSection): ModelSection {
    const { t, src } = this;
    const p = src.periodKey;
    const lang = src.definition.language;
    out.paragraphs.push(t('text.experience'));
    const subjects = this.answerSubjects(p);
    if (subjects.length === 0) out.caveats.push(t('caveat.none'));
    for (const subject of subjects) {
      const [inst, item] = subject.split('/');
      const def = this.src.instruments.get(inst!);
      const it = def?.items.find((x) => x.id === item);
      const base = key(p, this.main, 'ans', subject);
      const s = this.stats(this.main, p, 'answers', subject) ?? {};
      const answers = Object.keys((s.answers ?? {}) as object).sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : 1));
      const label = (a: string) => it?.options.find((o) => o.value === a)?.label[lang] ?? a;
      const tableId = `experience-${subject.replace(/[^A-Za-z0-9]/g, '-')}`;
      const caption = `${def?.name[lang] ?? inst}: ${it?.text[lang] ?? item}`;
      out.tables.push({
        id: tableId,
        caption,
        columns: [t('col.answerOption'), t('col.n'), t('col.share')],
        rows: [
          ...answers.map((a) => ({ label: label(a), level: 0, total: false, cells: [this.countCell(key(base, 'a', a)), this.shareCell(key(base, 'a', a), key(base, 'n'))] })),
          { label: t('col.total'), level: 0, total: true, cells: [this.countCell(key(base, 'n')), this.text('', true)] },
        ],
      });
      out.charts.push({
        id: `chart-${tableId}`,
        title: `${t('chart.answers')}: ${caption}`,
        tableId,
        kind: 'percent',
        legend: [t('col.share')],
        bars: answers.map((a) => {
          const v = this.shareValue(key(base, 'a', a), key(base, 'n'));
          return { label: label(a), segments: [{ value: v, text: v === null ? SUPPRESSED : this.f.percent(v), tone: 0 }] };
        }),
      });
    }
    return out;
  }

  private evidenceMethods() {
    const ids = new Set(this.src.evidence.map((e) => e.methodId));
    return this.src.methods.filter((m) => ids.has(m.id));
  }

  private evidenceStatus(out: ModelSection): ModelSection {
    const { t } = this;
    out.paragraphs.push(t('text.evidence_status'));
    out.tables.push({
      id: 'evidence-status',
      caption: t('section.evidence_status'),
      columns: [t('col.method'), t('col.status')],
      rows: this.evidenceMethods().map((m) => ({ label: m.name, level: 0, total: false, cells: [this.text(t(`status.${m.evidenceStatus}` as never))] })),
    });
    return out;
  }

  private evidenceElements(out: ModelSection): ModelSection {
    const { t, src } = this;
    const lang = src.definition.language;
    out.paragraphs.push(t('text.evidence_elements'));
    for (const m of this.evidenceMethods()) {
      const e = src.evidence.find((x) => x.methodId === m.id)!;
      const rows: TableRow[] = e.items.map((item) => {
        const q = EVIDENCE_TEXT.find((x) => x.element === item.element && x.question === item.question);
        const base = key('ev', m.id, String(item.element), String(item.question));
        const hand = e.hand.find((h) => h.element === item.element && h.question === item.question);
        let answer: string;
        let basis = '';
        let suppressed = false;
        if (item.figure?.share) {
          const v = this.shareValue(key(base, 'num'), key(base, 'den'));
          suppressed = this.solver.isHidden(key(base, 'num')) || this.solver.isHidden(key(base, 'den'));
          basis = suppressed ? SUPPRESSED : v === null ? '–' : `${this.f.percent(v)} (n ${this.f.count(this.solver.value(key(base, 'den')))})`;
          answer = suppressed ? SUPPRESSED : item.answer ? t(`answer.${item.answer}` as never) : hand ? `${t(`answer.${hand.answer}` as never)} ${t('answer.hand')}` : t('answer.none');
        } else if (item.element === 10 && item.question === 6) {
          // Whether aggregates are computed, not whether a recompute happens to be pending at generation time: the
          // report must not change with the queue's state.
          answer = t(item.figure?.computedAt ? 'answer.ja' : 'answer.nej');
        } else if (item.element === 10 && item.question === 7 && !item.answer && src.earlierReports > 0) {
          answer = t('answer.ja');
          basis = t('evidence.reports', { n: src.earlierReports });
        } else {
          answer = item.answer ? t(`answer.${item.answer}` as never) : hand ? `${t(`answer.${hand.answer}` as never)} ${t('answer.hand')}` : t('answer.none');
          const fig = item.figure;
          if (fig?.count !== undefined) basis = this.f.count(fig.count);
          else if (fig?.value !== undefined && fig.value !== null && typeof fig.value !== 'boolean') basis = typeof fig.value === 'number' ? this.f.count(fig.value) : String(fig.value);
        }
        return {
          label: `${item.element}.${item.question} ${q ? q[lang] : ''}`,
          level: 0,
          total: false,
          // Only share-based figures rest on people; the others (instruments in the plan, notes held) are descriptions.
          cells: [this.text(answer, false, suppressed), this.text(basis, !!item.figure?.share, suppressed)],
        };
      });
      out.tables.push({ id: `evidence-${m.code}`, caption: `${m.name}`, columns: [t('col.question'), t('col.answer'), t('col.basis')], rows });
    }
    return out;
  }

  private change(out: ModelSection): ModelSection {
    const { t, src } = this;
    out.paragraphs.push(t('text.change'));
    const [cur, prev] = [src.periodKey, src.previousKey];
    const rows: TableRow[] = [];
    const ep = (p: string) => key(p, this.main, 'ep', '*', 'all');
    rows.push({ label: t('indicator.started'), level: 0, total: false, cells: [this.countCell(key(ep(prev), 'started')), this.countCell(key(ep(cur), 'started'))] });
    rows.push({ label: t('indicator.active'), level: 0, total: false, cells: [this.countCell(key(ep(prev), 'active')), this.countCell(key(ep(cur), 'active'))] });
    rows.push({ label: t('indicator.completeness'), level: 0, total: false, cells: [this.shareCell(key(ep(prev), 'onTime'), key(ep(prev), 'due')), this.shareCell(key(ep(cur), 'onTime'), key(ep(cur), 'due'))] });
    const subjects = this.orderedSubjects([...new Set([...this.outcomeSubjects(cur), ...this.outcomeSubjects(prev)])]);
    for (const subject of subjects) {
      const s = this.subjectLabel(subject);
      const cell = (p: string, what: 'pairs' | 'improved' | 'effect'): Cell => {
        const base = key(p, this.main, 'out', subject);
        if (!this.solver.has(key(base, 'pairs'))) return this.text('–', true);
        if (what === 'pairs') return this.countCell(key(base, 'pairs'));
        if (what === 'improved') return this.stats(this.main, p, 'outcome', subject)?.has_criterion ? this.shareCell(key(base, 'improved'), key(base, 'pairs')) : this.text('–', true);
        const st = this.stats(this.main, p, 'outcome', subject);
        const eff = st ? outcomeFigures(st).effectSize : null;
        if (!this.restsOn(key(base, 'pairs'))) return this.text(SUPPRESSED, true, true);
        return this.text(eff?.computable ? this.f.decimal2(eff.d) : '–', true);
      };
      rows.push({ label: t('indicator.pairs', { s }), level: 0, total: false, cells: [cell(prev, 'pairs'), cell(cur, 'pairs')] });
      rows.push({ label: t('indicator.improved', { s }), level: 0, total: false, cells: [cell(prev, 'improved'), cell(cur, 'improved')] });
      rows.push({ label: t('indicator.effect', { s }), level: 0, total: false, cells: [cell(prev, 'effect'), cell(cur, 'effect')] });
    }
    out.tables.push({ id: 'change', caption: t('section.change'), columns: [t('col.indicator'), this.periodLabel(prev), this.periodLabel(cur)], rows });
    return out;
  }
}

const OUTCOME_MEASURES = ['clients', 'pairs', 'only', 'improved', 'unchanged', 'deteriorated', 'cases', 'recovered', 'notRecovered'] as const;

const EVIDENCE_TEXT = EVIDENCE_QUESTIONS;
