import type { EntityManager } from 'typeorm';
import type { Sex } from '#domain';
import type { UnitScope } from '#access';
import { returnedRows } from '../sql.js';

export interface ClientRow {
  id: string;
  pseudonym: string;
  homeUnitId: string;
  birthYear: number | null;
  sex: Sex;
  identityKind: 'personnummer' | 'samordningsnummer' | null;
  identityCiphertext: Buffer | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `c.id, c.pseudonym, c.home_unit_id, c.birth_year, c.sex, c.identity_kind, c.identity_ciphertext, c.created_at, c.updated_at`;

/** A client is visible where its home unit, or the unit of one of its episodes, lies in scope. */
const VISIBLE = `c.municipality_id = $1 AND (
  EXISTS (SELECT 1 FROM org_unit hu WHERE hu.id = c.home_unit_id AND hu.path LIKE ANY($2))
  OR EXISTS (SELECT 1 FROM episode e JOIN org_unit eu ON eu.id = e.org_unit_id
              WHERE e.client_id = c.id AND eu.path LIKE ANY($2)))`;

function toRow(r: Record<string, any>): ClientRow {
  return {
    id: r.id,
    pseudonym: r.pseudonym,
    homeUnitId: r.home_unit_id,
    birthYear: r.birth_year,
    sex: r.sex,
    identityKind: r.identity_kind,
    identityCiphertext: r.identity_ciphertext,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Clients, always within a unit scope: a client outside it does not exist for the caller. */
export class ClientRepository {
  constructor(private readonly db: EntityManager) {}

  /** Reserves the next pseudonym of the municipality, e.g. `K-000123` (row lock: no gaps reused). */
  async nextPseudonym(scope: UnitScope): Promise<string> {
    const rows = returnedRows<{ n: number; prefix: string }>(
      await this.db.query(
        `UPDATE municipality SET next_client_number = next_client_number + 1 WHERE id = $1
         RETURNING next_client_number - 1 AS n, client_code_prefix AS prefix`,
        [scope.municipalityId],
      ),
    );
    const { n, prefix } = rows[0]!;
    return `${prefix}-${String(n).padStart(6, '0')}`;
  }

  async insert(
    scope: UnitScope,
    c: { pseudonym: string; homeUnitId: string; birthYear: number | null; sex: Sex; identityKind: string | null; identityCiphertext: Buffer | null; identityBlindIndex: string | null },
  ): Promise<ClientRow> {
    const rows = await this.db.query(
      `INSERT INTO client (municipality_id, pseudonym, home_unit_id, birth_year, sex, identity_kind, identity_ciphertext, identity_blind_index)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS.replace(/c\./g, '')}`,
      [scope.municipalityId, c.pseudonym, c.homeUnitId, c.birthYear, c.sex, c.identityKind, c.identityCiphertext, c.identityBlindIndex],
    );
    return toRow(rows[0]);
  }

  async findVisibleById(scope: UnitScope, id: string): Promise<ClientRow | null> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM client c WHERE ${VISIBLE} AND c.id = $3`, [scope.municipalityId, scope.likePatterns, id]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  async findVisibleByBlindIndex(scope: UnitScope, blindIndex: string): Promise<ClientRow | null> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM client c WHERE ${VISIBLE} AND c.identity_blind_index = $3`, [
      scope.municipalityId,
      scope.likePatterns,
      blindIndex,
    ]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** True when any client of the municipality (in scope or not) has this identity number. */
  async existsByBlindIndex(municipalityId: string, blindIndex: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM client WHERE municipality_id = $1 AND identity_blind_index = $2`, [municipalityId, blindIndex]);
    return rows.length > 0;
  }

  /** A page of visible clients ordered by pseudonym (keyset pagination). */
  async listVisible(scope: UnitScope, opts: { after?: string; limit: number; unitId?: string }): Promise<ClientRow[]> {
    const params: unknown[] = [scope.municipalityId, scope.likePatterns, opts.after ?? '', opts.limit];
    let unitFilter = '';
    if (opts.unitId) {
      params.push(opts.unitId);
      unitFilter = `AND (c.home_unit_id = $5 OR EXISTS (SELECT 1 FROM episode e2 WHERE e2.client_id = c.id AND e2.org_unit_id = $5))`;
    }
    const rows = await this.db.query(
      `SELECT ${COLUMNS} FROM client c WHERE ${VISIBLE} AND c.pseudonym > $3 ${unitFilter} ORDER BY c.pseudonym LIMIT $4`,
      params,
    );
    return rows.map(toRow);
  }

  async update(
    scope: UnitScope,
    id: string,
    patch: { birthYear?: number | null; sex?: Sex; identityKind?: string | null; identityCiphertext?: Buffer | null; identityBlindIndex?: string | null },
  ): Promise<ClientRow | null> {
    const sets: string[] = [];
    const params: unknown[] = [scope.municipalityId, scope.likePatterns, id];
    const column: Record<string, string> = {
      birthYear: 'birth_year',
      sex: 'sex',
      identityKind: 'identity_kind',
      identityCiphertext: 'identity_ciphertext',
      identityBlindIndex: 'identity_blind_index',
    };
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      params.push(value);
      sets.push(`${column[key]} = $${params.length}`);
    }
    sets.push('updated_at = now()');
    const rows = returnedRows<Record<string, any>>(
      await this.db.query(`UPDATE client c SET ${sets.join(', ')} WHERE ${VISIBLE} AND c.id = $3 RETURNING ${COLUMNS}`, params),
    );
    return rows[0] ? toRow(rows[0]) : null;
  }
}
