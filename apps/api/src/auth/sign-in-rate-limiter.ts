import { createHmac } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DomainError, ErrorKind } from '#domain';
import { getConfig } from '#config';
import { SignInThrottleRepository } from '#persistence';

/** A 429 that tells the client when to try again (the error filter sets Retry-After from it). */
export class TooManySignInAttempts extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'AUTH.RATE_LIMITED',
      ErrorKind.TooManyRequests,
      'För många inloggningsförsök. Vänta en stund och försök igen.',
      'Too many sign-in attempts. Wait a while and try again.',
    );
  }
}

/**
 * Sign-in attempts per client IP and per username, counted in PostgreSQL (fixed windows) so the
 * limit holds across API replicas. Usernames are stored only as a keyed hash. Complements the
 * per-account lockout (5 wrong passwords), which an attacker spraying many usernames never hits.
 */
export class SignInRateLimiter {
  private readonly throttle: SignInThrottleRepository;
  private readonly config = getConfig();

  constructor(dataSource: DataSource) {
    this.throttle = new SignInThrottleRepository(dataSource);
  }

  /** Counts one attempt; throws TooManySignInAttempts when the IP or the username is over its limit. */
  async consume(clientIp: string | null, username: string | null): Promise<void> {
    const { perIp, perUsername, windowSeconds } = this.config.signInRateLimit;
    const limits = new Map<string, number>();
    if (clientIp) limits.set(`ip:${clientIp}`, perIp);
    if (username) {
      const hashed = createHmac('sha256', this.config.session.secret).update(username.trim().toLowerCase()).digest('base64url');
      limits.set(`user:${hashed}`, perUsername);
    }
    if (limits.size === 0) return;
    const counts = await this.throttle.hit([...limits.keys()], windowSeconds);
    const over = counts.filter((c) => c.attempts > limits.get(c.key)!);
    if (over.length > 0) throw new TooManySignInAttempts(Math.max(...over.map((c) => c.retryAfterSeconds)));
  }
}
