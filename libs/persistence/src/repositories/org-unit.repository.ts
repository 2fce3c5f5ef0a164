import type { DataSource, EntityManager } from 'typeorm';
import type { OrgUnitKind } from '#domain';
import type { UnitScope } from '#access';

export interface OrgUnitRow {
  id: string;
  parentId: string | null;
  kind: OrgUnitKind;
  code: string;
  name: string;
  path: string;
}

/** The organisation tree; a subtree is one prefix match on the materialized path. */
export class OrgUnitRepository {
  constructor(private readonly db: DataSource | EntityManager) {}

  async listInScope(scope: UnitScope): Promise<OrgUnitRow[]> {
    const rows = await this.db.query(
      `SELECT id, parent_id, kind, code, name, path FROM org_unit
        WHERE municipality_id = $1 AND path LIKE ANY($2) ORDER BY path`,
      [scope.municipalityId, scope.likePatterns],
    );
    return rows.map((r: Record<string, any>) => ({ id: r.id, parentId: r.parent_id, kind: r.kind, code: r.code, name: r.name, path: r.path }));
  }

  async findInScope(scope: UnitScope, id: string): Promise<OrgUnitRow | null> {
    const rows = await this.db.query(
      `SELECT id, parent_id, kind, code, name, path FROM org_unit WHERE municipality_id = $1 AND path LIKE ANY($2) AND id = $3`,
      [scope.municipalityId, scope.likePatterns, id],
    );
    const r = rows[0];
    return r ? { id: r.id, parentId: r.parent_id, kind: r.kind, code: r.code, name: r.name, path: r.path } : null;
  }

  /** Creates a unit under a parent (or a root), computing its path from the parent's. Used by seeding and admin. */
  async create(municipalityId: string, u: { parentId: string | null; kind: OrgUnitKind; code: string; name: string }): Promise<OrgUnitRow> {
    const rows = await this.db.query(
      `WITH new_id AS (SELECT gen_random_uuid() AS id)
       INSERT INTO org_unit (id, municipality_id, parent_id, kind, code, name, path)
       SELECT new_id.id, $1, $2, $3, $4, $5,
              coalesce((SELECT path FROM org_unit WHERE id = $2 AND municipality_id = $1), '/') || new_id.id::text || '/'
         FROM new_id
       RETURNING id, parent_id, kind, code, name, path`,
      [municipalityId, u.parentId, u.kind, u.code, u.name],
    );
    const r = rows[0];
    return { id: r.id, parentId: r.parent_id, kind: r.kind, code: r.code, name: r.name, path: r.path };
  }
}
