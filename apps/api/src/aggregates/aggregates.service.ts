import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Actor, Permission, scopeFor } from '#access';
import {
  AGE_BANDS,
  AggregateReadRepository,
  episodeFigures,
  type FigureRow,
  occasionFigures,
  outcomeFigures,
  periodRange,
  type ScopeKind,
  SEXES,
  suppressOutcome,
  suppressShare,
  suppressSummary,
  swedishToday,
  visibleCells,
} from '#aggregation';
import { recordAudit } from '#audit';
import { AuditAction, AuditPurpose, notFound } from '#domain';
import { suppressFigure, suppressTable } from '#statistics';
import { type ResolvedScope, resolveScope } from './access.js';
import { METHOD_WITHHELD, type MethodCountMeasure, MethodCountDisclosure } from './method-disclosure.js';

const BREAKDOWN_KEYS = {
  all: ['all'],
  sex: ['all', ...SEXES.map((s) => `sex:${s}`)],
  age: ['all', ...AGE_BANDS.map((a) => `age:${a}`)],
} as const;

const HIDDEN_SHARE = { numerator: null, denominator: null, value: null, suppressed: true } as const;

/** Group figures per scope, period and breakdown; every figure with its n, every outcome beside its completeness. */
@Injectable()
export class AggregatesService {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  async getScope(actor: Actor, kind: ScopeKind, id: string, q: { period?: string; breakdown?: 'all' | 'sex' | 'age' }) {
    const resolved = await resolveScope(this.ds, actor, kind, id);
    const repo = new AggregateReadRepository(this.ds);
    const period = q.period ?? 'R12';
    const reference = swedishToday();
    const cells = BREAKDOWN_KEYS[q.breakdown ?? 'all'];
    // Politicians see per-method counts on the municipality's, the administrations' and the methods' own pages:
    // suppressed together, so no page gives back a count another one hides (method-disclosure.ts).
    const disclosure = resolved.audience === 'politician' && resolved.k !== null ? await MethodCountDisclosure.load(this.ds, actor.municipalityId, period, resolved.k) : null;
    if (disclosure && kind === 'method' && disclosure.methodHidden(id)) return this.withheldView(actor, resolved, period, reference, q.breakdown ?? 'all');
    const [rows, freshness] = await Promise.all([repo.listFigures(resolved.scopeKey, period, cells), repo.freshness(actor.municipalityId, resolved.scopeKey)]);
    const codes = await repo.instrumentCodes([...new Set(rows.filter((r) => r.figure !== 'episodes').map((r) => r.subject.split('/')[0]!))]);
    const k = resolved.k;
    const bySubject = (figure: FigureRow['figure']) => {
      const map = new Map<string, Map<string, FigureRow>>();
      for (const r of rows.filter((x) => x.figure === figure)) {
        if (!map.has(r.subject)) map.set(r.subject, new Map());
        map.get(r.subject)!.set(r.breakdownKey, r);
      }
      return map;
    };
    // Breakdown cells a suppressed reader may see: counts of the dimension against the 'all' total.
    const shownCells = (byCell: Map<string, FigureRow>, count: (r: FigureRow) => number): Set<string> => {
      const keys = cells.filter((c) => byCell.has(c));
      if (k === null) return new Set(keys);
      const total = byCell.get('all') ? count(byCell.get('all')!) : 0;
      const parts = cells.filter((c) => c !== 'all');
      const shown = new Set<string>();
      if (total >= k || total === 0) shown.add('all');
      if (parts.length > 0) {
        const counts = parts.map((c) => (byCell.has(c) ? count(byCell.get(c)!) : 0));
        if (counts.reduce((a, b) => a + b, 0) === total) {
          visibleCells(counts, total, k).forEach((v, i) => v && byCell.has(parts[i]!) && shown.add(parts[i]!));
        }
      }
      return shown;
    };
    const episodesAll = bySubject('episodes').get('*');
    // The scope's total is a cell of the politicians' linked per-method tables too.
    const totalShown = (cell: string, measure: MethodCountMeasure) => !(disclosure && cell === 'all' && disclosure.isHidden(resolved.scopeKey, '*', measure));
    const episodeCell = (cell: string) => {
      const r = episodesAll?.get(cell);
      if (!r) return null;
      const f = episodeFigures(r.stats);
      if (k === null) return f;
      return {
        active: totalShown(cell, 'active') ? suppressFigure(f.active, f.active, { k }).value : null,
        started: totalShown(cell, 'started') ? suppressFigure(f.started, f.started, { k }).value : null,
        closed: suppressFigure(f.closed, f.closed, { k }).value,
        durationDays: suppressSummary(f.durationDays, k),
        completeness: suppressShare(f.completeness, k),
        occasionsDone: suppressShare(f.occasionsDone, k),
        goals: {
          episodes: suppressFigure(f.goals.episodes, f.goals.episodes, { k }).value,
          goals: suppressFigure(f.goals.goals, f.goals.goals, { k }).value,
          measurable: suppressShare(f.goals.measurable, k),
          attained: suppressShare(f.goals.attained, k),
          gasT: suppressSummary(f.goals.gasT, k),
        },
      };
    };
    const subjectLabel = (subject: string) => {
      const [instrumentId, scaleId, occ] = subject.split('/');
      return { instrumentId, instrumentCode: codes.get(instrumentId!) ?? null, scaleId, ...(occ ? { occasion: occ } : {}) };
    };

    const outcomes = [...bySubject('outcome')].map(([subject, byCell]) => {
      const shown = shownCells(byCell, (r) => Number(r.stats.n_clients));
      return {
        ...subjectLabel(subject),
        cells: cells.filter((c) => byCell.has(c)).map((cell) => {
          const visible = shown.has(cell);
          const f = outcomeFigures(byCell.get(cell)!.stats);
          return {
            breakdown: cell,
            suppressed: !visible,
            figures: !visible ? null : k === null ? f : suppressOutcome(f, k),
            // Every outcome beside its completeness (on-time occasions / due) for the same cell.
            followUpCompleteness: visible ? (episodeCell(cell)?.completeness ?? null) : null,
          };
        }),
      };
    });
    const distributions = [...bySubject('occasion')].map(([subject, byCell]) => {
      const shown = shownCells(byCell, (r) => Number(r.stats.n));
      return {
        ...subjectLabel(subject),
        cells: cells.filter((c) => byCell.has(c)).map((cell) => {
          if (!shown.has(cell)) return { breakdown: cell, suppressed: true, figures: null };
          const f = occasionFigures(byCell.get(cell)!.stats);
          if (k === null) return { breakdown: cell, suppressed: false, figures: f };
          const bands = suppressTable({ counts: f.bands.map((b) => b.n), total: f.n }, { k });
          return {
            breakdown: cell,
            suppressed: false,
            figures: {
              ...suppressSummary({ n: f.n, mean: f.mean, sd: f.sd }, k),
              cases: suppressShare(f.cases, k),
              bands: f.bands.map((b, i) => ({ band: b.band, n: bands.counts[i]!.value })),
            },
          };
        }),
      };
    });
    const experience = [...bySubject('answers')].map(([subject, byCell]) => ({
      ...subjectLabel(subject),
      cells: cells.filter((c) => byCell.has(c)).map((cell) => {
        const s = byCell.get(cell)!.stats as { n: number; answers: Record<string, number> };
        const entries = Object.entries(s.answers).sort(([a], [b]) => Number(a) - Number(b));
        const t = k === null ? null : suppressTable({ counts: entries.map(([, n]) => n), total: s.n }, { k });
        const total = k === null ? s.n : suppressFigure(s.n, s.n, { k }).value;
        return {
          breakdown: cell,
          n: total,
          answers: entries.map(([answer, n], i) => {
            const shown = t ? t.counts[i]!.value : n;
            return { answer, n: total === null ? null : shown, share: total === null || shown === null ? null : n / s.n };
          }),
        };
      }),
    }));
    // Per-method counts add up to the scope's total, which is shown: a lone hidden method could be computed
    // back from it, so the methods are suppressed together, with complementary cells (like a table row).
    const methodRows = [...bySubject('episodes')]
      .filter(([s]) => s !== '*')
      .map(([methodId, byCell]) => {
        const r = byCell.get('all');
        return { methodId, f: r ? episodeFigures(r.stats) : null };
      });
    const shownAlongTotal = (counts: number[]) =>
      k === null ? counts.map(() => true) : suppressTable({ counts, total: counts.reduce((a, b) => a + b, 0) }, { k }).counts.map((c, i) => c.value !== null || counts[i] === 0);
    const linkedShown = (measure: MethodCountMeasure) => methodRows.map((m) => !disclosure!.isHidden(resolved.scopeKey, m.methodId, measure));
    const startedShown = disclosure ? linkedShown('started') : shownAlongTotal(methodRows.map((m) => m.f?.started ?? 0));
    const activeShown = disclosure ? linkedShown('active') : shownAlongTotal(methodRows.map((m) => m.f?.active ?? 0));
    const byMethod = methodRows.map(({ methodId, f }, i) => ({
      methodId,
      started: f && (startedShown[i] ? f.started : null),
      active: f && (activeShown[i] ? f.active : null),
      // A method's occasion counts would tell roughly how many people it has: hidden with its counts (politicians).
      completeness:
        f && (k === null ? f.completeness : disclosure && !(startedShown[i] && activeShown[i]) ? HIDDEN_SHARE : suppressShare(f.completeness, k)),
    }));
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

  /** One scale over every stored period (half-years and years) for trend charts. */
  async getTrend(actor: Actor, kind: ScopeKind, id: string, subject: string) {
    const resolved = await resolveScope(this.ds, actor, kind, id);
    const repo = new AggregateReadRepository(this.ds);
    const k = resolved.k;
    const outcome = await repo.listTrend(resolved.scopeKey, 'outcome', subject);
    const occasions = await repo.listTrend(resolved.scopeKey, 'occasion', subject);
    const freshness = await repo.freshness(actor.municipalityId, resolved.scopeKey);
    return {
      scope: resolved.label,
      subject,
      asOf: freshness.computedAt,
      pending: freshness.pending,
      suppression: k === null ? null : { k, shownAs: '..' },
      outcome: outcome.map((r) => {
        const f = outcomeFigures(r.stats);
        return { period: r.periodKey, figures: k === null ? f : suppressOutcome(f, k) };
      }),
      occasions: occasions.map((r) => {
        const f = occasionFigures(r.stats);
        return { period: r.periodKey, occasion: r.subject.split('/')[2], ...(k === null ? f : { ...suppressSummary(f, k), cases: suppressShare(f.cases, k) }) };
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
