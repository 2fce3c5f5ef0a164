import type { EntityManager } from 'typeorm';
import type { Role } from '#domain';
import type { UnitScope } from '#access';

export interface UserAdminRow {
  id: string;
  username: string;
  displayName: string;
  disabled: boolean;
  lockedUntil: Date | null;
  createdAt: Date;
  memberships: { unitId: string; unitName: string; role: Role }[];
}

/**
 * Users and memberships as an administrator sees them: users with at least one membership in the
 * admin's unit subtrees, or no membership at all in the municipality (newly created).
 */
export class UserAdminRepository {
  constructor(private readonly db: EntityManager) {}

  async list(scope: UnitScope, userId?: string): Promise<UserAdminRow[]> {
    const rows = await this.db.query(
      `SELECT u.id, u.username, u.display_name, u.disabled_at IS NOT NULL AS disabled, u.locked_until, u.created_at,
              coalesce(json_agg(json_build_object('unitId', o.id, 'unitName', o.name, 'role', m.role) ORDER BY o.path, m.role)
                FILTER (WHERE m.role IS NOT NULL), '[]') AS memberships
         FROM app_user u
         LEFT JOIN membership m ON m.user_id = u.id
         LEFT JOIN org_unit o ON o.id = m.org_unit_id
        WHERE u.municipality_id = $1 AND ($3::uuid IS NULL OR u.id = $3)
          AND (NOT EXISTS (SELECT 1 FROM membership m2 WHERE m2.user_id = u.id)
               OR EXISTS (SELECT 1 FROM membership m3 JOIN org_unit o3 ON o3.id = m3.org_unit_id WHERE m3.user_id = u.id AND o3.path LIKE ANY($2)))
        GROUP BY u.id ORDER BY u.username`,
      [scope.municipalityId, scope.likePatterns, userId ?? null],
    );
    return rows.map((r: Record<string, any>) => ({
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      disabled: r.disabled,
      lockedUntil: r.locked_until,
      createdAt: r.created_at,
      memberships: r.memberships,
    }));
  }

  async insert(scope: UnitScope, u: { username: string; displayName: string; passwordHash: string | null }): Promise<string | null> {
    const rows = await this.db.query(
      `INSERT INTO app_user (municipality_id, username, display_name, password_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (username) DO NOTHING RETURNING id`,
      [scope.municipalityId, u.username, u.displayName, u.passwordHash],
    );
    return rows[0]?.id ?? null;
  }

  /** Replaces the user's memberships inside the admin's subtrees; memberships elsewhere stay. */
  async replaceMemberships(scope: UnitScope, userId: string, memberships: { unitId: string; role: Role }[]): Promise<void> {
    await this.db.query(
      `DELETE FROM membership m USING org_unit o WHERE m.user_id = $1 AND o.id = m.org_unit_id AND o.path LIKE ANY($2)`,
      [userId, scope.likePatterns],
    );
    if (memberships.length === 0) return;
    await this.db.query(
      `INSERT INTO membership (user_id, org_unit_id, role) SELECT $1, unnest($2::uuid[]), unnest($3::text[]) ON CONFLICT DO NOTHING`,
      [userId, memberships.map((m) => m.unitId), memberships.map((m) => m.role)],
    );
  }

  async update(scope: UnitScope, userId: string, patch: { displayName?: string; disabled?: boolean; passwordHash?: string }): Promise<void> {
    await this.db.query(
      `UPDATE app_user SET display_name = coalesce($3, display_name),
              disabled_at = CASE WHEN $4::boolean IS NULL THEN disabled_at WHEN $4 THEN coalesce(disabled_at, now()) ELSE NULL END,
              password_hash = coalesce($5, password_hash),
              failed_logins = CASE WHEN $5::text IS NULL THEN failed_logins ELSE 0 END,
              locked_until = CASE WHEN $5::text IS NULL THEN locked_until ELSE NULL END
        WHERE id = $1 AND municipality_id = $2`,
      [userId, scope.municipalityId, patch.displayName ?? null, patch.disabled ?? null, patch.passwordHash ?? null],
    );
  }

  /** Ends every session of the user at once (disabling, password reset). */
  async revokeSessions(userId: string): Promise<number> {
    const rows = await this.db.query(`UPDATE session SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING 1`, [userId]);
    return Array.isArray(rows[0]) ? rows[0].length : rows.length;
  }
}
