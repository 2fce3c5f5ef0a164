import { Controller, Get, Inject, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { type Actor, Permission, rolesGranting, scopeFor } from '#access';
import { AggregateReadRepository, type ScopeKind } from '#aggregation';
import { OrgUnitRepository } from '#persistence';
import { AggregatesService } from '../aggregates/aggregates.service.js';
import { RequirePermission } from '../common/permission.decorator.js';
import type { AuthenticatedRequest } from '../common/request-context.js';
import { InstrumentsService } from '../instruments/instruments.service.js';
import { MethodsService } from '../methods/methods.service.js';
import { UnitNotesService } from '../notes/unit-notes.service.js';
import { AggregateView, breakdownParam, formatAsOf, loadDefinitions, periodLabel, periodOptions, type ScopeData, scopeQuery } from './aggregate-view.js';
import { translator } from './i18n/i18n.js';
import { resolveLocale } from './locale.js';
import { renderPage } from './render.js';

/** How many outcome scales get a trend table and chart (the first ones; the rest show the period's figures). */
const TREND_SCALES = 3;

function can(actor: Actor, permission: Permission): boolean {
  return rolesGranting(actor, permission).length > 0;
}

/**
 * The unit head's dashboard: one scope (the municipality, a unit subtree or a group) organised around the seven
 * questions of DOMAIN.md, with drill-down, trends, the evidence status of each method and the unit's notes.
 * Access, suppression and freshness are AggregatesService's: this controller only arranges its figures.
 */
@ApiExcludeController()
@Controller('oversikt')
export class DashboardPagesController {
  constructor(
    @Inject(AggregatesService) private readonly aggregates: AggregatesService,
    @Inject(MethodsService) private readonly methods: MethodsService,
    @Inject(InstrumentsService) private readonly instruments: InstrumentsService,
    @Inject(UnitNotesService) private readonly unitNotes: UnitNotesService,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /** The top of the reader's scope: the municipality when it covers it, else the first of their units. */
  @RequirePermission(Permission.AggregateRead)
  @Get()
  async getDashboard(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply) {
    const actor = req.actor!;
    const scope = scopeFor(actor, Permission.AggregateRead);
    if (await new AggregateReadRepository(this.dataSource).coversMunicipality(scope)) return this.renderScope(req, reply, 'municipality', actor.municipalityId);
    const units = await new OrgUnitRepository(this.dataSource).listInScope(scope);
    const ids = new Set(units.map((u) => u.id));
    const top = units.find((u) => !u.parentId || !ids.has(u.parentId));
    if (!top) return renderPage(req, reply, 'pages/dashboard-empty.njk');
    return this.renderScope(req, reply, 'unit', top.id);
  }

  @RequirePermission(Permission.AggregateRead)
  @Get('kommun')
  async getMunicipality(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply) {
    return this.renderScope(req, reply, 'municipality', req.actor!.municipalityId);
  }

  @RequirePermission(Permission.AggregateRead)
  @Get('enheter/:id')
  async getUnit(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', ParseUUIDPipe) id: string) {
    return this.renderScope(req, reply, 'unit', id);
  }

  @RequirePermission(Permission.AggregateRead)
  @Get('grupper/:id')
  async getGroup(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', ParseUUIDPipe) id: string) {
    return this.renderScope(req, reply, 'group', id);
  }

  private async renderScope(req: AuthenticatedRequest, reply: FastifyReply, kind: ScopeKind, id: string) {
    const actor = req.actor!;
    const locale = resolveLocale(req);
    const t = translator(locale);
    const q = scopeQuery(req.query as Record<string, unknown>);
    const data = await this.aggregates.getScope(actor, kind, id, q);
    const scope = scopeFor(actor, Permission.AggregateRead);
    const unitsRepo = new OrgUnitRepository(this.dataSource);
    const units = await unitsRepo.listInScope(scope);
    const coversMunicipality = await new AggregateReadRepository(this.dataSource).coversMunicipality(scope);
    const group = kind === 'group' ? await unitsRepo.findGroupInScope(scope, id) : null;
    const unitId = kind === 'unit' ? id : (group?.orgUnitId ?? null);
    const unit = unitId ? units.find((u) => u.id === unitId) : undefined;

    const methods = new Map((await this.methods.list(actor)).map((m) => [m.id, { name: m.name, evidenceStatus: m.evidenceStatus }]));
    const codes = [...data.outcomes, ...data.distributions, ...data.experience].map((o) => o.instrumentCode);
    const view = new AggregateView(locale, t, await loadDefinitions(this.instruments, actor, codes));
    const outcomes = view.outcomes(data);
    const trends = [];
    for (const o of outcomes.slice(0, TREND_SCALES)) {
      trends.push({ name: o.name, ...view.trend(await this.aggregates.getTrend(actor, kind, id, o.subject)) });
    }

    // Drill-down: where this scope sits, and what lies one level below it.
    const suffix = `?period=${q.period}&uppdelning=${breakdownParam(q.breakdown)}`;
    const crumbs: { href: string; text: string }[] = [];
    if (coversMunicipality && kind !== 'municipality') crumbs.push({ href: `/oversikt/kommun${suffix}`, text: t('dash.municipality') });
    if (unit) {
      const ancestors = unit.path.split('/').filter(Boolean).slice(0, kind === 'unit' ? -1 : undefined);
      for (const a of ancestors) {
        const u = units.find((x) => x.id === a);
        if (u) crumbs.push({ href: `/oversikt/enheter/${u.id}${suffix}`, text: u.name });
      }
    }
    const ids = new Set(units.map((u) => u.id));
    const childUnits =
      kind === 'municipality' ? units.filter((u) => !u.parentId || !ids.has(u.parentId)) : kind === 'unit' ? units.filter((u) => u.parentId === id) : [];
    const groups = kind === 'unit' ? await unitsRepo.listGroupsInScope(scope, id) : [];
    const drill = [
      ...childUnits.map((u) => ({ href: `/oversikt/enheter/${u.id}${suffix}`, text: u.name, kind: t(`orgKind.${u.kind}`) })),
      ...groups.map((g) => ({ href: `/oversikt/grupper/${g.id}${suffix}`, text: g.name, kind: t('dash.group') })),
    ];
    // Clients only where the reader has access to the individuals (own units): the existing client pages.
    const clientLinks = data.audience === 'staff' && kind !== 'municipality' && can(actor, Permission.ClientRead);

    // Question 5 at municipality level: the need at start per method (method scopes need the whole organisation).
    const needsByMethod = [];
    if (kind === 'municipality') {
      for (const m of data.episodesByMethod) {
        const md = await this.aggregates.getScope(actor, 'method', m.methodId, { period: q.period, breakdown: 'all' });
        for (const o of view.outcomes(md)) {
          const all = o.rows[0];
          if (all) needsByMethod.push({ method: methods.get(m.methodId)?.name ?? m.methodId, scale: o.name, cases: all.cases, nClients: all.nClients });
        }
      }
    }

    const notes = can(actor, Permission.NoteRead) ? (await this.unitNotes.list(actor, { orgUnitId: unitId ?? undefined, limit: 10 })).items : null;
    const title = kind === 'municipality' ? t('dash.municipality') : data.scope.name;
    return renderPage(req, reply, 'pages/dashboard.njk', {
      title,
      kind,
      scopeId: id,
      unitId,
      kindLabel: kind === 'group' ? t('dash.group') : unit ? t(`orgKind.${unit.kind}`) : '',
      action: kind === 'municipality' ? '/oversikt/kommun' : `/oversikt/${kind === 'unit' ? 'enheter' : 'grupper'}/${id}`,
      period: { key: q.period, label: periodLabel(t, q.period), from: data.period.from, to: data.period.to },
      periods: periodOptions(t),
      breakdown: breakdownParam(q.breakdown),
      asOf: formatAsOf(data.asOf),
      pending: data.pending,
      suppression: data.suppression,
      crumbs,
      drill,
      clientLinks,
      needs: view.needs(data),
      episodes: view.episodes(data),
      byMethod: view.byMethod(data, methods).map((m) => ({ ...m, evidenceHref: `/oversikt/evidens/${m.methodId}${unitId ? `?enhet=${unitId}` : ''}` })),
      outcomes,
      trends,
      needsByMethod,
      experience: view.experience(data),
      notes: notes?.map((n) => ({ ...n, methodName: n.methodId ? (methods.get(n.methodId)?.name ?? '') : '', unitName: units.find((u) => u.id === n.orgUnitId)?.name ?? '' })) ?? null,
      canWriteNotes: can(actor, Permission.NoteWrite) && !!unitId,
      groupsHref: kind === 'unit' && can(actor, Permission.GroupAdmin) ? `/grupper?enhet=${id}` : null,
      hasData: hasFigures(data),
    });
  }
}

function hasFigures(data: ScopeData): boolean {
  return data.episodes.length > 0 || data.outcomes.length > 0 || data.distributions.length > 0;
}

