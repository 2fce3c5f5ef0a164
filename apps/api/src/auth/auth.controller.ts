import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type Actor, Permission } from '#access';
import { getConfig } from '#config';
import { Public, RequirePermission } from '../common/permission.decorator.js';
import { type AuthenticatedRequest, CurrentActor } from '../common/request-context.js';
import { SESSION_COOKIE } from './auth.guard.js';
import { CreateApiTokenDto, SignInDto } from './auth.dto.js';
import { AuthService } from './auth.service.js';

function describeActor(actor: Actor) {
  return {
    userId: actor.userId,
    username: actor.username,
    displayName: actor.displayName,
    municipalityId: actor.municipalityId,
    memberships: actor.memberships.map((m) => ({ unitId: m.unitId, role: m.role })),
  };
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @Public()
  @Post('sign-in')
  @HttpCode(200)
  async signIn(@Body() dto: SignInDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const { token, csrfToken, actor } = await this.auth.signIn(dto.username, dto.password);
    const config = getConfig();
    void reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      secure: config.session.cookieSecure,
      sameSite: 'strict',
      path: '/',
      maxAge: config.session.absoluteSeconds,
    });
    return { csrfToken, user: describeActor(actor) };
  }

  @RequirePermission(Permission.SelfRead)
  @Post('sign-out')
  @HttpCode(204)
  async signOut(@Req() req: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    if (req.sessionIdHash) await this.auth.signOut(req.sessionIdHash);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @RequirePermission(Permission.SelfRead)
  @Get('me')
  me(@CurrentActor() actor: Actor) {
    return describeActor(actor);
  }

  @RequirePermission(Permission.SelfRead)
  @Post('api-tokens')
  async createApiToken(@CurrentActor() actor: Actor, @Body() dto: CreateApiTokenDto) {
    return this.auth.createApiToken(actor, dto.name, dto.expiresInDays ?? null);
  }
}
