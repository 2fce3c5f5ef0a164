import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Role } from '#domain';
import { Permission } from '#access';
import { Public, RequirePermission } from '../common/permission.decorator.js';
import type { AuthenticatedRequest } from '../common/request-context.js';
import { LANG_COOKIE, safeReturnPath } from './locale.js';
import { navigationOptions, redirect, renderPage } from './render.js';

/** Where each role starts; the first role an actor holds in this order decides. */
export function startPath(roles: readonly Role[]): string {
  const { aggregates } = navigationOptions();
  if (roles.includes(Role.Caseworker)) return '/arbetslista';
  if (roles.includes(Role.UnitHead)) return aggregates ? '/oversikt' : '/arbetslista?vy=enhet';
  if (roles.includes(Role.Admin)) return '/admin';
  if (roles.includes(Role.Analyst)) return '/arbetssatt';
  if (roles.includes(Role.Politician) && aggregates) return '/resultat';
  return '/start';
}

@ApiExcludeController()
@Controller()
export class StartPageController {
  /** The start page of the signed-in person's role. */
  @RequirePermission(Permission.SelfRead)
  @Get()
  getStart(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply) {
    return redirect(reply, startPath(req.actor!.memberships.map((m) => m.role)));
  }

  /** For roles without a page of their own yet: who you are and where to go. */
  @RequirePermission(Permission.SelfRead)
  @Get('start')
  getStartOverview(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply) {
    return renderPage(req, reply, 'pages/start.njk', { roles: [...new Set(req.actor!.memberships.map((m) => m.role))] });
  }

  @RequirePermission(Permission.MethodAdmin)
  @Get('admin')
  getAdmin(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply) {
    return renderPage(req, reply, 'pages/admin.njk', { userAdmin: navigationOptions().userAdmin });
  }

  /** The language switch: remembers the choice and returns to the page it was chosen on. */
  @Public()
  @Get('sprak')
  getLanguage(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const q = req.query as Record<string, unknown>;
    const lang = q.lang === 'en' ? 'en' : 'sv';
    void reply.setCookie(LANG_COOKIE, lang, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 24 * 3600 });
    return redirect(reply, safeReturnPath(q.tillbaka));
  }

  /** Tillgänglighetsredogörelse (DOS-lagen 2018:1937, 12 §): public, reachable from every page. */
  @Public()
  @Get('tillganglighet')
  getAccessibilityStatement(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return renderPage(req, reply, 'pages/accessibility.njk');
  }
}
