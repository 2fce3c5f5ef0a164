import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type Actor, Permission } from '#access';
import { Public, RequirePermission } from '../common/permission.decorator.js';
import { type AuthenticatedRequest, CurrentActor } from '../common/request-context.js';
import { clearSessionCookie, setSessionCookie } from './session-cookie.js';
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
  async signIn(@Body() dto: SignInDto, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { token, csrfToken, actor } = await this.auth.signIn(dto.username, dto.password, req.ip);
    setSessionCookie(reply, token);
    return { csrfToken, user: describeActor(actor) };
  }

  @RequirePermission(Permission.SelfRead)
  @Post('sign-out')
  @HttpCode(204)
  async signOut(@Req() req: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    if (req.sessionIdHash) await this.auth.signOut(req.sessionIdHash);
    clearSessionCookie(reply);
  }

  @RequirePermission(Permission.SelfRead)
  @Get('me')
  me(@CurrentActor() actor: Actor, @Req() req: AuthenticatedRequest) {
    // A session signed in through the IdP learns its CSRF token here (it never saw a sign-in JSON body).
    return req.csrfToken ? { ...describeActor(actor), csrfToken: req.csrfToken } : describeActor(actor);
  }

  @RequirePermission(Permission.SelfRead)
  @Post('api-tokens')
  async createApiToken(@CurrentActor() actor: Actor, @Body() dto: CreateApiTokenDto) {
    return this.auth.createApiToken(actor, dto.name, dto.expiresInDays ?? null);
  }
}
