import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Permission, rolesGranting, scopeFor } from '#access';
import { ErrorKind, OrgUnitKind } from '#domain';
import { OrgUnitRepository } from '#persistence';
import { AggregatesService } from '../aggregates/aggregates.service.js';
import { RequirePermission } from '../common/permission.decorator.js';
import type { AuthenticatedRequest } from '../common/request-context.js';
import { InstrumentsService } from '../instruments/instruments.service.js';
import { MethodsService } from '../methods/methods.service.js';
import { ReportArchiveService } from '../reports/report-archive.service.js';
import { AggregateView, breakdownParam, formatAsOf, loadDefinitions, periodLabel, periodOptions, type ScopeData, scopeQuery } from './aggregate-view.js';
import { attempt } from './form.js';
import { translator } from './i18n/i18n.js';
import { resolveLocale } from './locale.js';
import { renderPage } from './render.js';

/**
 * Aggregated results for politicians (and analysts): the municipality, each administration and each method, never
 * a client or a unit below administration level. Suppression is AggregatesService's (k per audience): a hidden
 * figure arrives as null and is shown as "..", with the explanation at the top of the page.
 */
@ApiExcludeController()
@Controller('resultat')
export class ResultsPagesController {
  constructor(
    @Inject(AggregatesService) private readonly aggregates: AggregatesService,
    @Inject(MethodsService) private readonly methods: MethodsService,
    @Inject(InstrumentsService) private readonly instruments: InstrumentsService,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ReportArchiveService) private readonly reports: ReportArchiveService,
  ) {}

  @RequirePermission(Permission.AggregateRead)
  @Get()
  async getResults(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply) {
    const actor = req.actor!;
    const locale = resolveLocale(req);
    const t = translator(locale);
    const q = scopeQuery(req.query as Record<string, unknown>);
    const scopes: { heading: string; section: 'municipality' | 'administration' | 'method'; data: ScopeData }[] = [];
    const municipality = await attempt(() => this.aggregates.getScope(actor, 'municipality', actor.municipalityId, q), [ErrorKind.Forbidden]);
    if (municipality.ok) scopes.push({ heading: t('dash.municipality'), section: 'municipality', data: municipality.value });
    const units = await new OrgUnitRepository(this.dataSource).listInScope(scopeFor(actor, Permission.AggregateRead));
    for (const u of units.filter((x) => x.kind === OrgUnitKind.Administration)) {
      scopes.push({ heading: u.name, section: 'administration', data: await this.aggregates.getScope(actor, 'unit', u.id, q) });
    }
    const methods = new Map((await this.methods.list(actor)).map((m) => [m.id, m]));
    if (municipality.ok) {
      for (const m of municipality.value.episodesByMethod) {
        const method = methods.get(m.methodId);
        scopes.push({ heading: method?.name ?? m.methodId, section: 'method', data: await this.aggregates.getScope(actor, 'method', m.methodId, q) });
      }
    }
    const codes = scopes.flatMap((s) => s.data.outcomes.map((o) => o.instrumentCode));
    const view = new AggregateView(locale, t, await loadDefinitions(this.instruments, actor, codes));
    const shown = scopes.map((s) => ({
      heading: s.heading,
      section: s.section,
      evidenceStatus: s.section === 'method' ? (methods.get(s.data.scope.id)?.evidenceStatus ?? null) : null,
      // A method whose count is hidden on the municipality's row: its own figures would give it back.
      withheld: s.data.withheld ? t('results.withheld') : null,
      episodes: view.episodes(s.data),
      outcomes: view.outcomes(s.data),
    }));
    // One chart: the reliable-change categories of the first scale in each scope (the "all" cell), from the tables.
    const first = shown.find((s) => s.outcomes.length)?.outcomes[0];
    const chartRows = first
      ? shown.flatMap((s) => {
          const o = s.outcomes.find((x) => x.subject === first.subject);
          const r = o?.rows[0];
          return r ? [{ scope: s.heading, improved: r.improved, unchanged: r.unchanged, deteriorated: r.deteriorated, nPairs: r.nPairs }] : [];
        })
      : [];
    // A chart of nothing but hidden figures would be empty: then only the table shows.
    const chart = chartRows.some((r) => r.improved.value !== null || r.unchanged.value !== null || r.deteriorated.value !== null)
      ? {
          type: 'bar',
          stacked: true,
          horizontal: true,
          max: 100,
          label: t('results.chart.label', { name: first!.name }),
          labels: chartRows.map((r) => r.scope),
          datasets: (['improved', 'unchanged', 'deteriorated'] as const).map((k, i) => ({
            label: t(`dash.col.${k}`),
            data: chartRows.map((r) => (r[k].value === null ? null : Math.round(r[k].value * 1000) / 10)),
            color: ['#00703c', '#b1b4b6', '#c3311a'][i],
          })),
        }
      : null;
    const first0 = scopes[0]?.data;
    return renderPage(req, reply, 'pages/results.njk', {
      period: { key: q.period, label: periodLabel(t, q.period), from: first0?.period.from, to: first0?.period.to },
      periods: periodOptions(t),
      breakdown: breakdownParam(q.breakdown),
      asOf: formatAsOf(first0?.asOf ?? null),
      pending: scopes.some((s) => s.data.pending),
      suppression: scopes.find((s) => s.data.suppression)?.data.suppression ?? null,
      sections: (['municipality', 'administration', 'method'] as const).map((section) => ({ section, scopes: shown.filter((s) => s.section === section) })),
      chart,
      chartName: first?.name,
      chartRows,
    });
  }

  /** The report archive: the stored result reports the reader may see (ReportArchiveService), newest first. */
  @RequirePermission(Permission.AggregateRead)
  @Get('rapporter')
  async listReports(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply) {
    const actor = req.actor!;
    const t = translator(resolveLocale(req));
    const stored = rolesGranting(actor, Permission.ReportRead).length > 0 ? await this.reports.list(actor) : [];
    const reports = stored.map((r) => ({
      id: r.id,
      name: r.definitionName,
      period: periodLabel(t, r.periodKey),
      version: r.version,
      language: r.language,
      asOf: formatAsOf(r.dataAsOf),
    }));
    return renderPage(req, reply, 'pages/reports.njk', { reports });
  }
}
