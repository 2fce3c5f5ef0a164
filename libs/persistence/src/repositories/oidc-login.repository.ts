import type { DataSource, EntityManager } from 'typeorm';
import type { Role } from '#domain';
import { returnedRows } from '../sql.js';

export interface OidcUserRow {
  id: string;
  municipalityId: string;
  username: string;
  disabled: boolean;
  oidcIssuer: string | null;
  oidcSubject: string | null;
}

const USER_COLUMNS = `id, municipality_id, username, disabled_at IS NOT NULL AS disabled, oidc_issuer, oidc_subject`;

function toUser(r: Record<string, any>): OidcUserRow {
  return { id: r.id, municipalityId: r.municipality_id, username: r.username, disabled: r.disabled, oidcIssuer: r.oidc_issuer, oidcSubject: r.oidc_subject };
}

/**
 * OpenID Connect sign-in: the short-lived login rows (state, nonce, PKCE verifier, browser binding)
 * and just-in-time provisioning of users and their memberships from the IdP's groups.
 */
export class OidcLoginRepository {
  constructor(private readonly db: DataSource | EntityManager) {}

  /** Stores a started sign-in; expired rows are swept on the way. */
  async createLogin(l: { stateHash: Buffer; bindingHash: Buffer; nonce: string; codeVerifier: string; ttlSeconds: number }): Promise<void> {
    await this.db.query(`DELETE FROM oidc_login WHERE expires_at < now() - interval '1 hour'`);
    await this.db.query(
      `INSERT INTO oidc_login (state_hash, binding_hash, nonce, code_verifier, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [l.stateHash, l.bindingHash, l.nonce, l.codeVerifier, l.ttlSeconds],
    );
  }

  /** Consumes a started sign-in once: unknown, expired, already used or from another browser → null. */
  async consumeLogin(stateHash: Buffer, bindingHash: Buffer): Promise<{ nonce: string; codeVerifier: string } | null> {
    const rows = returnedRows<{ nonce: string; code_verifier: string }>(
      await this.db.query(
        `UPDATE oidc_login SET consumed_at = now()
          WHERE state_hash = $1 AND binding_hash = $2 AND consumed_at IS NULL AND expires_at > now()
          RETURNING nonce, code_verifier`,
        [stateHash, bindingHash],
      ),
    );
    const r = rows[0];
    return r ? { nonce: r.nonce, codeVerifier: r.code_verifier } : null;
  }

  async findMunicipalityIdByCode(code: string): Promise<string | null> {
    const rows = await this.db.query(`SELECT id FROM municipality WHERE code = $1`, [code]);
    return rows[0]?.id ?? null;
  }

  /** Units of the municipality by code (the group map names units by code). */
  async findUnitIdsByCode(municipalityId: string, codes: readonly string[]): Promise<Map<string, string>> {
    const rows: { id: string; code: string }[] = await this.db.query(
      `SELECT id, code FROM org_unit WHERE municipality_id = $1 AND code = ANY($2::text[])`,
      [municipalityId, codes],
    );
    return new Map(rows.map((r) => [r.code, r.id]));
  }

  async findUserBySubject(issuer: string, subject: string): Promise<OidcUserRow | null> {
    const rows = await this.db.query(`SELECT ${USER_COLUMNS} FROM app_user WHERE oidc_issuer = $1 AND oidc_subject = $2 FOR UPDATE`, [issuer, subject]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async findUserByUsername(username: string): Promise<OidcUserRow | null> {
    const rows = await this.db.query(`SELECT ${USER_COLUMNS} FROM app_user WHERE username = $1 FOR UPDATE`, [username]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** A new IdP user; no password (local sign-in is impossible for it). */
  async insertUser(u: { municipalityId: string; username: string; displayName: string; issuer: string; subject: string }): Promise<string> {
    const rows = await this.db.query(
      `INSERT INTO app_user (municipality_id, username, display_name, oidc_issuer, oidc_subject) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [u.municipalityId, u.username, u.displayName, u.issuer, u.subject],
    );
    return rows[0].id;
  }

  /**
   * Links an existing user to the IdP identity and refreshes username and display name. The local
   * password is removed: from now on this person signs in through the IdP only.
   */
  async linkUser(userId: string, u: { username: string; displayName: string; issuer: string; subject: string }): Promise<void> {
    await this.db.query(
      `UPDATE app_user SET username = $2, display_name = $3, oidc_issuer = $4, oidc_subject = $5,
              password_hash = NULL, failed_logins = 0, locked_until = NULL
        WHERE id = $1`,
      [userId, u.username, u.displayName, u.issuer, u.subject],
    );
  }

  /**
   * Replaces every membership of the user with the IdP-mapped set (a group removed at the IdP is a
   * membership removed here). Returns whether anything changed.
   */
  async replaceAllMemberships(userId: string, memberships: readonly { unitId: string; role: Role }[]): Promise<boolean> {
    const current: { org_unit_id: string; role: string }[] = await this.db.query(`SELECT org_unit_id, role FROM membership WHERE user_id = $1`, [userId]);
    const key = (unitId: string, role: string) => `${unitId}|${role}`;
    const before = new Set(current.map((m) => key(m.org_unit_id, m.role)));
    const after = new Set(memberships.map((m) => key(m.unitId, m.role)));
    if (before.size === after.size && [...after].every((k) => before.has(k))) return false;
    await this.db.query(`DELETE FROM membership WHERE user_id = $1`, [userId]);
    if (memberships.length > 0) {
      await this.db.query(
        `INSERT INTO membership (user_id, org_unit_id, role) SELECT $1, unnest($2::uuid[]), unnest($3::text[]) ON CONFLICT DO NOTHING`,
        [userId, memberships.map((m) => m.unitId), memberships.map((m) => m.role)],
      );
    }
    return true;
  }

  async createSession(idHash: Buffer, userId: string, csrfToken: string, absoluteSeconds: number): Promise<void> {
    await this.db.query(
      `INSERT INTO session (id_hash, user_id, csrf_token, expires_at, auth_method) VALUES ($1, $2, $3, now() + make_interval(secs => $4), 'oidc')`,
      [idHash, userId, csrfToken, absoluteSeconds],
    );
    await this.db.query(`UPDATE app_user SET last_sign_in_at = now() WHERE id = $1`, [userId]);
  }
}
