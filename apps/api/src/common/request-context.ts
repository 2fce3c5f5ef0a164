import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor, UnitScope } from '#access';

export interface AuthenticatedRequest extends FastifyRequest {
  actor?: Actor;
  /** Set by the guard for session-authenticated requests. */
  sessionIdHash?: Buffer;
  /** The session's CSRF token (session-authenticated requests only). */
  csrfToken?: string;
}

/** The signed-in actor (the guard guarantees one on non-public routes). */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!req.actor) throw new Error('CurrentActor used on a public route');
  return req.actor;
});

/** The request id (from a well-formed X-Request-Id header, or generated). */
export const RequestId = createParamDecorator((_: unknown, ctx: ExecutionContext): string =>
  String(ctx.switchToHttp().getRequest<FastifyRequest>().id),
);

export interface RequestMeta {
  scope: UnitScope;
  requestId: string;
}
