/** What kind of failure an error is; the API's one exception filter maps each kind to an HTTP status. */
export enum ErrorKind {
  Invalid = 'invalid', // 400
  Unauthenticated = 'unauthenticated', // 401
  Forbidden = 'forbidden', // 403
  NotFound = 'not_found', // 404
  Conflict = 'conflict', // 409
  PayloadTooLarge = 'payload_too_large', // 413
  Unprocessable = 'unprocessable', // 422
  TooManyRequests = 'too_many_requests', // 429
  Unavailable = 'unavailable', // 503
}

/** A failing field, with a message in Swedish and in English. */
export interface FieldError {
  /** Dotted path of the field, e.g. `answers.phq9_3` or `items[2].options`. */
  field: string;
  sv: string;
  en: string;
}

/**
 * A typed domain error with a stable `code` (e.g. `CLIENT.NOT_FOUND`).
 * Services and processors throw these, never HTTP exceptions, so the worker can reuse them.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    readonly sv: string,
    readonly en: string,
    readonly fields: FieldError[] = [],
  ) {
    super(`${code}: ${en}`);
    this.name = 'DomainError';
  }
}

export function invalid(code: string, sv: string, en: string, fields: FieldError[] = []): DomainError {
  return new DomainError(code, ErrorKind.Invalid, sv, en, fields);
}

export function notFound(code: string, sv: string, en: string): DomainError {
  return new DomainError(code, ErrorKind.NotFound, sv, en);
}

export function conflict(code: string, sv: string, en: string, fields: FieldError[] = []): DomainError {
  return new DomainError(code, ErrorKind.Conflict, sv, en, fields);
}

export function forbidden(code: string, sv: string, en: string): DomainError {
  return new DomainError(code, ErrorKind.Forbidden, sv, en);
}

export function unprocessable(code: string, sv: string, en: string, fields: FieldError[] = []): DomainError {
  return new DomainError(code, ErrorKind.Unprocessable, sv, en, fields);
}
