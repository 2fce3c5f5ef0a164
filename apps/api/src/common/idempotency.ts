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
/** How long a duplicate waits for the request holding its key to commit or roll back before it answers 409 IN_FLIGHT. */
const IN_FLIGHT_WAIT_MS = 2000;
/**
 * A committed claim without an outcome can only be left by an earlier version of this service (its claims committed on
 * their own, before the work); after this long its request is taken to have died and a new request may take it over.
 */
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
 * Idempotent writes (`Idempotency-Key`, per user). Any write route can adopt it; the service runs the work in its
 * transaction:
 *
 *   return this.idempotency.execute(actor, idem, dto, { status: 201 }, async (m) => { …write with m…; return view; });
 *
 * The key is claimed by inserting its record in that transaction, and the outcome is stored in it before the commit,
 * so the write and its replayable result commit together — or, on any failure (an error, a lost database connection,
 * a killed process), roll back together and leave the key free: nothing is ever left "in flight" to time out.
 * A concurrent duplicate's claim waits for the first transaction (up to IN_FLIGHT_WAIT_MS, else 409
 * `IDEMPOTENCY.IN_FLIGHT` with Retry-After), then replays the committed result; the same key with another body or
 * route is 422 `IDEMPOTENCY.KEY_REUSED`. Without a key the work simply runs.
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
      /** Runs (in the transaction) before a stored result is replayed: re-check access, write the read's audit row. */
      onReplay?: (m: EntityManager, body: T) => Promise<void>;
    },
    work: (m: EntityManager) => Promise<T>,
  ): Promise<IdempotentOutcome<T>> {
    if (request.key === undefined) return { status: opts.status, body: await this.dataSource.transaction((m) => work(m)), replayed: false };
    const key = request.key;
    if (key.length < 1 || key.length > 200) {
      throw invalid('IDEMPOTENCY.KEY_INVALID', 'Idempotency-Key ska vara 1–200 tecken.', 'Idempotency-Key must be 1–200 characters.', [
        { field: 'Idempotency-Key', sv: 'Idempotency-Key: 1–200 tecken.', en: 'Idempotency-Key must be 1–200 characters.' },
      ]);
    }
    const hash = bodyHash(body);
    return this.dataSource.transaction(async (m) => {
      const records = new IdempotencyRepository(m);
      if (!(await this.claim(m, records, actor.userId, key, request.route, hash))) {
        const existing = await records.find(actor.userId, key);
        // Gone again: removed by an earlier version's release after a failure. The client's retry claims it.
        if (!existing) throw inFlight();
        if (existing.route !== request.route || existing.bodyHash !== hash) throw keyReused();
        if (existing.completedAt) {
          const stored = existing.responseBody as T;
          if (opts.onReplay) await opts.onReplay(m, stored);
          return { status: existing.statusCode!, body: stored, replayed: true };
        }
        if (!(await records.reclaimAbandoned(actor.userId, key, ABANDONED_AFTER_SECONDS))) throw inFlight();
      }
      const result = await work(m);
      await records.complete(actor.userId, key, opts.status, result);
      return { status: opts.status, body: result, replayed: false };
    });
  }

  /** Inserts the claim; a duplicate's insert waits on the first transaction's row, bounded by a lock timeout. */
  private async claim(m: EntityManager, records: IdempotencyRepository, userId: string, key: string, route: string, hash: string): Promise<boolean> {
    await m.query(`SET LOCAL lock_timeout = ${IN_FLIGHT_WAIT_MS}`);
    let claimed: boolean;
    try {
      claimed = await records.claim(userId, key, route, hash);
    } catch (e) {
      // lock_not_available: the first request with this key is still running.
      if ((e as { code?: string }).code === '55P03') throw inFlight();
      throw e;
    }
    await m.query(`SET LOCAL lock_timeout = DEFAULT`);
    return claimed;
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
