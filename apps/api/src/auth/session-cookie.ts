import type { FastifyReply } from 'fastify';
import { getConfig } from '#config';
import { SESSION_COOKIE } from './auth.guard.js';

/** The session cookie as both sign-in routes (JSON and form) set it. */
export function setSessionCookie(reply: FastifyReply, token: string): void {
  const config = getConfig();
  void reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    secure: config.session.cookieSecure,
    sameSite: 'strict',
    path: '/',
    maxAge: config.session.absoluteSeconds,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
