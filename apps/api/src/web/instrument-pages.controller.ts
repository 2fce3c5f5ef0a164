import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DomainError, ErrorKind, notFound } from '#domain';
import { Permission, rolesGranting } from '#access';
import { RequirePermission } from '../common/permission.decorator.js';
import type { AuthenticatedRequest } from '../common/request-context.js';
import { InstrumentsService } from '../instruments/instruments.service.js';
import { attempt, type FormError, formError, formFields, statusOf, str } from './form.js';
import { translator, type Translate } from './i18n/i18n.js';
import { type Locale, resolveLocale } from './locale.js';
import { redirect, renderPage } from './render.js';

const CODE = /^[a-z][a-z0-9_]{1,39}$/;
type Mode = 'create' | 'version' | 'fhir';

function checkCode(code: string): string {
  if (!CODE.test(code)) throw notFound('INSTRUMENT.NOT_FOUND', 'Formuläret eller versionen finns inte.', 'The instrument or version does not exist.');
  return code;
}

/** JSON text → value, or the syntax error as a field error (with where it is). */
function parseJson(text: string, t: Translate): { value?: unknown; errors: FormError[] } {
  if (text.trim() === '') return { errors: [formError('definition', '', t('instruments.form.error.empty'))] };
  try {
    return { value: JSON.parse(text), errors: [] };
  } catch (e) {
    const position = /position (\d+)/.exec(e instanceof Error ? e.message : '')?.[1];
    const line = position === undefined ? null : text.slice(0, Number(position)).split('\n').length;
    return { errors: [formError('definition', '', line ? t('instruments.form.error.jsonAt', { line }) : t('instruments.form.error.json'))] };
  }
}

/** The validator's errors, each beside the textarea and in the summary, naming the path inside the definition. */
function definitionErrors(error: DomainError, locale: Locale): FormError[] {
  if (error.fields.length === 0) return [formError('definition', '', error[locale] || error.sv)];
  return [formError('definition', '', error[locale] || error.sv), ...error.fields.map((f) => formError('definition', '', `${f.field}: ${f[locale] || f.sv}`))];
}

/** Instruments: the catalogue for everyone; creating, versioning and FHIR import for administrators. */
@ApiExcludeController()
@Controller('formular')
export class InstrumentPagesController {
  constructor(@Inject(InstrumentsService) private readonly instruments: InstrumentsService) {}

  @RequirePermission(Permission.InstrumentRead)
  @Get()
  async listInstruments(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply) {
    const { items } = await this.instruments.list(req.actor!);
    return renderPage(req, reply, 'pages/instruments.njk', { items, canAdmin: rolesGranting(req.actor!, Permission.InstrumentAdmin).length > 0 });
  }

  @RequirePermission(Permission.InstrumentAdmin)
  @Get('nytt')
  async getNewInstrument(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply) {
    return this.form(req, reply, 'create', { definition: '' }, []);
  }

  @RequirePermission(Permission.InstrumentAdmin)
  @Post('nytt')
  async createInstrument(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @Body() body: unknown) {
    return this.submit(req, reply, 'create', body, (value) => this.instruments.create(req.actor!, value));
  }

  @RequirePermission(Permission.InstrumentAdmin)
  @Get('importera-fhir')
  async getFhirImport(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply) {
    return this.form(req, reply, 'fhir', { definition: '', code: '' }, []);
  }

  @RequirePermission(Permission.InstrumentAdmin)
  @Post('importera-fhir')
  async createFhirImport(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @Body() body: unknown) {
    const code = str(formFields(body), 'code');
    if (code !== '' && !CODE.test(code)) {
      const t = translator(resolveLocale(req));
      return this.form(req, reply, 'fhir', { definition: str(formFields(body), 'definition'), code }, [formError('code', '', t('instruments.form.error.code'))], 400);
    }
    return this.submit(req, reply, 'fhir', body, (value) => this.instruments.importFhir(req.actor!, value, code || undefined));
  }

  @RequirePermission(Permission.InstrumentRead)
  @Get(':code')
  async getInstrument(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('code') code: string) {
    const q = req.query as Record<string, unknown>;
    const version = typeof q.version === 'string' && /^\d{1,9}$/.test(q.version) ? Number(q.version) : undefined;
    const instrument = await this.instruments.get(req.actor!, checkCode(code), version);
    return renderPage(req, reply, 'pages/instrument.njk', {
      instrument,
      created: q.skapat === '1',
      canAdmin: rolesGranting(req.actor!, Permission.InstrumentAdmin).length > 0 && !instrument.builtIn,
    });
  }

  @RequirePermission(Permission.InstrumentAdmin)
  @Get(':code/ny-version')
  async getNewVersion(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('code') code: string) {
    const current = await this.instruments.get(req.actor!, checkCode(code));
    const next = { ...current.definition, version: current.version + 1 };
    return this.form(req, reply, 'version', { definition: JSON.stringify(next, null, 2), code: current.code }, []);
  }

  @RequirePermission(Permission.InstrumentAdmin)
  @Post(':code/ny-version')
  async createVersion(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('code') code: string, @Body() body: unknown) {
    return this.submit(req, reply, 'version', body, (value) => this.instruments.createVersion(req.actor!, checkCode(code), value), code);
  }

  private async submit(req: AuthenticatedRequest, reply: FastifyReply, mode: Mode, body: unknown, call: (value: unknown) => Promise<{ code: string; warnings?: unknown[] }>, code = '') {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const fields = formFields(body);
    const text = typeof fields.definition === 'string' ? fields.definition : '';
    const values = { definition: text, code: code || str(fields, 'code') };
    const parsed = parseJson(text, t);
    if (parsed.errors.length > 0) return this.form(req, reply, mode, values, parsed.errors, 400);
    const saved = await attempt(() => call(parsed.value), [ErrorKind.Invalid, ErrorKind.Conflict, ErrorKind.Unprocessable, ErrorKind.Forbidden]);
    if (!saved.ok) return this.form(req, reply, mode, values, definitionErrors(saved.error, locale), statusOf(saved.error));
    if (mode === 'fhir' && saved.value.warnings && saved.value.warnings.length > 0) {
      return renderPage(req, reply, 'pages/instrument-imported.njk', { code: saved.value.code, warnings: saved.value.warnings });
    }
    return redirect(reply, `/formular/${saved.value.code}?skapat=1`);
  }

  private async form(req: AuthenticatedRequest, reply: FastifyReply, mode: Mode, values: Record<string, string>, errors: FormError[], status = 200) {
    const defErrors = errors.filter((e) => e.field === 'definition').map((e) => e.text);
    return renderPage(req, reply, 'pages/instrument-form.njk', { mode, values, errors, defErrors }, { status });
  }
}
