import type { DataSource, EntityManager } from 'typeorm';
import type { Role } from '#domain';
import type { Actor, ActorMembership } from '#access';
import { returnedRows } from '../sql.js';

export interface LoginCandidate {
  id: string;
  municipalityId: string;
  passwordHash: string | null;
  disabled: boolean;
  lockedUntil: Date | null;
  failedLogins: number;
}

/** Users, memberships, sessions and API tokens: everything sign-in needs. */
export class UserRepository {
  constructor(private readonly db: DataSource | EntityManager) {}

  async findLoginCandidate(username: string): Promise<LoginCandidate | null> {
    const rows = await this.db.query(
      `SELECT id, municipality_id, password_hash, disabled_at IS NOT NULL AS disabled, locked_until, failed_logins
         FROM app_user WHERE username = $1`,
      [username.toLowerCase()],
    );
    const r = rows[0];
    return r
      ? { id: r.id, municipalityId: r.municipality_id, passwordHash: r.password_hash, disabled: r.disabled, lockedUntil: r.locked_until, failedLogins: r.failed_logins }
      : null;
  }

  /** Counts a failed sign-in; locks the account for `lockSeconds` once `maxFailures` is reached. */
  async recordFailedLogin(userId: string, maxFailures: number, lockSeconds: number): Promise<void> {
    await this.db.query(
      `UPDATE app_user SET failed_logins = failed_logins + 1,
         locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(secs => $3) ELSE locked_until END
       WHERE id = $1`,
      [userId, maxFailures, lockSeconds],
    );
  }

  async recordSuccessfulLogin(userId: string): Promise<void> {
    await this.db.query(`UPDATE app_user SET failed_logins = 0, locked_until = NULL, last_sign_in_at = now() WHERE id = $1`, [userId]);
  }

  /** The actor for an enabled user, with memberships and their unit paths. */
  async loadActor(userId: string, authMethod: Actor['authMethod']): Promise<Actor | null> {
    const rows: { id: string; municipality_id: string; username: string; display_name: string; unit_id: string | null; path: string | null; role: Role | null }[] =
      await this.db.query(
        `SELECT u.id, u.municipality_id, u.username, u.display_name, m.org_unit_id AS unit_id, o.path, m.role
           FROM app_user u
           LEFT JOIN membership m ON m.user_id = u.id
           LEFT JOIN org_unit o ON o.id = m.org_unit_id AND o.municipality_id = u.municipality_id
          WHERE u.id = $1 AND u.disabled_at IS NULL`,
        [userId],
      );
    const first = rows[0];
    if (!first) return null;
    const memberships: ActorMembership[] = rows
      .filter((r) => r.unit_id && r.path && r.role)
      .map((r) => ({ unitId: r.unit_id!, unitPath: r.path!, role: r.role! }));
    return { userId: first.id, municipalityId: first.municipality_id, username: first.username, displayName: first.display_name, memberships, authMethod };
  }

  async createSession(idHash: Buffer, userId: string, csrfToken: string, absoluteSeconds: number): Promise<void> {
    await this.db.query(
      `INSERT INTO session (id_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [idHash, userId, csrfToken, absoluteSeconds],
    );
  }

  /**
   * A live session (not revoked, within its absolute lifetime and idle timeout), touched in the
   * same statement so idle time restarts. Disabled users have no live sessions; with local accounts
   * switched off, neither have sessions that began with a local sign-in.
   */
  async touchSession(idHash: Buffer, idleSeconds: number, localAccountsEnabled = true): Promise<{ userId: string; csrfToken: string } | null> {
    const rows = await this.db.query(
      `UPDATE session s SET last_seen_at = now()
         FROM app_user u
        WHERE s.id_hash = $1 AND u.id = s.user_id AND u.disabled_at IS NULL AND s.revoked_at IS NULL
          AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => $2)
          AND ($3::boolean OR s.auth_method <> 'local')
        RETURNING s.user_id, s.csrf_token`,
      [idHash, idleSeconds, localAccountsEnabled],
    );
    const r = returnedRows<{ user_id: string; csrf_token: string }>(rows)[0];
    return r?.user_id ? { userId: r.user_id, csrfToken: r.csrf_token } : null;
  }

  async revokeSession(idHash: Buffer): Promise<void> {
    await this.db.query(`UPDATE session SET revoked_at = now() WHERE id_hash = $1 AND revoked_at IS NULL`, [idHash]);
  }

  async createApiToken(userId: string, name: string, tokenHash: Buffer, expiresInDays: number | null): Promise<string> {
    const rows = await this.db.query(
      `INSERT INTO api_token (user_id, name, token_hash, expires_at)
       VALUES ($1, $2, $3, CASE WHEN $4::int IS NULL THEN NULL ELSE now() + make_interval(days => $4::int) END) RETURNING id`,
      [userId, name, tokenHash, expiresInDays],
    );
    return rows[0].id;
  }

  async findUserByApiToken(tokenHash: Buffer): Promise<string | null> {
    const rows = await this.db.query(
      `UPDATE api_token t SET last_used_at = now() FROM app_user u
        WHERE t.token_hash = $1 AND u.id = t.user_id AND u.disabled_at IS NULL AND t.revoked_at IS NULL
          AND (t.expires_at IS NULL OR t.expires_at > now())
        RETURNING t.user_id`,
      [tokenHash],
    );
    const r = returnedRows<{ user_id: string; csrf_token: string }>(rows)[0];
    return r?.user_id ?? null;
  }
}
