import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Actor, Permission, scopeFor } from '#access';
import {
  AggregateReadRepository,
  BREAKDOWNS,
  BreakdownCellsReader,
  cellHidden,
  disclosedAnswers,
  disclosedEpisodes,
  disclosedMethodRow,
  disclosedOccasion,
  disclosedOutcome,
  episodeFigures,
  type FigureRow,
  occasionFigures,
  outcomeFigures,
  periodRange,
  ScopeDisclosure,
  type ScopeKind,
  BREAKDOWN_DIMENSIONS,
  swedishToday,
} from '#aggregation';
import { recordAudit } from '#audit';
import { AuditAction, AuditPurpose, notFound } from '#domain';
import { type ResolvedScope, resolveScope } from './access.js';
import { METHOD_WITHHELD, MethodCountDisclosure } from './method-disclosure.js';

const BREAKDOWN_KEYS = {
  all: ['all'],
  sex: ['all', ...BREAKDOWN_DIMENSIONS.sex],
  age: ['all', ...BREAKDOWN_DIMENSIONS.age],
} as const;

/** Group figures per scope, period and breakdown; every figure with its n, every outcome beside its completeness. */
@Injectable()
export class AggregatesService {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  async getScope(actor: Actor, kind: ScopeKind, id: string, q: { period?: string; breakdown?: 'all' | 'sex' | 'age' }) {
    const resolved = await resolveScope(this.ds, actor, kind, id);
    const repo = new AggregateReadRepository(this.ds);
    const period = q.period ?? 'R12';
    const reference = swedishToday();
    const cells: readonly string[] = BREAKDOWN_KEYS[q.breakdown ?? 'all'];
    // Politicians see per-method counts, and totals by sex and age band, on the municipality's, the administrations'
    // and the methods' own pages: suppressed together, so no page gives back a count another one hides.
    const disclosure = resolved.audience === 'politician' && resolved.k !== null ? await MethodCountDisclosure.load(this.ds, actor.municipalityId, period, resolved.k) : null;
    if (disclosure && kind === 'method' && disclosure.methodHidden(id)) return this.withheldView(actor, resolved, period, reference, q.breakdown ?? 'all');
    // Every breakdown cell is read whatever the view shows: the view's cells are suppressed together with the others
    // (docs/aggregation.md, "Breakdown cells"), so the `all` view and the sex and age views hide the same counts.
    const k = resolved.k;
    const [stored, freshness] = await Promise.all([repo.listFigures(resolved.scopeKey, period, k === null ? cells : BREAKDOWNS), repo.freshness(actor.municipalityId, resolved.scopeKey)]);
    const rows = stored.filter((r) => cells.includes(r.breakdownKey));
    const codes = await repo.instrumentCodes([...new Set(rows.filter((r) => r.figure !== 'episodes').map((r) => r.subject.split('/')[0]!))]);
    const d = k === null ? null : ScopeDisclosure.solve(stored, k, disclosure?.forcedFor(resolved.scopeKey));
    const bySubject = (figure: FigureRow['figure']) => {
      const map = new Map<string, Map<string, FigureRow>>();
      for (const r of rows.filter((x) => x.figure === figure)) {
        if (!map.has(r.subject)) map.set(r.subject, new Map());
        map.get(r.subject)!.set(r.breakdownKey, r);
      }
      return map;
    };
    const episodesAll = bySubject('episodes').get('*');
    const episodeCell = (cell: string) => {
      const r = episodesAll?.get(cell);
      if (!r) return null;
      const f = episodeFigures(r.stats);
      return d ? disclosedEpisodes(d, cell, f) : f;
    };
    const subjectLabel = (subject: string) => {
      const [instrumentId, scaleId, occ] = subject.split('/');
      return { instrumentId, instrumentCode: codes.get(instrumentId!) ?? null, scaleId, ...(occ ? { occasion: occ } : {}) };
    };

    const outcomes = [...bySubject('outcome')].map(([subject, byCell]) => ({
      ...subjectLabel(subject),
      cells: cells.filter((c) => byCell.has(c)).map((cell) => {
        const visible = !d || !cellHidden(d, 'outcome', subject, cell);
        const f = outcomeFigures(byCell.get(cell)!.stats);
        return {
          breakdown: cell,
          suppressed: !visible,
          figures: !visible ? null : d ? disclosedOutcome(d, subject, cell, f) : f,
          // Every outcome beside its completeness (on-time occasions / due) for the same cell.
          followUpCompleteness: visible ? (episodeCell(cell)?.completeness ?? null) : null,
        };
      }),
    }));
    const distributions = [...bySubject('occasion')].map(([subject, byCell]) => ({
      ...subjectLabel(subject),
      cells: cells.filter((c) => byCell.has(c)).map((cell) => {
        if (d && cellHidden(d, 'occasion', subject, cell)) return { breakdown: cell, suppressed: true, figures: null };
        const f = occasionFigures(byCell.get(cell)!.stats);
        return { breakdown: cell, suppressed: false, figures: d ? disclosedOccasion(d, subject, cell, f) : f };
      }),
    }));
    const experience = [...bySubject('answers')].map(([subject, byCell]) => ({
      ...subjectLabel(subject),
      cells: cells.filter((c) => byCell.has(c)).map((cell) => {
        const s = byCell.get(cell)!.stats as { n: number; answers: Record<string, number> };
        if (d) return { breakdown: cell, ...disclosedAnswers(d, subject, cell, s) };
        const entries = Object.entries(s.answers).sort(([a], [b]) => Number(a) - Number(b));
        return { breakdown: cell, n: s.n, answers: entries.map(([answer, n]) => ({ answer, n, share: n / s.n })) };
      }),
    }));
    // Per-method counts add up to the scope's total: suppressed in the same solve as the scope's cells (and, for
    // politicians, as on every other page that shows them).
    const byMethod = [...bySubject('episodes')]
      .filter(([s]) => s !== '*')
      .map(([methodId, byCell]) => {
        const r = byCell.get('all');
        const f = r ? episodeFigures(r.stats) : null;
        if (!f) return { methodId, started: null, active: null, completeness: null };
        return { methodId, ...(d ? disclosedMethodRow(d, methodId, f.completeness) : { started: f.started, active: f.active, completeness: f.completeness }) };
      });
    return {
      scope: resolved.label,
      period: { key: period, ...periodRange(period, reference) },
      breakdown: q.breakdown ?? 'all',
      asOf: freshness.computedAt,
      sourceChangedAt: freshness.sourceChangedAt,
      pending: freshness.pending,
      audience: resolved.audience,
      suppression: k === null ? null : { k, shownAs: '..' },
      withheld: null as null | { code: string; message: { sv: string; en: string } },
      episodes: cells.map((cell) => ({ breakdown: cell, figures: episodeCell(cell) })).filter((e) => e.figures !== null),
      episodesByMethod: byMethod,
      outcomes,
      distributions,
      experience,
    };
  }

  /**
   * A method page whose figures are withheld from a politician: the method's count is hidden on the municipality's
   * row for the period, so none of its own figures is shown (each rests on that count), with the reason.
   */
  private async withheldView(actor: Actor, resolved: ResolvedScope, period: string, reference: string, breakdown: 'all' | 'sex' | 'age') {
    const freshness = await new AggregateReadRepository(this.ds).freshness(actor.municipalityId, resolved.scopeKey);
    return {
      scope: resolved.label,
      period: { key: period, ...periodRange(period, reference) },
      breakdown,
      asOf: freshness.computedAt,
      sourceChangedAt: freshness.sourceChangedAt,
      pending: freshness.pending,
      audience: resolved.audience,
      suppression: resolved.k === null ? null : { k: resolved.k, shownAs: '..' },
      withheld: { code: METHOD_WITHHELD.code, message: { ...METHOD_WITHHELD.message } } as null | { code: string; message: { sv: string; en: string } },
      episodes: [],
      episodesByMethod: [],
      outcomes: [],
      distributions: [],
      experience: [],
    };
  }

  /**
   * One scale over every stored period (half-years and years) for trend charts. Each period's `all` cell is the one
   * of that period's view: solved with its breakdown cells, so a trend cannot give back what a breakdown hides.
   */
  async getTrend(actor: Actor, kind: ScopeKind, id: string, subject: string) {
    const resolved = await resolveScope(this.ds, actor, kind, id);
    const repo = new AggregateReadRepository(this.ds);
    const k = resolved.k;
    const outcome = await repo.listTrend(resolved.scopeKey, 'outcome', subject);
    const occasions = await repo.listTrend(resolved.scopeKey, 'occasion', subject);
    const freshness = await repo.freshness(actor.municipalityId, resolved.scopeKey);
    const solved = new Map<string, ScopeDisclosure>();
    if (k !== null) {
      const reader = new BreakdownCellsReader(this.ds);
      const cells = [...(await reader.listSubjectCells(resolved.scopeKey, 'outcome', subject)), ...(await reader.listSubjectCells(resolved.scopeKey, 'occasion', subject))];
      for (const p of new Set(cells.map((r) => r.periodKey))) solved.set(p, ScopeDisclosure.solve(cells.filter((r) => r.periodKey === p), k));
    }
    return {
      scope: resolved.label,
      subject,
      asOf: freshness.computedAt,
      pending: freshness.pending,
      suppression: k === null ? null : { k, shownAs: '..' },
      outcome: outcome.map((r) => {
        const f = outcomeFigures(r.stats);
        const d = solved.get(r.periodKey);
        return { period: r.periodKey, figures: d ? disclosedOutcome(d, r.subject, 'all', f) : f };
      }),
      occasions: occasions.map((r) => {
        const f = occasionFigures(r.stats);
        const d = solved.get(r.periodKey);
        return { period: r.periodKey, occasion: r.subject.split('/')[2], ...(d ? disclosedOccasion(d, r.subject, 'all', f) : f) };
      }),
    };
  }

  /** A client's level-1 aggregates: a read of client data, audit-logged in the same transaction. */
  async getClient(actor: Actor, requestId: string, clientId: string) {
    const scope = scopeFor(actor, Permission.ClientRead);
    return this.ds.transaction(async (m) => {
      const repo = new AggregateReadRepository(m);
      const client = await repo.findClientInScope(scope, clientId);
      if (!client) throw notFound('CLIENT.NOT_FOUND', 'Brukaren finns inte eller du saknar behörighet.', 'The client does not exist or you do not have access.');
      const rows = await repo.listClientRows(scope, clientId);
      const freshness = await repo.freshness(scope.municipalityId, `client:${clientId}`);
      await recordAudit(m, { scope, requestId }, [
        { action: AuditAction.Read, resource: 'client.aggregates', purpose: AuditPurpose.FollowUp, clientId: client.id, clientPseudonym: client.pseudonym, orgUnitId: client.homeUnitId },
      ]);
      return { clientId: client.id, pseudonym: client.pseudonym, asOf: freshness.computedAt, pending: freshness.pending, ...rows };
    });
  }
}
