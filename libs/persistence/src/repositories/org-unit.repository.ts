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

  /** The client groups of one unit (a possible aggregate scope), when the unit lies in the scope. */
  async listGroupsInScope(scope: UnitScope, orgUnitId: string): Promise<{ id: string; name: string }[]> {
    return this.db.query(
      `SELECT g.id, g.name FROM client_group g JOIN org_unit u ON u.id = g.org_unit_id
        WHERE g.municipality_id = $1 AND u.path LIKE ANY($2) AND g.org_unit_id = $3 ORDER BY g.name`,
      [scope.municipalityId, scope.likePatterns, orgUnitId],
    );
  }

  async findGroupInScope(scope: UnitScope, groupId: string): Promise<{ id: string; name: string; orgUnitId: string } | null> {
    const [g] = await this.db.query(
      `SELECT g.id, g.name, g.org_unit_id AS "orgUnitId" FROM client_group g JOIN org_unit u ON u.id = g.org_unit_id
        WHERE g.municipality_id = $1 AND u.path LIKE ANY($2) AND g.id = $3`,
      [scope.municipalityId, scope.likePatterns, groupId],
    );
    return g ?? null;
  }

  /**
   * Every administration-level unit of a municipality, whoever asks: the units politicians' figures are shown for.
   * Suppression of those figures must not depend on the reader (two readers' views together must not undo it), so
   * this organisation-data read takes the municipality rather than a reader's scope.
   */
  async listAdministrations(municipalityId: string): Promise<OrgUnitRow[]> {
    const rows = await this.db.query(
      `SELECT id, parent_id, kind, code, name, path FROM org_unit WHERE municipality_id = $1 AND kind = 'administration' ORDER BY path`,
      [municipalityId],
    );
    return rows.map((r: Record<string, any>) => ({ id: r.id, parentId: r.parent_id, kind: r.kind, code: r.code, name: r.name, path: r.path }));
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
