import type { DataSource, EntityManager } from 'typeorm';
import type { Role } from '#domain';
import type { UnitScope } from '#access';

export type AccessRightRelation = 'unit' | 'below' | 'above';

/** One membership that reaches a unit: someone with a role in the unit, a unit below it, or a unit above it. */
export interface AccessRightRow {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  unitId: string;
  unitCode: string;
  unitName: string;
  relation: AccessRightRelation;
  grantedAt: Date;
  lastSignInAt: Date | null;
  disabled: boolean;
  signIn: 'oidc' | 'local' | 'none';
}

/**
 * The access-rights report for recertification: every membership in the unit, in its subtree, and
 * in its ancestors (whose scope covers the unit). Ancestors may lie outside the reviewer's scope:
 * who can see the unit's data is exactly what a recertification must show.
 */
export class AccessRightsRepository {
  constructor(private readonly db: DataSource | EntityManager) {}

  async listForUnit(scope: UnitScope, unit: { id: string; path: string }): Promise<AccessRightRow[]> {
    const rows = await this.db.query(
      `SELECT u.id AS user_id, u.username, u.display_name, m.role, o.id AS unit_id, o.code AS unit_code, o.name AS unit_name,
              CASE WHEN o.id = $2 THEN 'unit' WHEN o.path LIKE $3 THEN 'below' ELSE 'above' END AS relation,
              m.created_at AS granted_at, u.last_sign_in_at, u.disabled_at IS NOT NULL AS disabled,
              CASE WHEN u.oidc_subject IS NOT NULL THEN 'oidc' WHEN u.password_hash IS NOT NULL THEN 'local' ELSE 'none' END AS sign_in
         FROM membership m
         JOIN org_unit o ON o.id = m.org_unit_id
         JOIN app_user u ON u.id = m.user_id
        WHERE o.municipality_id = $1 AND u.municipality_id = $1
          AND (o.path LIKE $3 OR $4 LIKE o.path || '%')
        ORDER BY CASE WHEN o.id = $2 THEN 0 WHEN o.path LIKE $3 THEN 1 ELSE 2 END, o.path, m.role, u.username`,
      [scope.municipalityId, unit.id, `${unit.path}%`, unit.path],
    );
    return rows.map((r: Record<string, any>) => ({
      userId: r.user_id,
      username: r.username,
      displayName: r.display_name,
      role: r.role,
      unitId: r.unit_id,
      unitCode: r.unit_code,
      unitName: r.unit_name,
      relation: r.relation,
      grantedAt: r.granted_at,
      lastSignInAt: r.last_sign_in_at,
      disabled: r.disabled,
      signIn: r.sign_in,
    }));
  }
}
