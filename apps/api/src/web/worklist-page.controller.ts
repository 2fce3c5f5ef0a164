import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Permission, scopeFor } from '#access';
import { OrgUnitRepository } from '#persistence';
import { WorklistService } from '../episodes/worklist.service.js';
import { RequirePermission } from '../common/permission.decorator.js';
import { type AuthenticatedRequest, RequestId } from '../common/request-context.js';
import { translator } from './i18n/i18n.js';
import { occasionLabel } from './labels.js';
import { resolveLocale } from './locale.js';
import { renderPage } from './render.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The caseworker's worklist (and the unit's, for unit heads): overdue, due, and follow-ups awaiting a decision. */
@ApiExcludeController()
@Controller()
export class WorklistPageController {
  constructor(
    @Inject(WorklistService) private readonly worklist: WorklistService,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  @RequirePermission(Permission.ClientRead)
  @Get('arbetslista')
  async listWorklist(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string) {
    const actor = req.actor!;
    const t = translator(resolveLocale(req));
    const q = req.query as Record<string, unknown>;
    const view = q.vy === 'enhet' ? 'unit' : 'mine';
    const units = await new OrgUnitRepository(this.dataSource).listInScope(scopeFor(actor, Permission.ClientRead));
    const unitId = typeof q.enhet === 'string' && UUID.test(q.enhet) ? q.enhet : units[0]?.id;
    const { asOf, items } = await this.worklist.list(actor, requestId, { view, unitId: view === 'unit' ? unitId : undefined });
    const groups = (['overdue', 'needs_adjustment_decision', 'due'] as const).map((reason) => ({
      reason,
      items: items
        .filter((i) => i.reason === reason)
        .map((i) => ({
          ...i,
          occasion: occasionLabel(t, i),
          href: reason === 'needs_adjustment_decision' ? `/insatser/${i.episodeId}/tillfallen/${i.occasionId}/beslut` : `/insatser/${i.episodeId}/tillfallen/${i.occasionId}`,
        })),
    }));
    return renderPage(req, reply, 'pages/worklist.njk', {
      view,
      asOf,
      groups,
      total: items.length,
      unitId,
      units: units.map((u) => ({ value: u.id, text: u.name })),
    });
  }
}
