import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Permission } from '#access';
import { Clock } from '../common/clock.js';
import { RequirePermission } from '../common/permission.decorator.js';
import { type AuthenticatedRequest, RequestId } from '../common/request-context.js';
import { EpisodesService, type EpisodeView } from '../episodes/episodes.service.js';
import { CreateGoalDto, RecordAttainmentDto } from '../goals/goal.dto.js';
import { GoalAttainmentService } from '../goals/goal-attainment.service.js';
import { GoalsService } from '../goals/goals.service.js';
import { CreateOccasionNoteDto } from '../notes/note.dto.js';
import { OccasionNotesService } from '../notes/occasion-notes.service.js';
import { ResponseReadsService } from '../responses/response-reads.service.js';
import { findOccasion } from './episode-pages.controller.js';
import { attempt, domainFormErrors, type FormError, formError, formFields, str, validateForm } from './form.js';
import { translator } from './i18n/i18n.js';
import { occasionLabel } from './labels.js';
import { resolveLocale } from './locale.js';
import { progressCharts } from './progress-chart.js';
import { redirect, renderPage } from './render.js';

const KEY = /^[0-9a-f-]{36}$/i;
const GAS_LEVELS = ['2', '1', '0', '-1', '-2'] as const;

/** After the questionnaire: the client's own progress, what was discussed and decided, and goals with GAS. */
@ApiExcludeController()
@Controller('insatser/:id')
export class FollowUpPagesController {
  constructor(
    @Inject(EpisodesService) private readonly episodes: EpisodesService,
    @Inject(ResponseReadsService) private readonly responses: ResponseReadsService,
    @Inject(OccasionNotesService) private readonly notes: OccasionNotesService,
    @Inject(GoalsService) private readonly goals: GoalsService,
    @Inject(GoalAttainmentService) private readonly attainment: GoalAttainmentService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** The client's progress chart, with its figures as a table and a sentence to say aloud. */
  @RequirePermission(Permission.ClientRead)
  @Get('resultat')
  async getProgress(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Param('id', ParseUUIDPipe) id: string) {
    const actor = req.actor!;
    const locale = resolveLocale(req);
    const t = translator(locale);
    const q = req.query as Record<string, unknown>;
    const episode = await this.episodes.get(actor, requestId, id);
    const view = await this.responses.listForEpisode(actor, requestId, id);
    const first = typeof q.formular === 'string' ? q.formular : '';
    const charts = progressCharts(view, t, locale).sort((a, b) => Number(b.instrumentCode === first) - Number(a.instrumentCode === first));
    const latestDone = [...view.occasions].reverse().find((o) => o.state === 'done');
    return renderPage(req, reply, 'pages/progress.njk', {
      episode,
      charts,
      savedKey: typeof q.sparat === 'string' && KEY.test(q.sparat) ? q.sparat : '',
      noted: q.antecknat === '1',
      latest: latestDone ? { id: latestDone.id, label: occasionLabel(t, latestDone) } : null,
    });
  }

  @RequirePermission(Permission.ClientWrite)
  @Get('tillfallen/:occasionId/samtal')
  async getDiscussedNote(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Param('id', ParseUUIDPipe) id: string, @Param('occasionId', ParseUUIDPipe) occasionId: string) {
    const episode = await this.episodes.get(req.actor!, requestId, id);
    return this.notePage(req, reply, episode, occasionId, 'discussed_with_client', { heldOn: this.clock.today(), withWhom: 'client' }, []);
  }

  @RequirePermission(Permission.ClientWrite)
  @Get('tillfallen/:occasionId/beslut')
  async getDecisionNote(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Param('id', ParseUUIDPipe) id: string, @Param('occasionId', ParseUUIDPipe) occasionId: string) {
    const episode = await this.episodes.get(req.actor!, requestId, id);
    return this.notePage(req, reply, episode, occasionId, 'adjustment_decision', { heldOn: this.clock.today() }, []);
  }

  @RequirePermission(Permission.ClientWrite)
  @Post('tillfallen/:occasionId/samtal')
  async createDiscussedNote(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Param('id', ParseUUIDPipe) id: string, @Param('occasionId', ParseUUIDPipe) occasionId: string, @Body() body: unknown) {
    const f = formFields(body);
    const input = { kind: 'discussed_with_client', heldOn: str(f, 'heldOn'), withWhom: str(f, 'withWhom') || undefined, clientComment: str(f, 'clientComment') || undefined, text: str(f, 'text') || undefined };
    return this.saveNote(req, reply, requestId, id, occasionId, input);
  }

  @RequirePermission(Permission.ClientWrite)
  @Post('tillfallen/:occasionId/beslut')
  async createDecisionNote(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Param('id', ParseUUIDPipe) id: string, @Param('occasionId', ParseUUIDPipe) occasionId: string, @Body() body: unknown) {
    const f = formFields(body);
    const adjusted = str(f, 'adjusted');
    const input = {
      kind: 'adjustment_decision',
      heldOn: str(f, 'heldOn'),
      adjusted: adjusted === 'yes' ? true : adjusted === 'no' ? false : undefined,
      what: adjusted === 'yes' ? str(f, 'what') || undefined : undefined,
      why: str(f, 'why') || undefined,
      text: str(f, 'text') || undefined,
    };
    return this.saveNote(req, reply, requestId, id, occasionId, input, { adjusted });
  }

  @RequirePermission(Permission.ClientWrite)
  @Get('mal/nytt')
  async getNewGoal(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Param('id', ParseUUIDPipe) id: string) {
    const episode = await this.episodes.get(req.actor!, requestId, id);
    return renderPage(req, reply, 'pages/goal-new.njk', { episode, values: { gas: {} }, errors: [], levels: GAS_LEVELS });
  }

  @RequirePermission(Permission.ClientWrite)
  @Post('mal/nytt')
  async createGoal(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Param('id', ParseUUIDPipe) id: string, @Body() body: unknown) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const f = formFields(body);
    const gas = Object.fromEntries(GAS_LEVELS.map((l) => [l, str(f, `gas_${l}`)]));
    const useGas = Object.values(gas).some((v) => v !== '');
    const input = { text: str(f, 'text'), targetDate: str(f, 'targetDate') || undefined, gas: useGas ? { levels: gas } : undefined };
    const labels: Record<string, string> = { text: t('goal.text'), targetDate: t('goal.targetDate') };
    for (const l of GAS_LEVELS) labels[`gas.levels.${l}`] = t(`gas.level.${l}`);
    const episode = await this.episodes.get(req.actor!, requestId, id);
    const again = (errors: FormError[], status: number) => renderPage(req, reply, 'pages/goal-new.njk', { episode, values: { ...input, gas }, errors: errors.map(gasHref), levels: GAS_LEVELS }, { status });
    const { value, errors } = validateForm(CreateGoalDto, input, t, labels);
    if (errors.length > 0) return again(errors, 400);
    const created = await attempt(() => this.goals.create(req.actor!, requestId, id, value));
    if (!created.ok) return again(domainFormErrors(created.error, locale, labels, 'text'), 400);
    return redirect(reply, `/brukare/${episode.clientId}`);
  }

  /** GAS levels (or reached / not reached) of every goal at an occasion. */
  @RequirePermission(Permission.ClientWrite)
  @Get('tillfallen/:occasionId/mal')
  async getAttainment(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Param('id', ParseUUIDPipe) id: string, @Param('occasionId', ParseUUIDPipe) occasionId: string) {
    return this.attainmentPage(req, reply, requestId, id, occasionId, {}, []);
  }

  @RequirePermission(Permission.ClientWrite)
  @Post('tillfallen/:occasionId/mal')
  async createAttainment(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Param('id', ParseUUIDPipe) id: string, @Param('occasionId', ParseUUIDPipe) occasionId: string, @Body() body: unknown) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const f = formFields(body);
    const { goals } = await this.goals.listForEpisode(req.actor!, requestId, id);
    const values: Record<string, string> = {};
    const errors: FormError[] = [];
    for (const goal of goals) {
      const raw = str(f, `goal_${goal.id}`);
      values[goal.id] = raw;
      if (raw === '') continue;
      const dto = goal.gas ? { gasLevel: Number(raw) } : { achieved: raw === 'yes' };
      const { value, errors: invalid } = validateForm(RecordAttainmentDto, dto, t, {});
      if (invalid.length > 0) {
        errors.push(formError(`goal_${goal.id}`, '', t('goal.attainment.error')));
        continue;
      }
      const saved = await attempt(() => this.attainment.record(req.actor!, requestId, occasionId, goal.id, value));
      if (!saved.ok) errors.push(...domainFormErrors(saved.error, locale, {}, `goal_${goal.id}`).map((e) => ({ ...e, field: `goal_${goal.id}`, href: `#goal_${goal.id}` })));
    }
    if (errors.length > 0) return this.attainmentPage(req, reply, requestId, id, occasionId, values, errors, 400);
    const episode = await this.episodes.get(req.actor!, requestId, id);
    return redirect(reply, `/brukare/${episode.clientId}`);
  }

  private async attainmentPage(req: AuthenticatedRequest, reply: FastifyReply, requestId: string, id: string, occasionId: string, values: Record<string, string>, errors: FormError[], status = 200) {
    const t = translator(resolveLocale(req));
    const episode = await this.episodes.get(req.actor!, requestId, id);
    const occasion = findOccasion(episode, occasionId);
    const { goals } = await this.goals.listForEpisode(req.actor!, requestId, id);
    return renderPage(req, reply, 'pages/goal-attainment.njk', {
      episode,
      occasion: { ...occasion, label: occasionLabel(t, occasion) },
      goals: goals.map((g) => ({
        ...g,
        field: `goal_${g.id}`,
        value: values[g.id] ?? '',
        items: g.gas
          ? GAS_LEVELS.map((l) => ({ value: l, text: t(`gas.level.${l}`), hint: g.gas!.levels[l] }))
          : [{ value: 'yes', text: t('goal.achieved') }, { value: 'no', text: t('goal.notAchieved') }],
      })),
      errors,
    }, { status });
  }

  private async saveNote(req: AuthenticatedRequest, reply: FastifyReply, requestId: string, id: string, occasionId: string, input: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const kind = input.kind as 'discussed_with_client' | 'adjustment_decision';
    const labels = { heldOn: t('note.heldOn'), withWhom: t('note.withWhom'), clientComment: t('note.clientComment'), adjusted: t('note.adjusted'), what: t('note.what'), why: t('note.why'), text: t('note.text') };
    const episode = await this.episodes.get(req.actor!, requestId, id);
    const values = { ...input, ...extra };
    const { value, errors } = validateForm(CreateOccasionNoteDto, input, t, labels);
    if (errors.length > 0) return this.notePage(req, reply, episode, occasionId, kind, values, errors, 400);
    const saved = await attempt(() => this.notes.create(req.actor!, requestId, occasionId, value));
    if (!saved.ok) return this.notePage(req, reply, episode, occasionId, kind, values, domainFormErrors(saved.error, locale, labels, 'heldOn'), 400);
    return redirect(reply, `/insatser/${id}/resultat?antecknat=1`);
  }

  private async notePage(req: AuthenticatedRequest, reply: FastifyReply, episode: EpisodeView, occasionId: string, kind: string, values: Record<string, unknown>, errors: FormError[], status = 200) {
    const t = translator(resolveLocale(req));
    const occasion = findOccasion(episode, occasionId);
    return renderPage(req, reply, kind === 'discussed_with_client' ? 'pages/note-discussed.njk' : 'pages/note-decision.njk', {
      episode,
      occasion: { ...occasion, label: occasionLabel(t, occasion) },
      values,
      errors,
    }, { status });
  }
}

/** GAS level errors point at the level's input. */
function gasHref(e: FormError): FormError {
  const m = /^gas\.levels\.(-?\d)$/.exec(e.field);
  return m ? { ...e, field: `gas_${m[1]}`, href: `#gas_${m[1]}` } : e;
}
