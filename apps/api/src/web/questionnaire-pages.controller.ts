import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ErrorKind, Respondent, ResponseMode } from '#domain';
import { Permission } from '#access';
import type { AnswerValue, InstrumentDefinition } from '#instruments';
import { RequirePermission } from '../common/permission.decorator.js';
import { type AuthenticatedRequest, RequestId } from '../common/request-context.js';
import { Clock } from '../common/clock.js';
import { EpisodesService, type EpisodeView } from '../episodes/episodes.service.js';
import { InstrumentsService } from '../instruments/instruments.service.js';
import { ResponsesService } from '../responses/responses.service.js';
import { findOccasion } from './episode-pages.controller.js';
import { attempt, domainFormErrors, type FormError, formError, formFields, str } from './form.js';
import { translator } from './i18n/i18n.js';
import { occasionLabel } from './labels.js';
import { resolveLocale } from './locale.js';
import { answerField, answersFromFields, answerText, itemSteps } from './questionnaire-form.js';
import { redirect, renderPage } from './render.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CODE = /^[a-z][a-z0-9_]{1,39}$/;

/** What travels with every step besides the answers: fixed when the form opens, so a resubmission is byte-for-byte the same request. */
interface FormState {
  key: string;
  version: number;
  answeredOn: string;
}

/**
 * Filling in a questionnaire with the client: one group of questions per step, each step a real form post
 * (answers so far travel as hidden fields, so nothing is kept on the server until the client confirms),
 * a summary to check, then one idempotent save under the key generated when the form opened.
 */
@ApiExcludeController()
@Controller('insatser/:id/tillfallen/:occasionId/formular/:code')
export class QuestionnairePagesController {
  constructor(
    @Inject(EpisodesService) private readonly episodes: EpisodesService,
    @Inject(InstrumentsService) private readonly instruments: InstrumentsService,
    @Inject(ResponsesService) private readonly responses: ResponsesService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @RequirePermission(Permission.ClientWrite)
  @Get()
  async getQuestionnaire(
    @Req() req: AuthenticatedRequest,
    @Res() reply: FastifyReply,
    @RequestId() requestId: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('occasionId', ParseUUIDPipe) occasionId: string,
    @Param('code') code: string,
  ) {
    const episode = await this.episodes.get(req.actor!, requestId, id);
    findOccasion(episode, occasionId);
    const instrument = await this.instruments.get(req.actor!, safeCode(code));
    const state: FormState = { key: randomUUID(), version: instrument.version, answeredOn: this.clock.today() };
    return this.step(req, reply, episode, occasionId, instrument.definition, state, {}, 0, []);
  }

  @RequirePermission(Permission.ClientWrite)
  @Post()
  async createResponse(
    @Req() req: AuthenticatedRequest,
    @Res() reply: FastifyReply,
    @RequestId() requestId: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('occasionId', ParseUUIDPipe) occasionId: string,
    @Param('code') code: string,
    @Body() body: unknown,
  ) {
    const actor = req.actor!;
    const locale = resolveLocale(req);
    const t = translator(locale);
    const fields = formFields(body);
    const episode = await this.episodes.get(actor, requestId, id);
    findOccasion(episode, occasionId);
    const version = Number(str(fields, 'version'));
    const instrument = await this.instruments.get(actor, safeCode(code), Number.isInteger(version) && version > 0 ? version : undefined);
    const def = instrument.definition;
    const state: FormState = {
      key: UUID.test(str(fields, 'key')) ? str(fields, 'key') : randomUUID(),
      version: instrument.version,
      answeredOn: str(fields, 'answeredOn') || this.clock.today(),
    };
    const steps = itemSteps(def);
    const answers = answersFromFields(def, fields);
    const current = clamp(Number(str(fields, 'step')), 0, steps.length);
    const action = str(fields, 'action');
    const goto = str(fields, 'goto');

    if (goto !== '') return this.step(req, reply, episode, occasionId, def, state, answers, clamp(Number(goto), 0, steps.length), []);
    if (action === 'back') return this.step(req, reply, episode, occasionId, def, state, answers, Math.max(0, current - 1), []);
    if (action === 'next' && current < steps.length) {
      const missing = steps[current]!.filter((item) => item.required && answers[item.id] === undefined);
      if (missing.length > 0) {
        const errors = missing.map((item) => formError(answerField(item.id), '', t('questionnaire.error.answer', { n: def.items.indexOf(item) + 1 })));
        return this.step(req, reply, episode, occasionId, def, state, answers, current, errors, 400);
      }
      return this.step(req, reply, episode, occasionId, def, state, answers, current + 1, []);
    }
    if (action !== 'save') return this.step(req, reply, episode, occasionId, def, state, answers, current, []);

    const dto = { instrumentCode: def.code, instrumentVersion: state.version, answeredOn: state.answeredOn, respondent: Respondent.Client, mode: ResponseMode.WithCaseworker, answers };
    const route = `POST /insatser/${id}/tillfallen/${occasionId}/formular/${def.code}`;
    const saved = await attempt(() => this.responses.record(actor, requestId, occasionId, dto, { key: state.key, route }), [ErrorKind.Invalid, ErrorKind.Conflict, ErrorKind.Unprocessable]);
    if (saved.ok) return redirect(reply, `/insatser/${id}/resultat?sparat=${state.key}&formular=${def.code}`);
    const labels = { answeredOn: t('questionnaire.answeredOn') };
    return this.step(req, reply, episode, occasionId, def, state, answers, steps.length, domainFormErrors(saved.error, locale, labels, 'save'), 400);
  }

  private async step(
    req: AuthenticatedRequest,
    reply: FastifyReply,
    episode: EpisodeView,
    occasionId: string,
    def: InstrumentDefinition,
    state: FormState,
    answers: Record<string, AnswerValue>,
    step: number,
    errors: FormError[],
    status = 200,
  ) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const occasion = findOccasion(episode, occasionId);
    const steps = itemSteps(def);
    const onStep = new Set((steps[step] ?? []).map((i) => i.id));
    const yesNo = { yes: t('questionnaire.yes'), no: t('questionnaire.no') };
    // Built-in items whose Swedish wording is not yet loaded are English: say so, so screen readers pronounce them right.
    const itemLang = locale === 'sv' && def.languageNote.swedishText === 'english_placeholder' ? 'en' : null;
    const items = def.items.map((item, index) => ({
      ...item,
      number: index + 1,
      field: answerField(item.id),
      text: item.text[locale] || item.text.sv,
      value: answers[item.id],
      formValue: answers[item.id] === undefined || answers[item.id] === null ? '' : String(answers[item.id]),
      answerText: answerText(item, answers[item.id], locale, yesNo),
      options: (item.type === 'yes_no' ? [{ value: 'true', text: yesNo.yes }, { value: 'false', text: yesNo.no }] : (item.options ?? []).map((o) => ({ value: String(o.value), text: o.label[locale] || o.label.sv }))),
      step: steps.findIndex((s) => s.some((i) => i.id === item.id)),
    }));
    return renderPage(req, reply, 'pages/questionnaire.njk', {
      episode,
      occasion: { ...occasion, label: occasionLabel(t, occasion) },
      instrument: { code: def.code, name: def.name[locale] || def.name.sv, instructions: def.instructions ? def.instructions[locale] || def.instructions.sv : '' },
      itemLang,
      state,
      step,
      stepCount: steps.length + 1,
      summary: step >= steps.length,
      items,
      current: items.filter((i) => onStep.has(i.id)),
      hidden: items.filter((i) => !onStep.has(i.id) && i.formValue !== ''),
      action: `/insatser/${episode.id}/tillfallen/${occasionId}/formular/${def.code}`,
      percent: Math.round(((step + 1) / (steps.length + 1)) * 100),
      errors,
    }, { status });
  }
}

function clamp(n: number, min: number, max: number): number {
  return Number.isInteger(n) ? Math.min(max, Math.max(min, n)) : min;
}

function safeCode(code: string): string {
  // A malformed code is simply an instrument that does not exist (404 from the service).
  return CODE.test(code) ? code : 'x_unknown';
}

