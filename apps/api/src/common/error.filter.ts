import { randomUUID } from 'node:crypto';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorKind, type FieldError } from '#domain';
import { sendPageErrorIfPage } from '../web/error-page.js';

const STATUS: Record<ErrorKind, number> = {
  [ErrorKind.Invalid]: 400,
  [ErrorKind.Unauthenticated]: 401,
  [ErrorKind.Forbidden]: 403,
  [ErrorKind.NotFound]: 404,
  [ErrorKind.Conflict]: 409,
  [ErrorKind.PayloadTooLarge]: 413,
  [ErrorKind.Unprocessable]: 422,
  [ErrorKind.TooManyRequests]: 429,
  [ErrorKind.Unavailable]: 503,
};

export interface ErrorBody {
  code: string;
  message: { sv: string; en: string };
  fields: FieldError[];
  requestId: string;
  errorId?: string;
}

/** Framework-level failures (Fastify/Nest) translated to the same bilingual body. */
const HTTP_MESSAGES: Record<number, [string, string, string]> = {
  400: ['REQUEST.INVALID', 'Begäran är felaktig.', 'The request is invalid.'],
  401: ['AUTH.REQUIRED', 'Du behöver logga in.', 'You need to sign in.'],
  403: ['ACCESS.FORBIDDEN', 'Du har inte behörighet till detta.', 'You do not have permission to do this.'],
  404: ['NOT_FOUND', 'Det du söker finns inte.', 'Not found.'],
  405: ['METHOD_NOT_ALLOWED', 'Metoden stöds inte här.', 'Method not allowed.'],
  413: ['REQUEST.TOO_LARGE', 'Begäran är för stor.', 'The request body is too large.'],
  415: ['REQUEST.UNSUPPORTED_MEDIA_TYPE', 'Innehållstypen stöds inte.', 'Unsupported content type.'],
  429: ['REQUEST.TOO_MANY', 'För många försök. Vänta en stund.', 'Too many attempts. Please wait.'],
};

/** Error codes of a database that is not reachable now: connection refused, reset or timed out; shutting down, starting up, too many connections. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006']);
/** TypeORM's errors for a query on a connection that was dropped under it (the pool releases a query runner whose connection failed). */
const UNAVAILABLE_NAMES = new Set(['QueryRunnerProviderAlreadyReleasedError', 'QueryRunnerAlreadyReleasedError']);
const UNAVAILABLE_MESSAGE = /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i;

/**
 * Errors that mean "the database is not reachable now": answered 503, never a false 2xx or a 500. Looks through the
 * error TypeORM wraps (`driverError`) and any `cause`, since a lost connection surfaces wrapped, or as the failure
 * of a later statement in the same transaction.
 */
export function isDatabaseUnavailable(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 3) return false;
  const err = e as { code?: unknown; name?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
  return (
    UNAVAILABLE_CODES.has(String(err.code ?? '')) ||
    UNAVAILABLE_NAMES.has(String(err.name ?? '')) ||
    UNAVAILABLE_MESSAGE.test(String(err.message ?? '')) ||
    isDatabaseUnavailable(err.driverError, depth + 1) ||
    isDatabaseUnavailable(err.cause, depth + 1)
  );
}

/** The one place errors become HTTP: typed domain errors by kind; everything unknown is a 500 with an error id. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Error');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const requestId = String(request.id);
    const [status, body] = this.toBody(exception, requestId);
    if (status === 401) void reply.header('WWW-Authenticate', 'Cookie, Bearer');
    // A domain error may say when to try again (an idempotent request still in flight, sign-in rate limiting).
    const retryAfter = (exception as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
    if (exception instanceof DomainError && typeof retryAfter === 'number') void reply.header('Retry-After', String(retryAfter));
    if (sendPageErrorIfPage(request, reply, status, body, this.logger)) return;
    void reply.status(status).header('Cache-Control', 'no-store').send(body);
  }

  private toBody(exception: unknown, requestId: string): [number, ErrorBody] {
    if (exception instanceof DomainError) {
      return [
        STATUS[exception.kind],
        { code: exception.code, message: { sv: exception.sv, en: exception.en }, fields: exception.fields, requestId },
      ];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status < 500) {
        const [code, sv, en] = HTTP_MESSAGES[status] ?? HTTP_MESSAGES[400]!;
        return [status, { code, message: { sv, en }, fields: [], requestId }];
      }
    }
    const fastifyStatus = (exception as { statusCode?: number })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      const [code, sv, en] = HTTP_MESSAGES[fastifyStatus] ?? HTTP_MESSAGES[400]!;
      return [fastifyStatus, { code, message: { sv, en }, fields: [], requestId }];
    }
    if (isDatabaseUnavailable(exception)) {
      // Logged (name and code only, never the message) so a 503 that is no outage still shows in the log.
      const e = exception as { name?: unknown; code?: unknown };
      this.logger.warn({ requestId, msg: 'database unavailable: answered 503', error: { name: e?.name, code: e?.code } });
      return [
        503,
        {
          code: 'SERVICE.UNAVAILABLE',
          message: { sv: 'Tjänsten är tillfälligt otillgänglig. Försök igen.', en: 'The service is temporarily unavailable. Try again.' },
          fields: [],
          requestId,
        },
      ];
    }
    const errorId = randomUUID();
    // The stack stays in the log; the client gets an id to quote. Never the message: it may hold data.
    this.logger.error({ errorId, requestId, err: exception instanceof Error ? { name: exception.name, stack: exception.stack } : String(exception) });
    return [
      500,
      {
        code: 'INTERNAL',
        message: { sv: 'Ett oväntat fel inträffade. Ange fel-id vid kontakt med support.', en: 'An unexpected error occurred. Quote the error id to support.' },
        fields: [],
        requestId,
        errorId,
      },
    ];
  }
}
