import { randomInt, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { OrgUnitKind, Role } from '#domain';
import { OrgUnitRepository, type OrgUnitRow } from '#persistence';
import { hashPassword } from '#access';

export const TEST_PASSWORD = 'korrekt-hast-batteri-häftstift';
let cachedHash: Promise<string> | undefined;

export interface TestUser {
  id: string;
  username: string;
  role: Role;
  unitId: string;
}

/**
 * A municipality with a small org tree, for one test file:
 *   root (administration) ─┬─ unitA (unit) ── teamA1 (team)
 *                          └─ unitB (unit)
 * Each test file makes its own, so files can run in parallel on one database.
 */
export class WorldFactory {
  constructor(private readonly ds: DataSource) {}

  async create() {
    const code = String(randomInt(1000, 9999));
    const [m] = await this.ds.query(
      `INSERT INTO municipality (code, name, client_code_prefix) VALUES ($1, $2, 'K')
       ON CONFLICT (code) DO UPDATE SET name = excluded.name RETURNING id`,
      [code, `Testkommun ${code}`],
    );
    // Codes may collide between parallel files; a fresh name keeps units unique within the municipality.
    const suffix = randomUUID().slice(0, 8);
    const units = new OrgUnitRepository(this.ds);
    const root = await units.create(m.id, { parentId: null, kind: OrgUnitKind.Administration, code: `ROOT-${suffix}`, name: 'Socialförvaltningen' });
    const unitA = await units.create(m.id, { parentId: root.id, kind: OrgUnitKind.Unit, code: `A-${suffix}`, name: 'Enhet A' });
    const teamA1 = await units.create(m.id, { parentId: unitA.id, kind: OrgUnitKind.Team, code: `A1-${suffix}`, name: 'Team A1' });
    const unitB = await units.create(m.id, { parentId: root.id, kind: OrgUnitKind.Unit, code: `B-${suffix}`, name: 'Enhet B' });
    return { municipalityId: m.id as string, root, unitA, teamA1, unitB, suffix };
  }

  async user(municipalityId: string, role: Role, unit: OrgUnitRow, opts: { disabled?: boolean } = {}): Promise<TestUser> {
    cachedHash ??= hashPassword(TEST_PASSWORD);
    const username = `${role}-${randomUUID().slice(0, 12)}`.replace(/_/g, '-');
    const [u] = await this.ds.query(
      `INSERT INTO app_user (municipality_id, username, display_name, password_hash, disabled_at)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [municipalityId, username, `Test ${role}`, await cachedHash, opts.disabled ? new Date() : null],
    );
    await this.ds.query(`INSERT INTO membership (user_id, org_unit_id, role) VALUES ($1, $2, $3)`, [u.id, unit.id, role]);
    return { id: u.id, username, role, unitId: unit.id };
  }
}
