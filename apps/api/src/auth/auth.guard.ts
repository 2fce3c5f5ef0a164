import { timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, ErrorKind } from '#domain';
import { type Permission, rolesGranting } from '#access';
import { PERMISSION_KEY, PUBLIC_KEY } from '../common/permission.decorator.js';
import type { AuthenticatedRequest } from '../common/request-context.js';
import { AuthService } from './auth.service.js';

export const SESSION_COOKIE = 'mp_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Deny by default: a route needs @Public() or a permission (checked at boot too). Authenticates
 * by session cookie (with CSRF token on unsafe methods) or by `Authorization: Bearer` API token,
 * then requires a role that grants the route's permission somewhere; where is the repositories' job.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, targets);
    if (!permission) {
      throw new DomainError('ACCESS.NO_PERMISSION_DECLARED', ErrorKind.Forbidden, 'Åtkomst nekad.', 'Access denied.');
    }
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const authorization = req.headers.authorization;
    if (authorization?.startsWith('Bearer ')) {
      req.actor = (await this.auth.actorForApiToken(authorization.slice(7).trim())) ?? undefined;
    } else {
      const token = (req as unknown as { cookies?: Record<string, string> }).cookies?.[SESSION_COOKIE];
      const session = token ? await this.auth.actorForSession(token) : null;
      if (session) {
        if (!SAFE_METHODS.has(req.method)) {
          const header = req.headers['x-csrf-token'];
          const sent = typeof header === 'string' ? header : (req.body as { _csrf?: unknown } | undefined)?._csrf;
          if (typeof sent !== 'string' || !safeEqual(sent, session.csrfToken)) {
            throw new DomainError('AUTH.CSRF', ErrorKind.Forbidden, 'Formuläret har gått ut. Ladda om sidan och försök igen.', 'The form has expired. Reload the page and try again.');
          }
        }
        req.actor = session.actor;
        req.sessionIdHash = session.idHash;
        req.csrfToken = session.csrfToken;
      }
    }
    if (!req.actor) {
      throw new DomainError('AUTH.REQUIRED', ErrorKind.Unauthenticated, 'Du behöver logga in.', 'You need to sign in.');
    }
    if (rolesGranting(req.actor, permission).length === 0) {
      throw new DomainError('ACCESS.FORBIDDEN', ErrorKind.Forbidden, 'Du har inte behörighet till detta.', 'You do not have permission to do this.');
    }
    return true;
  }
}
