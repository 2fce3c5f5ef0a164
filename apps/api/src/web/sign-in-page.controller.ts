import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Body, Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorKind } from '#domain';
import { Permission } from '#access';
import { getConfig } from '#config';
import { AuthService } from '../auth/auth.service.js';
import { SESSION_COOKIE } from '../auth/auth.guard.js';
import { clearSessionCookie, setSessionCookie } from '../auth/session-cookie.js';
import { Public, RequirePermission } from '../common/permission.decorator.js';
import type { AuthenticatedRequest } from '../common/request-context.js';
import { domainFormErrors, type FormError, formError, formFields, statusOf, str } from './form.js';
import { translator } from './i18n/i18n.js';
import { resolveLocale, safeReturnPath } from './locale.js';
import { redirect, renderPage } from './render.js';

/** Before there is a session, a double-submit cookie guards the sign-in form against login CSRF. */
const SIGN_IN_CSRF_COOKIE = 'mp_signin';

function cookies(req: FastifyRequest): Record<string, string | undefined> {
  return (req as unknown as { cookies?: Record<string, string | undefined> }).cookies ?? {};
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

@ApiExcludeController()
@Controller()
export class SignInPageController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @Public()
  @Get('logga-in')
  async getSignIn(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const token = cookies(req)[SESSION_COOKIE];
    if (token && (await this.auth.actorForSession(token))) return redirect(reply, '/');
    return this.form(req, reply, {});
  }

  @Public()
  @Post('logga-in')
  async createSession(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Body() body: unknown) {
    const fields = formFields(body);
    const t = translator(resolveLocale(req));
    const username = str(fields, 'username');
    const password = typeof fields.password === 'string' ? fields.password : '';
    const sent = str(fields, '_csrf');
    const expected = cookies(req)[SIGN_IN_CSRF_COOKIE] ?? '';
    if (!expected || !same(sent, expected)) {
      return this.form(req, reply, { username, errors: [formError('username', '', t('signIn.error.expired'))] }, 403);
    }
    const errors: FormError[] = [];
    if (!username) errors.push(formError('username', '', t('signIn.error.username')));
    if (!password) errors.push(formError('password', '', t('signIn.error.password')));
    if (errors.length > 0) return this.form(req, reply, { username, errors }, 400);
    try {
      const { token } = await this.auth.signIn(username, password, req.ip);
      setSessionCookie(reply, token);
      void reply.clearCookie(SIGN_IN_CSRF_COOKIE, { path: '/logga-in' });
      return redirect(reply, safeReturnPath(str(fields, 'tillbaka')));
    } catch (e) {
      if (!(e instanceof DomainError) || ![ErrorKind.Unauthenticated, ErrorKind.TooManyRequests, ErrorKind.Forbidden].includes(e.kind)) throw e;
      const locale = resolveLocale(req);
      return this.form(req, reply, { username, errors: domainFormErrors(e, locale, {}, 'username') }, statusOf(e));
    }
  }

  @RequirePermission(Permission.SelfRead)
  @Post('logga-ut')
  async deleteSession(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply) {
    if (req.sessionIdHash) await this.auth.signOut(req.sessionIdHash);
    clearSessionCookie(reply);
    return redirect(reply, '/logga-in?utloggad=1');
  }

  private async form(req: FastifyRequest, reply: FastifyReply, data: { username?: string; errors?: FormError[] }, status = 200) {
    const csrf = randomBytes(24).toString('base64url');
    void reply.setCookie(SIGN_IN_CSRF_COOKIE, csrf, { httpOnly: true, sameSite: 'strict', secure: getConfig().session.cookieSecure, path: '/logga-in' });
    const query = req.query as Record<string, unknown>;
    return renderPage(req, reply, 'pages/sign-in.njk', {
      signInCsrf: csrf,
      returnTo: safeReturnPath((body(req)?.tillbaka as string | undefined) ?? query.tillbaka),
      signedOut: query.utloggad === '1',
      username: data.username ?? '',
      errors: data.errors ?? [],
    }, { status });
  }
}

function body(req: FastifyRequest): Record<string, unknown> | undefined {
  return req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : undefined;
}
