import { createHash } from 'node:crypto';
import { createParamDecorator, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError, ErrorKind, invalid, unprocessable } from '#domain';
import type { Actor } from '#access';
import { canonicalJson } from '#instruments';
import { IdempotencyRepository } from '#persistence';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** A record still in flight after this long belongs to a request whose process died; a new request may take it over. */
const ABANDONED_AFTER_SECONDS = 120;

/** What a write route passes on: the client's key (if it sent one) and the route it was sent to. */
export interface IdempotencyRequest {
  key: string | undefined;
  /** Method and path, e.g. `POST /api/v1/occasions/<id>/responses`: a key reused on another route is a different request. */
  route: string;
}

/** The `Idempotency-Key` header and the route, for `IdempotencyService.execute`. */
export const Idempotency = createParamDecorator((_: unknown, ctx: ExecutionContext): IdempotencyRequest => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  const header = req.headers[IDEMPOTENCY_HEADER];
  return { key: Array.isArray(header) ? header.join(', ') : header, route: `${req.method} ${req.url.split('?')[0]}` };
});

/** 409 that tells the client when to try again (the error filter sends `Retry-After`). */
export class RetryLaterError extends DomainError {
  constructor(
    code: string,
    sv: string,
    en: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, ErrorKind.Conflict, sv, en);
  }
}

export interface IdempotentOutcome<T> {
  status: number;
  body: T;
  /** True when the body is the stored result of an earlier request with the same key. */
  replayed: boolean;
}

/** Stores the outcome inside the work's transaction, so the write and its replayable result commit together. */
export type CompleteIdempotently<T> = (m: EntityManager, body: T) => Promise<void>;

/** sha256 of the body as canonical JSON (key order does not matter). */
export function bodyHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body ?? null)).digest('hex');
}

/** Sends an outcome: its status, its body, and `Idempotent-Replayed: true` on a replay. */
export function sendOutcome<T>(reply: FastifyReply, outcome: IdempotentOutcome<T>): void {
  if (outcome.replayed) void reply.header(REPLAYED_HEADER, 'true');
  void reply.status(outcome.status).send(outcome.body);
}

/**
 * Idempotent writes (`Idempotency-Key`, per user). Any write route can adopt it:
 *
 *   return this.idempotency.execute(actor, idem, dto, { status: 201 }, (complete) =>
 *     this.dataSource.transaction(async (m) => { …write…; await complete(m, view); return view; }));
 *
 * The key is claimed in its own short transaction before the work, so a concurrent duplicate sees it
 * (409 `IDEMPOTENCY.IN_FLIGHT`); the work stores its result in its own transaction; a replay with the
 * same body returns that result; the same key with another body or route is 422 `IDEMPOTENCY.KEY_REUSED`;
 * a failed attempt releases the key so the client can retry. Without a key the work simply runs.
 */
@Injectable()
export class IdempotencyService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async execute<T>(
    actor: Actor,
    request: IdempotencyRequest,
    body: unknown,
    opts: {
      status: number;
      /** Runs (in a transaction) before a stored result is replayed: re-check access, write the read's audit row. */
      onReplay?: (m: EntityManager, body: T) => Promise<void>;
    },
    work: (complete: CompleteIdempotently<T>) => Promise<T>,
  ): Promise<IdempotentOutcome<T>> {
    if (request.key === undefined) return { status: opts.status, body: await work(async () => undefined), replayed: false };
    const key = request.key;
    if (key.length < 1 || key.length > 200) {
      throw invalid('IDEMPOTENCY.KEY_INVALID', 'Idempotency-Key ska vara 1–200 tecken.', 'Idempotency-Key must be 1–200 characters.', [
        { field: 'Idempotency-Key', sv: 'Idempotency-Key: 1–200 tecken.', en: 'Idempotency-Key must be 1–200 characters.' },
      ]);
    }
    const hash = bodyHash(body);
    const records = new IdempotencyRepository(this.dataSource);
    // Autocommit: the claim is visible to every other request before the work begins.
    if (!(await records.claim(actor.userId, key, request.route, hash))) {
      const existing = await records.find(actor.userId, key);
      if (existing) {
        if (existing.route !== request.route || existing.bodyHash !== hash) throw keyReused();
        if (existing.completedAt) {
          const stored = existing.responseBody as T;
          if (opts.onReplay) await this.dataSource.transaction((m) => opts.onReplay!(m, stored));
          return { status: existing.statusCode!, body: stored, replayed: true };
        }
        if (!(await records.reclaimAbandoned(actor.userId, key, ABANDONED_AFTER_SECONDS))) throw inFlight();
      } else if (!(await records.claim(actor.userId, key, request.route, hash))) {
        // Released by a failed first attempt between our claim and our look: one more try, then give up.
        throw inFlight();
      }
    }
    try {
      const result = await work((m, result) => new IdempotencyRepository(m).complete(actor.userId, key, opts.status, result));
      return { status: opts.status, body: result, replayed: false };
    } catch (e) {
      await records.release(actor.userId, key);
      throw e;
    }
  }
}

const keyReused = () =>
  unprocessable(
    'IDEMPOTENCY.KEY_REUSED',
    'Idempotency-Key har redan använts för en annan begäran. Använd en ny nyckel.',
    'The Idempotency-Key was already used for a different request. Use a new key.',
    [{ field: 'Idempotency-Key', sv: 'Idempotency-Key: Redan använd för en annan begäran.', en: 'Idempotency-Key was used for a different request.' }],
  );

const inFlight = () =>
  new RetryLaterError(
    'IDEMPOTENCY.IN_FLIGHT',
    'En begäran med samma Idempotency-Key pågår. Försök igen om en stund.',
    'A request with the same Idempotency-Key is in progress. Try again shortly.',
    1,
  );
