import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { ErrorKind, Sex } from '#domain';
import { Permission, scopeFor } from '#access';
import { OrgUnitRepository } from '#persistence';
import { RegisterClientDto } from '../clients/client.dto.js';
import { ClientsService } from '../clients/clients.service.js';
import { EpisodesService } from '../episodes/episodes.service.js';
import { GoalsService } from '../goals/goals.service.js';
import { OccasionNotesService } from '../notes/occasion-notes.service.js';
import { RequirePermission } from '../common/permission.decorator.js';
import { type AuthenticatedRequest, RequestId } from '../common/request-context.js';
import { attempt, domainFormErrors, formError, formFields, optionalInt, statusOf, str } from './form.js';
import { validateForm } from './form.js';
import { translator } from './i18n/i18n.js';
import { choices, occasionLabel } from './labels.js';
import { resolveLocale } from './locale.js';
import { redirect, renderPage } from './render.js';

const SEXES = [Sex.Female, Sex.Male, Sex.Other, Sex.Unknown];
const OPEN_STATES = ['planned', 'due', 'overdue'];

/** Clients: search by personnummer (POST only: the number never reaches a URL or a log), register, the client page. */
@ApiExcludeController()
@Controller('brukare')
export class ClientPagesController {
  constructor(
    @Inject(ClientsService) private readonly clients: ClientsService,
    @Inject(EpisodesService) private readonly episodes: EpisodesService,
    @Inject(GoalsService) private readonly goals: GoalsService,
    @Inject(OccasionNotesService) private readonly notes: OccasionNotesService,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  @RequirePermission(Permission.ClientRead)
  @Get()
  async listClients(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string) {
    return this.clientsPage(req, reply, requestId, {});
  }

  @RequirePermission(Permission.ClientSearch)
  @Post('sok')
  async searchClient(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Body() body: unknown) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const pnr = str(formFields(body), 'personnummer');
    if (!pnr) return this.clientsPage(req, reply, requestId, { errors: [formError('personnummer', '', t('clients.search.error.empty'))] }, 400);
    const found = await attempt(() => this.clients.findByIdentityNumber(req.actor!, requestId, pnr), [ErrorKind.Invalid, ErrorKind.NotFound]);
    if (found.ok) return redirect(reply, `/brukare/${found.value.id}`);
    const errors = found.error.kind === ErrorKind.NotFound
      ? [formError('personnummer', '', t('clients.search.error.notFound'))]
      : [formError('personnummer', '', t('clients.search.error.invalid'))];
    // The number typed is shown back only in the field, never in a URL.
    return this.clientsPage(req, reply, requestId, { errors, personnummer: pnr }, statusOf(found.error));
  }

  @RequirePermission(Permission.ClientWrite)
  @Get('ny')
  async getNewClient(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply) {
    return this.newClientPage(req, reply, {});
  }

  @RequirePermission(Permission.ClientWrite)
  @Post('ny')
  async createClient(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Body() body: unknown) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const fields = formFields(body);
    const labels = { homeUnitId: t('clients.new.unit'), personalIdentityNumber: t('clients.new.pnr'), birthYear: t('clients.new.birthYear'), sex: t('clients.new.sex') };
    const input = {
      homeUnitId: str(fields, 'homeUnitId'),
      personalIdentityNumber: str(fields, 'personalIdentityNumber') || undefined,
      birthYear: optionalInt(fields, 'birthYear'),
      sex: str(fields, 'sex') || undefined,
    };
    const { value, errors } = validateForm(RegisterClientDto, input, t, labels);
    if (errors.length > 0) return this.newClientPage(req, reply, { errors, values: input }, 400);
    const created = await attempt(() => this.clients.register(req.actor!, requestId, value), [ErrorKind.Invalid, ErrorKind.Conflict, ErrorKind.NotFound]);
    if (!created.ok) return this.newClientPage(req, reply, { errors: domainFormErrors(created.error, locale, labels, 'homeUnitId'), values: input }, statusOf(created.error));
    return redirect(reply, `/brukare/${created.value.id}?ny=1`);
  }

  @RequirePermission(Permission.ClientRead)
  @Get(':id')
  async getClient(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Param('id', ParseUUIDPipe) id: string) {
    const actor = req.actor!;
    const t = translator(resolveLocale(req));
    const client = await this.clients.get(actor, requestId, id);
    const units = new Map((await new OrgUnitRepository(this.dataSource).listInScope(scopeFor(actor, Permission.ClientRead))).map((u) => [u.id, u.name]));
    const episodes = await this.episodes.listForClient(actor, requestId, id);
    const detailed = [];
    for (const e of episodes) {
      const [goals, notes] = [await this.goals.listForEpisode(actor, requestId, e.id), await this.notes.listForEpisode(actor, requestId, e.id)];
      const occasionsById = new Map(e.occasions.map((o) => [o.id, o]));
      detailed.push({
        ...e,
        unitName: units.get(e.orgUnitId) ?? '',
        open: e.closeDate === null,
        occasions: e.occasions.map((o) => ({ ...o, label: occasionLabel(t, o), open: OPEN_STATES.includes(o.state) })),
        goals: goals.goals,
        gas: goals.gas.map((g) => ({ ...g, label: occasionLabel(t, g) })),
        notes: notes.items.map((n) => {
          const o = n.occasionId ? occasionsById.get(n.occasionId) : undefined;
          return { ...n, occasion: o ? occasionLabel(t, o) : '' };
        }),
      });
    }
    const q = req.query as Record<string, unknown>;
    return renderPage(req, reply, 'pages/client.njk', {
      client: { ...client, unitName: units.get(client.homeUnitId) ?? '' },
      episodes: detailed,
      created: q.ny === '1',
      canWrite: actor.memberships.some((m) => ['caseworker', 'unit_head'].includes(m.role)),
    });
  }

  @RequirePermission(Permission.ClientRead)
  @Get(':id/identitet')
  async getClientIdentity(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Param('id', ParseUUIDPipe) id: string) {
    const client = await this.clients.get(req.actor!, requestId, id);
    const identity = await this.clients.getIdentity(req.actor!, requestId, id);
    return renderPage(req, reply, 'pages/client-identity.njk', { client, identity });
  }

  private async clientsPage(req: AuthenticatedRequest, reply: FastifyReply, requestId: string, data: Record<string, unknown>, status = 200) {
    const actor = req.actor!;
    const q = req.query as Record<string, unknown>;
    const after = typeof q.efter === 'string' && /^[A-Za-z0-9-]{1,20}$/.test(q.efter) ? q.efter : undefined;
    const { items, next } = await this.clients.list(actor, requestId, { after, limit: 25 });
    const units = new Map((await new OrgUnitRepository(this.dataSource).listInScope(scopeFor(actor, Permission.ClientRead))).map((u) => [u.id, u.name]));
    return renderPage(req, reply, 'pages/clients.njk', {
      errors: [],
      personnummer: '',
      ...data,
      clients: items.map((c) => ({ ...c, unitName: units.get(c.homeUnitId) ?? '' })),
      next,
      canSearch: actor.memberships.some((m) => ['caseworker', 'unit_head'].includes(m.role)),
    }, { status });
  }

  private async newClientPage(req: AuthenticatedRequest, reply: FastifyReply, data: { errors?: unknown[]; values?: Record<string, unknown> }, status = 200) {
    const t = translator(resolveLocale(req));
    const units = await new OrgUnitRepository(this.dataSource).listInScope(scopeFor(req.actor!, Permission.ClientWrite));
    return renderPage(req, reply, 'pages/client-new.njk', {
      errors: data.errors ?? [],
      values: data.values ?? { homeUnitId: units.length === 1 ? units[0]!.id : '' },
      units: units.map((u) => ({ value: u.id, text: u.name })),
      sexes: choices(t, 'sex', SEXES),
    }, { status });
  }
}
