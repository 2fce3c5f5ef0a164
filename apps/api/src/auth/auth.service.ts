import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import { DataSource } from 'typeorm';
import { DomainError, ErrorKind } from '#domain';
import type { Actor } from '#access';
import { getConfig } from '#config';
import { UserRepository } from '#persistence';

const MAX_FAILURES = 5;
const LOCK_SECONDS = 15 * 60;
// OWASP's argon2id recommendation (m = 19 MiB, t = 2, p = 1).
export const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: 2 } as const;
// Verified against when the username is unknown, so timing does not reveal which usernames exist.
let dummyHash: Promise<string> | undefined;

function unauthenticated(): DomainError {
  return new DomainError('AUTH.INVALID_CREDENTIALS', ErrorKind.Unauthenticated, 'Fel användarnamn eller lösenord.', 'Wrong username or password.');
}

export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

@Injectable()
export class AuthService {
  private readonly users: UserRepository;
  private readonly config = getConfig();

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.users = new UserRepository(dataSource);
  }

  /** A random session token (to the cookie) and its keyed hash (to the database). */
  sessionHash(token: string): Buffer {
    return createHmac('sha256', this.config.session.secret).update(token).digest();
  }

  tokenHash(token: string): Buffer {
    return createHash('sha256').update(`${this.config.session.secret}:${token}`).digest();
  }

  async signIn(username: string, password: string): Promise<{ token: string; csrfToken: string; actor: Actor }> {
    if (!this.config.localAccountsEnabled) {
      throw new DomainError('AUTH.LOCAL_DISABLED', ErrorKind.Forbidden, 'Inloggning med lokalt konto är avstängd.', 'Local account sign-in is switched off.');
    }
    const candidate = await this.users.findLoginCandidate(username);
    if (!candidate || !candidate.passwordHash || candidate.disabled) {
      dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
      await verify(await dummyHash, password).catch(() => false);
      throw unauthenticated();
    }
    if (candidate.lockedUntil && candidate.lockedUntil.getTime() > Date.now()) {
      throw new DomainError('AUTH.LOCKED', ErrorKind.TooManyRequests, 'Kontot är tillfälligt låst efter för många försök. Försök igen om en stund.', 'The account is temporarily locked after too many attempts. Try again later.');
    }
    if (!(await verify(candidate.passwordHash, password).catch(() => false))) {
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
    const session = await this.users.touchSession(idHash, this.config.session.idleSeconds);
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
