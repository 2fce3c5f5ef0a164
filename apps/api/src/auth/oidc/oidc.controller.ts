import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { getConfig } from '#config';
import { Public } from '../../common/permission.decorator.js';
import { RequestId } from '../../common/request-context.js';
import { setSessionCookie } from '../session-cookie.js';
import { OIDC_LOGIN_TTL_SECONDS, OidcService } from './oidc.service.js';

/** Binds a started sign-in to the browser. Lax: the IdP's redirect back is a cross-site top-level GET. */
export const OIDC_COOKIE = 'mp_oidc';
const COOKIE_PATH = '/api/v1/auth/oidc';

/** Where the browser goes after signing in: the web UI's start page, which picks the page for the role. */
const AFTER_SIGN_IN = '/';

/**
 * A same-origin page that moves on to the start page. A redirect straight from the callback would
 * still count as cross-site for the SameSite=Strict session cookie, so the first page would look
 * signed out; a meta refresh from our own page is same-site. No script (the CSP allows none inline).
 */
const SIGNED_IN_PAGE = `<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${AFTER_SIGN_IN}"><title>Inloggad – Mätpunkt</title></head>
<body><main><p>Du är inloggad. <a href="${AFTER_SIGN_IN}">Fortsätt till Mätpunkt</a>.</p><p lang="en">You are signed in. <a href="${AFTER_SIGN_IN}">Continue to Mätpunkt</a>.</p></main></body></html>
`;

@ApiTags('auth')
@Controller('auth/oidc')
export class OidcController {
  constructor(@Inject(OidcService) private readonly oidc: OidcService) {}

  @Public()
  @Get('start')
  @ApiOperation({ summary: 'Starts sign-in at the municipality’s identity provider (302 to the IdP).' })
  async start(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const { url, bindingToken } = await this.oidc.start(req.ip);
    void reply.setCookie(OIDC_COOKIE, bindingToken, {
      httpOnly: true,
      secure: getConfig().session.cookieSecure,
      sameSite: 'lax',
      path: COOKIE_PATH,
      maxAge: OIDC_LOGIN_TTL_SECONDS,
    });
    return reply.redirect(url, 302);
  }

  @Public()
  @Get('callback')
  @ApiOperation({ summary: 'The IdP’s redirect back: validates, provisions the user, opens a session.' })
  async callback(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @RequestId() requestId: string) {
    const cookies = (req as unknown as { cookies?: Record<string, string | undefined> }).cookies ?? {};
    const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
    void reply.clearCookie(OIDC_COOKIE, { path: COOKIE_PATH });
    const { token } = await this.oidc.complete(query, cookies[OIDC_COOKIE], req.ip, requestId);
    setSessionCookie(reply, token);
    return reply.status(200).type('text/html; charset=utf-8').send(SIGNED_IN_PAGE);
  }
}
