import { Body, Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Permission, scopeFor } from '#access';
import { OrgUnitRepository, UNIT_NOTE_KINDS } from '#persistence';
import { AggregatesService } from '../aggregates/aggregates.service.js';
import { Clock } from '../common/clock.js';
import { RequirePermission } from '../common/permission.decorator.js';
import type { AuthenticatedRequest } from '../common/request-context.js';
import { MethodsService } from '../methods/methods.service.js';
import { CreateUnitNoteDto } from '../notes/note.dto.js';
import { UnitNotesService } from '../notes/unit-notes.service.js';
import { AggregateView, loadDefinitions, periodLabel, scopeQuery } from './aggregate-view.js';
import { attempt, domainFormErrors, type FormError, formFields, str, validateForm } from './form.js';
import { translator } from './i18n/i18n.js';
import { choices } from './labels.js';
import { resolveLocale } from './locale.js';
import { redirect, renderPage } from './render.js';
import { InstrumentsService } from '../instruments/instruments.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The figures a method adjustment may name as its reason (key → share in the outcome view). */
const PROMPT_FIGURES = [
  ['reliably_improved_share', 'improved'],
  ['reliably_deteriorated_share', 'deteriorated'],
  ['recovered_share', 'recovered'],
  ['completeness', 'completeness'],
] as const;

/** Staff-meeting, method-adjustment, method-review and partner notes of a unit, posted to UnitNotesService. */
@ApiExcludeController()
@Controller('oversikt/anteckningar')
export class UnitNotePagesController {
  constructor(
    @Inject(UnitNotesService) private readonly notes: UnitNotesService,
    @Inject(AggregatesService) private readonly aggregates: AggregatesService,
    @Inject(MethodsService) private readonly methods: MethodsService,
    @Inject(InstrumentsService) private readonly instruments: InstrumentsService,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @RequirePermission(Permission.NoteWrite)
  @Get('ny')
  async getNewNote(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply) {
    const q = req.query as Record<string, unknown>;
    const unitId = typeof q.enhet === 'string' && UUID.test(q.enhet) ? q.enhet : '';
    return this.form(req, reply, { unitId, period: scopeQuery(q).period, kind: 'staff_meeting', heldOn: this.clock.today() }, []);
  }

  @RequirePermission(Permission.NoteWrite)
  @Post()
  async createNote(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @Body() body: unknown) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const f = formFields(body);
    const values = {
      unitId: UUID.test(str(f, 'unitId')) ? str(f, 'unitId') : '',
      period: scopeQuery({ period: str(f, 'period') }).period,
      kind: str(f, 'kind'),
      methodId: str(f, 'methodId'),
      heldOn: str(f, 'heldOn'),
      text: str(f, 'text'),
      prompt: str(f, 'prompt'),
      partners: str(f, 'partners'),
    };
    const [figure, value] = values.prompt.split('|');
    const details = {
      ...(values.kind === 'method_adjusted' && figure
        ? { prompt: { scope: 'unit', scopeId: values.unitId, period: values.period, figure, ...(value && value !== 'null' ? { value: Number(value) } : {}) } }
        : {}),
      ...(values.kind === 'partner_discussion' && values.partners ? { partners: values.partners } : {}),
    };
    const input = {
      kind: values.kind || undefined,
      orgUnitId: values.unitId || undefined,
      methodId: values.methodId || undefined,
      heldOn: values.heldOn,
      text: values.text,
      ...(Object.keys(details).length ? { details } : {}),
    };
    const labels: Record<string, string> = {
      kind: t('unitNote.kind'),
      methodId: t('unitNote.method'),
      heldOn: t('unitNote.heldOn'),
      text: t('unitNote.text'),
      'details.prompt': t('unitNote.prompt'),
      'details.partners': t('unitNote.partners'),
      orgUnitId: t('unitNote.unit'),
    };
    const fieldOf = (e: FormError): FormError =>
      e.field.startsWith('details.prompt') ? { ...e, field: 'prompt', href: '#prompt' } : e.field === 'details.partners' ? { ...e, field: 'partners', href: '#partners' } : e;
    const { value: dto, errors } = validateForm(CreateUnitNoteDto, input, t, labels);
    if (errors.length > 0) return this.form(req, reply, values, errors.map(fieldOf), 400);
    const saved = await attempt(() => this.notes.create(req.actor!, dto));
    if (!saved.ok) return this.form(req, reply, values, domainFormErrors(saved.error, locale, labels, 'text').map(fieldOf), 400);
    return redirect(reply, `${values.unitId ? `/oversikt/enheter/${values.unitId}` : '/oversikt'}?period=${values.period}#notes`);
  }

  private async form(req: AuthenticatedRequest, reply: FastifyReply, values: Record<string, string>, errors: FormError[], status = 200) {
    const actor = req.actor!;
    const locale = resolveLocale(req);
    const t = translator(locale);
    const units = await new OrgUnitRepository(this.dataSource).listInScope(scopeFor(actor, Permission.NoteWrite));
    const unit = units.find((u) => u.id === values.unitId) ?? units[0];
    const methods = await this.methods.list(actor);
    // The unit's figures of the period, to name the one that prompted a method adjustment.
    const prompts: { value: string; text: string }[] = [];
    if (unit) {
      // A unit the writer may note on but not read figures of simply offers no figures.
      const data = await this.aggregates.getScope(actor, 'unit', unit.id, { period: values.period, breakdown: 'all' }).catch(() => null);
      if (data) {
        const view = new AggregateView(locale, t, await loadDefinitions(this.instruments, actor, data.outcomes.map((o) => o.instrumentCode)));
        for (const [o, raw] of view.outcomes(data).map((o, i) => [o, data.outcomes[i]!] as const)) {
          const row = o.rows[0];
          if (!row) continue;
          for (const [key, prop] of PROMPT_FIGURES) {
            const cell = row[prop];
            prompts.push({ value: `${raw.instrumentCode ?? 'x'}.${raw.scaleId}.${key}|${cell.value ?? 'null'}`, text: `${o.name}: ${t(`unitNote.figure.${key}`)} ${cell.text}` });
          }
        }
      }
    }
    return renderPage(
      req,
      reply,
      'pages/unit-note-new.njk',
      {
        values: { ...values, unitId: unit?.id ?? '' },
        unitName: unit?.name ?? '',
        units: units.map((u) => ({ value: u.id, text: u.name })),
        periodLabel: periodLabel(t, values.period ?? 'R12'),
        kinds: choices(t, 'unitNote.kind', UNIT_NOTE_KINDS).map((k) => ({ ...k, hint: t(`unitNote.kindHint.${k.value}`) })),
        methods: methods.map((m) => ({ value: m.id, text: m.name })),
        prompts,
        errors,
      },
      { status },
    );
  }
}
