import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Actor, Permission, scopeFor } from '#access';
import type { ScopeKind } from '#aggregation';
import { recordAudit } from '#audit';
import { AuditAction, AuditPurpose } from '#domain';
import { type ExportTable, toCsv, toXlsx } from '#reports';
import { AggregatesService } from '../aggregates/aggregates.service.js';

type Leaf = string | number | null;

/**
 * Flattens an aggregate view to long rows (section, subject, breakdown, measure, value): exactly the figures the
 * view holds for this reader, so the export carries the same suppression as the screen — nothing more.
 */
export function flattenAggregateView(view: Record<string, any>): ExportTable {
  const rows: Leaf[][] = [];
  const leaves = (value: unknown, path: string, emit: (measure: string, v: Leaf) => void) => {
    if (value === null || value === undefined) return emit(path, null);
    if (typeof value === 'number') return emit(path, Number.isFinite(value) ? value : null);
    if (typeof value === 'boolean') return emit(path, value ? 1 : 0);
    if (typeof value === 'string') return emit(path, value);
    if (Array.isArray(value)) return value.forEach((v, i) => leaves(v, `${path}[${i}]`, emit));
    if (typeof value === 'object') for (const [k, v] of Object.entries(value as object)) leaves(v, path ? `${path}.${k}` : k, emit);
  };
  const scope = view.scope ?? {};
  const head = (measure: string, v: Leaf) => rows.push(['scope', '', '', measure, v]);
  head('scope.kind', scope.kind ?? null);
  head('scope.name', scope.name ?? null);
  head('period', view.period?.key ?? null);
  head('period.from', view.period?.from ?? null);
  head('period.to', view.period?.to ?? null);
  head('asOf', view.asOf ? new Date(view.asOf).toISOString() : null);
  head('suppression.k', view.suppression?.k ?? null);
  // A politician's method view whose figures are withheld (its count is hidden on the municipality's row).
  if (view.withheld) head('withheld', view.withheld.code);
  for (const e of view.episodes ?? []) leaves(e.figures, '', (m, v) => rows.push(['episodes', '*', e.breakdown, m, v]));
  for (const e of view.episodesByMethod ?? []) leaves({ started: e.started, active: e.active, completeness: e.completeness }, '', (m, v) => rows.push(['episodes', e.methodId, 'all', m, v]));
  const subject = (s: any) => [s.instrumentCode ?? s.instrumentId, s.scaleId, s.occasion].filter(Boolean).join('/');
  for (const o of view.outcomes ?? []) {
    for (const c of o.cells) {
      if (c.suppressed) rows.push(['outcomes', subject(o), c.breakdown, 'figures', null]);
      else leaves({ ...c.figures, followUpCompleteness: c.followUpCompleteness }, '', (m, v) => rows.push(['outcomes', subject(o), c.breakdown, m, v]));
    }
  }
  for (const d of view.distributions ?? []) {
    for (const c of d.cells) {
      if (c.suppressed) rows.push(['distributions', subject(d), c.breakdown, 'figures', null]);
      else leaves(c.figures, '', (m, v) => rows.push(['distributions', subject(d), c.breakdown, m, v]));
    }
  }
  for (const x of view.experience ?? []) {
    for (const c of x.cells) leaves({ n: c.n, answers: c.answers }, '', (m, v) => rows.push(['experience', subject(x), c.breakdown, m, v]));
  }
  return { name: 'Mätpunkt', header: ['section', 'subject', 'breakdown', 'measure', 'value'], rows };
}

/** CSV and XLSX of any aggregate view the user may see (GET /api/v1/exports/aggregates/...). */
@Injectable()
export class AggregateExportsService {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(AggregatesService) private readonly aggregates: AggregatesService,
  ) {}

  async export(actor: Actor, requestId: string, kind: ScopeKind, id: string, q: { format: 'csv' | 'xlsx'; period?: string; breakdown?: 'all' | 'sex' | 'age' }) {
    const view = await this.aggregates.getScope(actor, kind, id, { period: q.period, breakdown: q.breakdown });
    const table = flattenAggregateView(view as unknown as Record<string, any>);
    const body = q.format === 'csv' ? toCsv(table) : await toXlsx(table);
    const scope = scopeFor(actor, Permission.AggregateRead);
    await recordAudit(this.ds.manager, { scope, requestId }, [
      { action: AuditAction.Read, resource: `aggregate_export:${kind}:${id}:${view.period.key}:${q.breakdown ?? 'all'}:${q.format}`, purpose: AuditPurpose.FollowUp },
    ]);
    const filename = `matpunkt-${kind}-${view.period.key}-${q.breakdown ?? 'all'}.${q.format}`;
    return { body, filename, contentType: q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
  }
}
