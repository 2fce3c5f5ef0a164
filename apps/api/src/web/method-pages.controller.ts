import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EvidenceStatus, OccasionKind } from '#domain';
import { Permission, rolesGranting } from '#access';
import { RequirePermission } from '../common/permission.decorator.js';
import type { AuthenticatedRequest } from '../common/request-context.js';
import { InstrumentsService } from '../instruments/instruments.service.js';
import { CreateMethodDto, CreatePlanDto } from '../methods/method.dto.js';
import { MethodsService } from '../methods/methods.service.js';
import { attempt, domainFormErrors, type FormError, formFields, optionalInt, statusOf, str, validateForm } from './form.js';
import { translator } from './i18n/i18n.js';
import { choices } from './labels.js';
import { resolveLocale } from './locale.js';
import { redirect, renderPage } from './render.js';

const EVIDENCE = Object.values(EvidenceStatus);
const PLAN_KINDS = [OccasionKind.Start, OccasionKind.FollowUp, OccasionKind.Close];

/** Methods (arbetssätt) and their measurement plans: read by analysts and admins, written by admins. */
@ApiExcludeController()
@Controller('arbetssatt')
export class MethodPagesController {
  constructor(
    @Inject(MethodsService) private readonly methods: MethodsService,
    @Inject(InstrumentsService) private readonly instruments: InstrumentsService,
  ) {}

  @RequirePermission(Permission.OrgRead)
  @Get()
  async listMethods(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply) {
    const methods = await this.methods.list(req.actor!);
    return renderPage(req, reply, 'pages/methods.njk', { methods, canAdmin: rolesGranting(req.actor!, Permission.MethodAdmin).length > 0 });
  }

  @RequirePermission(Permission.MethodAdmin)
  @Get('nytt')
  async getNewMethod(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply) {
    return this.methodForm(req, reply, { evidenceStatus: EvidenceStatus.NotAssessed }, []);
  }

  @RequirePermission(Permission.MethodAdmin)
  @Post('nytt')
  async createMethod(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @Body() body: unknown) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const f = formFields(body);
    const input = { code: str(f, 'code'), name: str(f, 'name'), description: str(f, 'description') || undefined, evidenceStatus: str(f, 'evidenceStatus') || undefined };
    const labels = { code: t('methods.code'), name: t('methods.name'), description: t('methods.description'), evidenceStatus: t('methods.evidence') };
    const { value, errors } = validateForm(CreateMethodDto, input, t, labels);
    if (errors.length > 0) return this.methodForm(req, reply, input, errors, 400);
    const created = await attempt(() => this.methods.create(req.actor!, value));
    if (!created.ok) return this.methodForm(req, reply, input, domainFormErrors(created.error, locale, labels, 'code'), statusOf(created.error));
    return redirect(reply, `/arbetssatt/${created.value.id}`);
  }

  @RequirePermission(Permission.OrgRead)
  @Get(':id')
  async getMethod(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', ParseUUIDPipe) id: string) {
    const method = await this.methods.get(req.actor!, id);
    const byKind = PLAN_KINDS.map((kind) => ({ kind, codes: method.plan?.instruments.filter((i) => i.occasionKind === kind).map((i) => i.code) ?? [] }));
    return renderPage(req, reply, 'pages/method.njk', { method, byKind, canAdmin: rolesGranting(req.actor!, Permission.MethodAdmin).length > 0 });
  }

  @RequirePermission(Permission.MethodAdmin)
  @Get(':id/matplan')
  async getNewPlan(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', ParseUUIDPipe) id: string) {
    const method = await this.methods.get(req.actor!, id);
    const p = method.plan;
    const values = {
      intervalMonths: String(p?.intervalMonths ?? 6),
      maxFollowUps: String(p?.maxFollowUps ?? 4),
      requiresAdjustmentDecision: p?.requiresAdjustmentDecision === false ? 'no' : 'yes',
      ...Object.fromEntries(PLAN_KINDS.map((k) => [k, p?.instruments.filter((i) => i.occasionKind === k).map((i) => i.code) ?? []])),
    };
    return this.planForm(req, reply, id, values, []);
  }

  @RequirePermission(Permission.MethodAdmin)
  @Post(':id/matplan')
  async createPlan(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', ParseUUIDPipe) id: string, @Body() body: unknown) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const f = formFields(body);
    const list = (k: string) => (Array.isArray(f[k]) ? (f[k] as string[]) : f[k] ? [f[k] as string] : []);
    const values: Record<string, unknown> = {
      intervalMonths: str(f, 'intervalMonths'),
      maxFollowUps: str(f, 'maxFollowUps'),
      requiresAdjustmentDecision: str(f, 'requiresAdjustmentDecision'),
      ...Object.fromEntries(PLAN_KINDS.map((k) => [k, list(k)])),
    };
    const input = {
      intervalMonths: optionalInt(f, 'intervalMonths'),
      maxFollowUps: optionalInt(f, 'maxFollowUps'),
      requiresAdjustmentDecision: values.requiresAdjustmentDecision === 'no' ? false : true,
      instruments: PLAN_KINDS.flatMap((k) => list(k).map((instrumentCode) => ({ occasionKind: k, instrumentCode }))),
    };
    const labels = { intervalMonths: t('methods.plan.interval'), maxFollowUps: t('methods.plan.maxFollowUps'), instruments: t('methods.plan.instruments') };
    const { value, errors } = validateForm(CreatePlanDto, input, t, labels);
    if (errors.length > 0) return this.planForm(req, reply, id, values, errors, 400);
    const saved = await attempt(() => this.methods.createPlan(req.actor!, id, value));
    if (!saved.ok) return this.planForm(req, reply, id, values, domainFormErrors(saved.error, locale, labels, 'intervalMonths'), statusOf(saved.error));
    return redirect(reply, `/arbetssatt/${id}`);
  }

  private async methodForm(req: AuthenticatedRequest, reply: FastifyReply, values: Record<string, unknown>, errors: FormError[], status = 200) {
    const t = translator(resolveLocale(req));
    return renderPage(req, reply, 'pages/method-new.njk', { values, errors, evidence: choices(t, 'evidence', EVIDENCE) }, { status });
  }

  private async planForm(req: AuthenticatedRequest, reply: FastifyReply, id: string, values: Record<string, unknown>, errors: FormError[], status = 200) {
    const method = await this.methods.get(req.actor!, id);
    const { items } = await this.instruments.list(req.actor!);
    return renderPage(req, reply, 'pages/plan-new.njk', { method, values, errors, kinds: PLAN_KINDS, instruments: items }, { status });
  }
}
