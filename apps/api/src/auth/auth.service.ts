import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, ErrorKind } from '#domain';
import { type Actor, hashPassword, verifyPassword } from '#access';
import { getConfig } from '#config';
import { UserRepository } from '#persistence';
import { SignInRateLimiter } from './sign-in-rate-limiter.js';

const MAX_FAILURES = 5;
const LOCK_SECONDS = 15 * 60;
// Verified against when the username is unknown, so timing does not reveal which usernames exist.
let dummyHash: Promise<string> | undefined;

function unauthenticated(): DomainError {
  return new DomainError('AUTH.INVALID_CREDENTIALS', ErrorKind.Unauthenticated, 'Fel användarnamn eller lösenord.', 'Wrong username or password.');
}

@Injectable()
export class AuthService {
  private readonly users: UserRepository;
  private readonly rateLimiter: SignInRateLimiter;
  private readonly config = getConfig();

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.users = new UserRepository(dataSource);
    this.rateLimiter = new SignInRateLimiter(dataSource);
  }

  /** A random session token (to the cookie) and its keyed hash (to the database). */
  sessionHash(token: string): Buffer {
    return createHmac('sha256', this.config.session.secret).update(token).digest();
  }

  tokenHash(token: string): Buffer {
    return createHash('sha256').update(`${this.config.session.secret}:${token}`).digest();
  }

  /** Local sign-in; `clientIp` (when known) is rate-limited along with the username. */
  async signIn(username: string, password: string, clientIp?: string): Promise<{ token: string; csrfToken: string; actor: Actor }> {
    if (!this.config.localAccountsEnabled) {
      throw new DomainError('AUTH.LOCAL_DISABLED', ErrorKind.Forbidden, 'Inloggning med lokalt konto är avstängd.', 'Local account sign-in is switched off.');
    }
    await this.rateLimiter.consume(clientIp ?? null, username);
    const candidate = await this.users.findLoginCandidate(username);
    if (!candidate || !candidate.passwordHash || candidate.disabled) {
      dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
      await verifyPassword(await dummyHash, password);
      throw unauthenticated();
    }
    if (candidate.lockedUntil && candidate.lockedUntil.getTime() > Date.now()) {
      throw new DomainError('AUTH.LOCKED', ErrorKind.TooManyRequests, 'Kontot är tillfälligt låst efter för många försök. Försök igen om en stund.', 'The account is temporarily locked after too many attempts. Try again later.');
    }
    if (!(await verifyPassword(candidate.passwordHash, password))) {
      await this.users.recordFailedLogin(candidate.id, MAX_FAILURES, LOCK_SECONDS);
      throw unauthenticated();
    }
    await this.users.recordSuccessfulLogin(candidate.id);
    const actor = await this.users.loadActor(candidate.id, 'session');
    if (!actor) throw unauthenticated();
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    await this.users.createSession(this.sessionHash(token), candidate.id, csrfToken, this.config.session.absoluteSeconds);
    return { token, csrfToken, actor };
  }

  async actorForSession(token: string): Promise<{ actor: Actor; csrfToken: string; idHash: Buffer } | null> {
    const idHash = this.sessionHash(token);
    const session = await this.users.touchSession(idHash, this.config.session.idleSeconds, this.config.localAccountsEnabled);
    if (!session) return null;
    const actor = await this.users.loadActor(session.userId, 'session');
    return actor ? { actor, csrfToken: session.csrfToken, idHash } : null;
  }

  async actorForApiToken(token: string): Promise<Actor | null> {
    const userId = await this.users.findUserByApiToken(this.tokenHash(token));
    return userId ? this.users.loadActor(userId, 'token') : null;
  }

  async signOut(idHash: Buffer): Promise<void> {
    await this.users.revokeSession(idHash);
  }

  /** A personal API token for integrations; shown once, stored only as a hash. */
  async createApiToken(actor: Actor, name: string, expiresInDays: number | null): Promise<{ id: string; token: string }> {
    const token = `mpt_${randomBytes(32).toString('base64url')}`;
    const id = await this.users.createApiToken(actor.userId, name, this.tokenHash(token), expiresInDays);
    return { id, token };
  }
}
