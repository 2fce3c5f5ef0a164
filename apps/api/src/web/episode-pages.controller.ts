import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { EpisodeCloseReason, ErrorKind, notFound } from '#domain';
import { Permission, scopeFor } from '#access';
import { OrgUnitRepository } from '#persistence';
import { ClientsService } from '../clients/clients.service.js';
import { Clock } from '../common/clock.js';
import { RequirePermission } from '../common/permission.decorator.js';
import { type AuthenticatedRequest, RequestId } from '../common/request-context.js';
import { CloseEpisodeDto, MarkMissedDto, StartEpisodeDto } from '../episodes/episode.dto.js';
import { EpisodesService, type EpisodeView } from '../episodes/episodes.service.js';
import { MethodsService } from '../methods/methods.service.js';
import { ResponseReadsService } from '../responses/response-reads.service.js';
import { attempt, domainFormErrors, type FormError, formFields, statusOf, str, validateForm } from './form.js';
import { translator } from './i18n/i18n.js';
import { choices, occasionLabel } from './labels.js';
import { resolveLocale } from './locale.js';
import { redirect, renderPage } from './render.js';

const CLOSE_REASONS = Object.values(EpisodeCloseReason);
const OPEN_STATES = ['planned', 'due', 'overdue'];

export function findOccasion(episode: EpisodeView, occasionId: string) {
  const occasion = episode.occasions.find((o) => o.id === occasionId);
  if (!occasion) throw notFound('OCCASION.NOT_FOUND', 'Mättillfället finns inte eller du saknar behörighet.', 'The occasion does not exist or you do not have access.');
  return occasion;
}

/** Starting and closing an intervention, an occasion's page, and marking an occasion missed. */
@ApiExcludeController()
@Controller()
export class EpisodePagesController {
  constructor(
    @Inject(EpisodesService) private readonly episodes: EpisodesService,
    @Inject(ClientsService) private readonly clients: ClientsService,
    @Inject(MethodsService) private readonly methods: MethodsService,
    @Inject(ResponseReadsService) private readonly responses: ResponseReadsService,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @RequirePermission(Permission.ClientWrite)
  @Get('brukare/:id/insatser/ny')
  async getNewEpisode(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Param('id', ParseUUIDPipe) clientId: string) {
    return this.newEpisodePage(req, reply, requestId, clientId, { startDate: this.clock.today() }, []);
  }

  @RequirePermission(Permission.ClientWrite)
  @Post('brukare/:id/insatser/ny')
  async createEpisode(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Param('id', ParseUUIDPipe) clientId: string, @Body() body: unknown) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const fields = formFields(body);
    const input = { clientId, methodId: str(fields, 'methodId'), orgUnitId: str(fields, 'orgUnitId'), caseworkerUserId: req.actor!.userId, startDate: str(fields, 'startDate') };
    const labels = { methodId: t('episode.new.method'), orgUnitId: t('episode.new.unit'), startDate: t('episode.new.startDate'), caseworkerUserId: t('episode.new.caseworker') };
    const { value, errors } = validateForm(StartEpisodeDto, input, t, labels);
    if (errors.length > 0) return this.newEpisodePage(req, reply, requestId, clientId, input, errors, 400);
    const started = await attempt(() => this.episodes.start(req.actor!, requestId, value), [ErrorKind.Invalid, ErrorKind.Conflict, ErrorKind.Unprocessable]);
    if (!started.ok) return this.newEpisodePage(req, reply, requestId, clientId, input, domainFormErrors(started.error, locale, labels, 'methodId'), statusOf(started.error));
    const start = started.value.occasions.find((o) => o.kind === 'start');
    return redirect(reply, start ? `/insatser/${started.value.id}/tillfallen/${start.id}` : `/brukare/${clientId}`);
  }

  @RequirePermission(Permission.ClientWrite)
  @Get('insatser/:id/avsluta')
  async getCloseEpisode(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Param('id', ParseUUIDPipe) id: string) {
    const episode = await this.episodes.get(req.actor!, requestId, id);
    return this.closePage(req, reply, episode, { closeDate: this.clock.today(), reason: '' }, []);
  }

  @RequirePermission(Permission.ClientWrite)
  @Post('insatser/:id/avsluta')
  async updateEpisodeClosed(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Param('id', ParseUUIDPipe) id: string, @Body() body: unknown) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const fields = formFields(body);
    const input = { closeDate: str(fields, 'closeDate'), reason: str(fields, 'reason') };
    const labels = { closeDate: t('episode.close.date'), reason: t('episode.close.reason') };
    const { value, errors } = validateForm(CloseEpisodeDto, input, t, labels);
    const episode = await this.episodes.get(req.actor!, requestId, id);
    if (errors.length > 0) return this.closePage(req, reply, episode, input, errors, 400);
    const closed = await attempt(() => this.episodes.close(req.actor!, requestId, id, value));
    if (!closed.ok) return this.closePage(req, reply, episode, input, domainFormErrors(closed.error, locale, labels, 'closeDate'), statusOf(closed.error));
    const close = closed.value.occasions.find((o) => o.kind === 'close');
    return redirect(reply, close ? `/insatser/${id}/tillfallen/${close.id}` : `/brukare/${episode.clientId}`);
  }

  /** An occasion: what to fill in with the client, what was recorded, and what to do next. */
  @RequirePermission(Permission.ClientRead)
  @Get('insatser/:id/tillfallen/:occasionId')
  async getOccasion(
    @Req() req: AuthenticatedRequest,
    @Res() reply: FastifyReply,
    @RequestId() requestId: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('occasionId', ParseUUIDPipe) occasionId: string,
  ) {
    const actor = req.actor!;
    const t = translator(resolveLocale(req));
    const episode = await this.episodes.get(actor, requestId, id);
    const occasion = findOccasion(episode, occasionId);
    const method = await this.methods.get(actor, episode.methodId);
    const responses = await this.responses.listForEpisode(actor, requestId, id);
    const recorded = responses.occasions.find((o) => o.id === occasionId)?.responses ?? [];
    const planned = method.plan && method.plan.id === episode.planId ? method.plan.instruments : [];
    const codes = [...new Set(planned.filter((i) => occasion.kind === 'extra' || i.occasionKind === occasion.kind).map((i) => i.code))];
    return renderPage(req, reply, 'pages/occasion.njk', {
      episode,
      occasion: { ...occasion, label: occasionLabel(t, occasion), open: OPEN_STATES.includes(occasion.state) },
      instruments: codes.map((code) => ({ code, done: recorded.some((r) => r.instrument.code === code), response: recorded.find((r) => r.instrument.code === code) })),
      recorded,
      scales: responses.scales,
    });
  }

  @RequirePermission(Permission.ClientWrite)
  @Get('insatser/:id/tillfallen/:occasionId/missat')
  async getOccasionMissed(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Param('id', ParseUUIDPipe) id: string, @Param('occasionId', ParseUUIDPipe) occasionId: string) {
    const episode = await this.episodes.get(req.actor!, requestId, id);
    return this.missedPage(req, reply, episode, occasionId, '', []);
  }

  @RequirePermission(Permission.ClientWrite)
  @Post('insatser/:id/tillfallen/:occasionId/missat')
  async updateOccasionMissed(
    @Req() req: AuthenticatedRequest,
    @Res() reply: FastifyReply,
    @RequestId() requestId: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('occasionId', ParseUUIDPipe) occasionId: string,
    @Body() body: unknown,
  ) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const reason = str(formFields(body), 'reason');
    const labels = { reason: t('occasion.missed.reason') };
    const episode = await this.episodes.get(req.actor!, requestId, id);
    findOccasion(episode, occasionId);
    const { value, errors } = validateForm(MarkMissedDto, { reason }, t, labels);
    if (errors.length > 0) return this.missedPage(req, reply, episode, occasionId, reason, errors, 400);
    const marked = await attempt(() => this.episodes.markMissed(req.actor!, requestId, occasionId, value.reason));
    if (!marked.ok) return this.missedPage(req, reply, episode, occasionId, reason, domainFormErrors(marked.error, locale, labels, 'reason'), statusOf(marked.error));
    return redirect(reply, `/brukare/${episode.clientId}`);
  }

  private async newEpisodePage(req: AuthenticatedRequest, reply: FastifyReply, requestId: string, clientId: string, values: Record<string, unknown>, errors: FormError[], status = 200) {
    const actor = req.actor!;
    const client = await this.clients.get(actor, requestId, clientId);
    const methods = (await this.methods.list(actor)).filter((m) => m.plan);
    const units = await new OrgUnitRepository(this.dataSource).listInScope(scopeFor(actor, Permission.ClientWrite));
    return renderPage(req, reply, 'pages/episode-new.njk', {
      client,
      errors,
      values: { orgUnitId: units.length === 1 ? units[0]!.id : client.homeUnitId, ...values },
      methods: methods.map((m) => ({ value: m.id, text: m.name })),
      units: units.map((u) => ({ value: u.id, text: u.name })),
    }, { status });
  }

  private async closePage(req: AuthenticatedRequest, reply: FastifyReply, episode: EpisodeView, values: Record<string, unknown>, errors: FormError[], status = 200) {
    const t = translator(resolveLocale(req));
    return renderPage(req, reply, 'pages/episode-close.njk', { episode, values, errors, reasons: choices(t, 'closeReason', CLOSE_REASONS) }, { status });
  }

  private async missedPage(req: AuthenticatedRequest, reply: FastifyReply, episode: EpisodeView, occasionId: string, reason: string, errors: FormError[], status = 200) {
    const t = translator(resolveLocale(req));
    const occasion = findOccasion(episode, occasionId);
    return renderPage(req, reply, 'pages/occasion-missed.njk', { episode, occasion: { ...occasion, label: occasionLabel(t, occasion) }, reason, errors }, { status });
  }
}
