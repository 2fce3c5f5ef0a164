import { plainToInstance } from 'class-transformer';
import { type ValidationError, validateSync } from 'class-validator';
import { DomainError, ErrorKind } from '#domain';
import type { Translate } from './i18n/i18n.js';
import type { Locale } from './locale.js';

/** A form field's error as the templates show it: in the summary (linking to `#<id>`) and beside the field. */
export interface FormError {
  field: string;
  /** The id of the input to focus from the summary link. */
  href: string;
  text: string;
}

export type FormFields = Record<string, string | string[] | undefined>;

/** A url-encoded body as a flat map of strings (a repeated name becomes a list). */
export function formFields(body: unknown): FormFields {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  const out: FormFields = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return out;
}

export function str(fields: FormFields, name: string): string {
  const v = fields[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
}

/** An optional whole number from a text field; `NaN` marks a value that is not one (the DTO then reports it). */
export function optionalInt(fields: FormFields, name: string): number | undefined {
  const v = str(fields, name);
  if (v === '') return undefined;
  return /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
}

/** The form id of a field path: `answers.phq9_1` → `answers-phq9_1`. */
export function fieldId(field: string): string {
  return field.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'main';
}

const CONSTRAINT_KEYS: Record<string, string> = {
  isString: 'form.error.required',
  isNotEmpty: 'form.error.required',
  isDefined: 'form.error.required',
  minLength: 'form.error.tooShort',
  maxLength: 'form.error.tooLong',
  isInt: 'form.error.wholeNumber',
  min: 'form.error.tooSmall',
  max: 'form.error.tooLarge',
  isIn: 'form.error.choose',
  isUuid: 'form.error.choose',
  matches: 'form.error.format',
  isCalendarDate: 'form.error.date',
};

/**
 * Validates form input with the API's own DTO class (the same rules as the JSON API), and gives the errors
 * as form errors labelled with the field's name in the page's language.
 */
export function validateForm<T extends object>(
  dto: new () => T,
  input: Record<string, unknown>,
  t: Translate,
  labels: Record<string, string>,
): { value: T; errors: FormError[] } {
  const value = plainToInstance(dto, input);
  const errors = validateSync(value, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return { value, errors: flatten(errors).map(({ field, constraint }) => formError(field, labels[field] ?? field, t(CONSTRAINT_KEYS[constraint] ?? 'form.error.invalid'))) };
}

function flatten(errors: ValidationError[], prefix = ''): { field: string; constraint: string }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    // The first failing rule is enough to tell a person what to fix.
    const first = Object.keys(e.constraints ?? {})[0];
    return [...(first ? [{ field, constraint: first }] : []), ...flatten(e.children ?? [], field)];
  });
}

export function formError(field: string, label: string, text: string): FormError {
  return { field, href: `#${fieldId(field)}`, text: label ? `${label}: ${text}` : text };
}

/** Field errors of a domain error, in the page's language; `field: ` prefixes of API messages are replaced by the label. */
export function domainFormErrors(error: DomainError, locale: Locale, labels: Record<string, string>, fallbackField = 'main'): FormError[] {
  const message = error[locale] || error.sv;
  if (error.fields.length === 0) return [formError(fallbackField, '', message)];
  return error.fields.map((f) => {
    const raw = (f[locale] || f.sv).replace(new RegExp(`^${escapeRegExp(f.field)}:?\\s*`), '');
    const text = raw.replace(/^./, (c) => c.toUpperCase());
    return formError(f.field, labels[f.field] ?? '', text);
  });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The HTTP status a form page is rendered with after a domain error (400, 404, 409, 422…). */
export function statusOf(error: DomainError): number {
  const map: Partial<Record<ErrorKind, number>> = {
    [ErrorKind.Invalid]: 400,
    [ErrorKind.Unauthenticated]: 401,
    [ErrorKind.Forbidden]: 403,
    [ErrorKind.NotFound]: 404,
    [ErrorKind.Conflict]: 409,
    [ErrorKind.Unprocessable]: 422,
    [ErrorKind.TooManyRequests]: 429,
  };
  return map[error.kind] ?? 400;
}

/** Runs a service call; a domain error that a form can show is returned, anything else (404, 403, faults) is thrown on. */
export async function attempt<T>(call: () => Promise<T>, formKinds: ErrorKind[] = [ErrorKind.Invalid, ErrorKind.Conflict, ErrorKind.Unprocessable]): Promise<{ ok: true; value: T } | { ok: false; error: DomainError }> {
  try {
    return { ok: true, value: await call() };
  } catch (e) {
    if (e instanceof DomainError && formKinds.includes(e.kind)) return { ok: false, error: e };
    throw e;
  }
}
