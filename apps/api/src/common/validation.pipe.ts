import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { invalid, type FieldError } from '#domain';

/** Class-validator constraint → Swedish text. English comes from class-validator itself. */
const SV: Record<string, string> = {
  whitelistValidation: 'Fältet är inte tillåtet.',
  isString: 'Ska vara text.',
  isInt: 'Ska vara ett heltal.',
  isNumber: 'Ska vara ett tal.',
  isBoolean: 'Ska vara sant eller falskt.',
  isUuid: 'Ska vara ett giltigt id.',
  isIn: 'Har ett värde som inte är tillåtet.',
  isEnum: 'Har ett värde som inte är tillåtet.',
  isNotEmpty: 'Får inte vara tomt.',
  isDefined: 'Måste anges.',
  minLength: 'Är för kort.',
  maxLength: 'Är för långt.',
  min: 'Är för litet.',
  max: 'Är för stort.',
  matches: 'Har fel format.',
  isCalendarDate: 'Datumet finns inte.',
  isDateString: 'Ska vara ett datum (ÅÅÅÅ-MM-DD).',
  isISO8601: 'Ska vara ett datum (ÅÅÅÅ-MM-DD).',
  isArray: 'Ska vara en lista.',
  arrayMaxSize: 'Listan är för lång.',
  arrayMinSize: 'Listan är för kort.',
  isObject: 'Ska vara ett objekt.',
  nestedValidation: 'Har fel form.',
};

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([constraint, en]) => ({
      field,
      sv: `${field}: ${SV[constraint] ?? 'Värdet är ogiltigt.'}`,
      en,
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** No request body or query we accept nests deeper than this (instrument definitions and FHIR resources included). */
export const MAX_JSON_DEPTH = 64;

/**
 * Keys that name a member of Object.prototype (`toString`, `valueOf`, `hasOwnProperty`, …). class-transformer
 * silently skips them when it copies a nested object, so `{"answers": {"toString": 3}}` would be stored without
 * that answer instead of refused; no DTO field uses such a name.
 */
// `prototype` is not a member of Object.prototype, but class-transformer skips it too (found by the abuse suite).
const RESERVED_KEYS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * NUL (PostgreSQL text and jsonb cannot hold it: the insert failed, a 500) and lone UTF-16 surrogates (not
 * Unicode: stored as U+FFFD, so not verbatim). No text we accept contains either.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this refuses
const NOT_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What is wrong with a parsed JSON value's structure, if anything: nested deeper than `limit`, or a key
 * naming an Object.prototype member. Iterative, so a hostile depth cannot overflow the stack.
 */
export function jsonStructureProblem(
  value: unknown,
  limit: number,
): { kind: 'too_deep' } | { kind: 'reserved_key'; key: string } | { kind: 'not_text' } | null {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string' && NOT_TEXT.test(v)) return { kind: 'not_text' };
    if (typeof v !== 'object' || v === null) continue;
    // Only parsed JSON (plain objects and arrays): not an uploaded Buffer or the actor.
    const proto = Object.getPrototypeOf(v);
    if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) continue;
    if (depth >= limit) return { kind: 'too_deep' };
    if (!Array.isArray(v)) {
      const reserved = Object.keys(v).find((k) => RESERVED_KEYS.has(k));
      if (reserved !== undefined) return { kind: 'reserved_key', key: reserved };
      if (Object.keys(v).some((k) => NOT_TEXT.test(k))) return { kind: 'not_text' };
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) if ((typeof child === 'object' && child !== null) || typeof child === 'string') stack.push([child, depth + 1]);
  }
  return null;
}

/**
 * The global pipe. class-transformer and class-validator walk a body recursively, so a body nested
 * thousands of levels deep would overflow the stack (a 500), class-transformer drops keys such as
 * `toString` without a word, and PostgreSQL refuses NUL in text (a 500): all are refused first, as a 400.
 */
class StructureCheckedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const problem = jsonStructureProblem(value, MAX_JSON_DEPTH);
    const field = metadata.data ?? metadata.type;
    if (problem?.kind === 'too_deep') {
      throw invalid('REQUEST.TOO_DEEP', `Begäran är för djupt nästlad (högst ${MAX_JSON_DEPTH} nivåer).`, `The request nests too deeply (at most ${MAX_JSON_DEPTH} levels).`, [
        { field, sv: 'För djupt nästlad.', en: 'Nested too deeply.' },
      ]);
    }
    if (problem?.kind === 'not_text') {
      throw invalid(
        'REQUEST.INVALID_TEXT',
        'Texten innehåller tecken som inte kan sparas (NUL-tecken eller ofullständiga Unicode-tecken).',
        'The text contains characters that cannot be stored (NUL or incomplete Unicode characters).',
        [{ field, sv: 'Ogiltiga tecken.', en: 'Invalid characters.' }],
      );
    }
    if (problem?.kind === 'reserved_key') {
      throw invalid('REQUEST.RESERVED_KEY', `Namnet ${problem.key} får inte användas som fältnamn.`, `${problem.key} may not be used as a field name.`, [
        { field: problem.key, sv: `${problem.key}: Fältet är inte tillåtet.`, en: `${problem.key} is not allowed as a field name` },
      ]);
    }
    return super.transform(value, metadata);
  }
}

/** The one validation pipe (whitelist, reject unknown fields, transform), used by the app and the test app. */
export function createValidationPipe(): ValidationPipe {
  return new StructureCheckedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      invalid('REQUEST.VALIDATION', 'Några uppgifter är felaktiga.', 'Some fields are invalid.', flatten(errors)),
  });
}
