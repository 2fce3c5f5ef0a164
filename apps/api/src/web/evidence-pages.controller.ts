import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Permission, rolesGranting } from '#access';
import { EvidenceAnswerDto } from '../aggregates/aggregates.dto.js';
import { EvidenceService } from '../aggregates/evidence.service.js';
import { RequirePermission } from '../common/permission.decorator.js';
import type { AuthenticatedRequest } from '../common/request-context.js';
import { formatAsOf } from './aggregate-view.js';
import { FigureFormatter } from './figures-view.js';
import { attempt, domainFormErrors, type FormError, formFields, str, validateForm } from './form.js';
import { translator, type Translate } from './i18n/i18n.js';
import { type Locale, resolveLocale } from './locale.js';
import { redirect, renderPage } from './render.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Evidence = Awaited<ReturnType<EvidenceService['get']>>;

/** The figure from data behind one answer of elements 10/11, as a sentence. */
export function evidenceFigure(q: Evidence['questions'][number], locale: Locale, t: Translate): string {
  const fmt = new FigureFormatter(locale, t);
  const f = q.figure;
  if (!f) return '–';
  const parts: string[] = [];
  const key = `${q.element}.${q.question}`;
  if (typeof f.value === 'number' && key === '10.3') parts.push(t('evid.planInstruments', { n: f.value }));
  if (typeof f.value === 'number' && key === '10.5') parts.push(t('evid.interval', { n: f.value }));
  if (typeof f.value === 'boolean') parts.push(t(f.value ? 'evid.planDemands.yes' : 'evid.planDemands.no'));
  if (f.share) {
    const s = fmt.share(f.share);
    // A suppressed share (politicians, n < k) shows as ".." with what may be shown of its n.
    parts.push(s.suppressed ? `${s.text} (${s.n})` : s.value === null ? t('evid.noBasis') : `${s.text} (${s.n})`);
  }
  if (f.count !== undefined) parts.push(t('evid.count', { n: f.count }));
  if ('computedAt' in f) parts.push(f.computedAt ? t('evid.computedAt', { at: formatAsOf(f.computedAt) }) : t('evid.neverComputed'));
  return parts.join(' · ') || '–';
}

/** Elements 10 and 11 of the 11-element model per method (and unit): answers from data, hand answers. */
@ApiExcludeController()
@Controller('oversikt/evidens')
export class EvidencePagesController {
  constructor(@Inject(EvidenceService) private readonly evidence: EvidenceService) {}

  @RequirePermission(Permission.AggregateRead)
  @Get(':methodId')
  async getEvidence(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('methodId', ParseUUIDPipe) methodId: string) {
    const q = req.query as Record<string, unknown>;
    const unitId = typeof q.enhet === 'string' && UUID.test(q.enhet) ? q.enhet : null;
    return this.page(req, reply, methodId, unitId, {}, [], q.sparat === '1');
  }

  @RequirePermission(Permission.EvidenceWrite)
  @Post(':methodId')
  async createEvidenceAnswer(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('methodId', ParseUUIDPipe) methodId: string, @Body() body: unknown) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const f = formFields(body);
    const unitId = UUID.test(str(f, 'enhet')) ? str(f, 'enhet') : null;
    const [element, question] = str(f, 'question').split('.');
    const values = { question: str(f, 'question'), answer: str(f, 'answer'), comment: str(f, 'comment') };
    const input = {
      methodId,
      ...(unitId ? { unitId } : {}),
      element: element ? Number(element) : undefined,
      question: question ? Number(question) : undefined,
      answer: values.answer || undefined,
      ...(values.comment ? { comment: values.comment } : {}),
    };
    const labels = { element: t('evid.form.question'), question: t('evid.form.question'), answer: t('evid.form.answer'), comment: t('evid.form.comment') };
    const { value, errors } = validateForm(EvidenceAnswerDto, input, t, labels);
    // element and question travel as one field
    const shown = errors.map((e) => (e.field === 'element' ? { ...e, field: 'question', href: '#question' } : e));
    const unique = shown.filter((e, i) => shown.findIndex((x) => x.field === e.field) === i);
    if (unique.length > 0) return this.page(req, reply, methodId, unitId, values, unique, false, 400);
    const saved = await attempt(() => this.evidence.answer(req.actor!, value));
    if (!saved.ok) return this.page(req, reply, methodId, unitId, values, domainFormErrors(saved.error, locale, labels, 'question'), false, 400);
    return redirect(reply, `/oversikt/evidens/${methodId}?${unitId ? `enhet=${unitId}&` : ''}sparat=1`);
  }

  private async page(req: AuthenticatedRequest, reply: FastifyReply, methodId: string, unitId: string | null, values: Record<string, string>, errors: FormError[], saved: boolean, status = 200) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const data = await this.evidence.get(req.actor!, methodId, unitId);
    const loc = (x: { sv: string; en: string }) => x[locale] || x.sv;
    const questions = data.questions.map((q) => ({
      key: `${q.element}.${q.question}`,
      element: q.element,
      text: loc(q.text),
      answer: q.answer,
      source: q.source,
      figure: evidenceFigure(q, locale, t),
      basis: loc(q.basis),
      hand: q.hand ? { ...q.hand, answeredAt: formatAsOf(q.hand.answeredAt) } : null,
    }));
    return renderPage(
      req,
      reply,
      'pages/evidence.njk',
      {
        method: data.method,
        unitId,
        withheld: data.withheld !== null,
        period: data.period,
        thresholds: { ja: Math.round(data.thresholds.ja * 100), delvis: Math.round(data.thresholds.delvis * 100) },
        elements: [10, 11].map((e) => ({ element: e, questions: questions.filter((q) => q.element === e) })),
        questionOptions: questions.map((q) => ({ value: q.key, text: `${q.key} ${q.text}` })),
        canAnswer: rolesGranting(req.actor!, Permission.EvidenceWrite).length > 0,
        backHref: unitId ? `/oversikt/enheter/${unitId}#q7` : '/oversikt#q7',
        values,
        errors,
        saved,
      },
      { status },
    );
  }
}
