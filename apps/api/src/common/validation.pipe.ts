import { ValidationPipe, type ValidationError } from '@nestjs/common';
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

/** The one validation pipe (whitelist, reject unknown fields, transform), used by the app and the test app. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      invalid('REQUEST.VALIDATION', 'Några uppgifter är felaktiga.', 'Some fields are invalid.', flatten(errors)),
  });
}
