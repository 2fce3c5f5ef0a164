import type { EntityManager } from 'typeorm';
import type { IsoDate } from '#domain';
import type { UnitScope } from '#access';

/** A client group (grupp) of a unit, as the API shows it: organisation data, no client data. */
export interface GroupRow {
  id: string;
  name: string;
  orgUnitId: string;
  orgUnitName: string;
  orgUnitPath: string;
  createdAt: Date;
}

/** One episode's membership of a group, with the client's pseudonym (never an identity number). */
export interface GroupMemberRow {
  groupId: string;
  episodeId: string;
  clientId: string;
  clientPseudonym: string;
  methodId: string;
  methodName: string;
  orgUnitId: string;
  startDate: IsoDate;
  closeDate: IsoDate | null;
  joinedOn: IsoDate;
  leftOn: IsoDate | null;
}

/** An open episode that could join a group (the web form's choices). */
export interface GroupCandidateRow {
  episodeId: string;
  clientId: string;
  clientPseudonym: string;
  methodName: string;
  orgUnitId: string;
  startDate: IsoDate;
}

const GROUP_COLUMNS = `g.id, g.name, g.org_unit_id AS "orgUnitId", u.name AS "orgUnitName", u.path AS "orgUnitPath", g.created_at AS "createdAt"`;
/** A group is in scope when its unit is. */
const GROUP_VISIBLE = `g.municipality_id = $1 AND u.path LIKE ANY($2)`;

const MEMBER_COLUMNS = `gm.group_id AS "groupId", gm.episode_id AS "episodeId", e.client_id AS "clientId", c.pseudonym AS "clientPseudonym",
  e.method_id AS "methodId", m.name AS "methodName", e.org_unit_id AS "orgUnitId", e.start_date::text AS "startDate",
  e.close_date::text AS "closeDate", gm.joined_on::text AS "joinedOn", gm.left_on::text AS "leftOn"`;
const MEMBER_FROM = `group_membership gm JOIN episode e ON e.id = gm.episode_id JOIN client c ON c.id = e.client_id
  JOIN method m ON m.id = e.method_id JOIN org_unit eu ON eu.id = e.org_unit_id`;

/** Thrown by `rename` when another group of the unit already has the name (unique per unit). */
export class GroupNameTakenError extends Error {}

/**
 * Client groups and their memberships, always within a unit scope. A membership ties an episode (a client receiving
 * a method in a unit) to a group of the episode's unit or a unit above it.
 */
export class GroupRepository {
  constructor(private readonly db: EntityManager) {}

  /** Groups in the scope; with `underPath`, only those whose unit lies in that subtree. Ordered by unit, then name. */
  async listVisible(scope: UnitScope, opts: { underPath?: string } = {}): Promise<GroupRow[]> {
    return this.db.query(
      `SELECT ${GROUP_COLUMNS} FROM client_group g JOIN org_unit u ON u.id = g.org_unit_id
        WHERE ${GROUP_VISIBLE} AND ($3::text IS NULL OR u.path LIKE $3 || '%')
        ORDER BY u.path, g.name, g.id`,
      [scope.municipalityId, scope.likePatterns, opts.underPath ?? null],
    );
  }

  /** The group when its unit is in the scope; locked for update when `forUpdate` (renames, membership changes). */
  async findVisible(scope: UnitScope, id: string, opts: { forUpdate?: boolean } = {}): Promise<GroupRow | null> {
    const [g] = await this.db.query(
      `SELECT ${GROUP_COLUMNS} FROM client_group g JOIN org_unit u ON u.id = g.org_unit_id
        WHERE ${GROUP_VISIBLE} AND g.id = $3 ${opts.forUpdate ? 'FOR UPDATE OF g' : ''}`,
      [scope.municipalityId, scope.likePatterns, id],
    );
    return g ?? null;
  }

  /** Creates a group in a unit of the scope; null when the unit already has a group of that name. */
  async insert(scope: UnitScope, g: { orgUnitId: string; name: string }): Promise<string | null> {
    const [row] = await this.db.query(
      `INSERT INTO client_group (municipality_id, org_unit_id, name)
       SELECT $1, u.id, $4 FROM org_unit u WHERE u.municipality_id = $1 AND u.path LIKE ANY($2) AND u.id = $3
       ON CONFLICT (org_unit_id, name) DO NOTHING RETURNING id`,
      [scope.municipalityId, scope.likePatterns, g.orgUnitId, g.name],
    );
    return row?.id ?? null;
  }

  /** True when another group of the unit already carries the name. */
  async nameTaken(scope: UnitScope, orgUnitId: string, name: string, exceptId: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM client_group WHERE municipality_id = $1 AND org_unit_id = $2 AND name = $3 AND id <> $4`, [
      scope.municipalityId,
      orgUnitId,
      name,
      exceptId,
    ]);
    return rows.length > 0;
  }

  /** Renames a group of the scope; throws GroupNameTakenError when the unit has another group of that name. */
  async rename(scope: UnitScope, id: string, name: string): Promise<void> {
    try {
      await this.db.query(
        `UPDATE client_group g SET name = $4 FROM org_unit u WHERE u.id = g.org_unit_id AND ${GROUP_VISIBLE} AND g.id = $3`,
        [scope.municipalityId, scope.likePatterns, id, name],
      );
    } catch (e) {
      // A concurrent rename or create took the name after the caller's check (UNIQUE (org_unit_id, name)).
      if ((e as { driverError?: { code?: string } }).driverError?.code === '23505') throw new GroupNameTakenError();
      throw e;
    }
  }

  /** The group's members whose episodes lie in the scope, current members first, then by pseudonym. */
  async listMembers(scope: UnitScope, groupId: string): Promise<GroupMemberRow[]> {
    return this.db.query(
      `SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_FROM}
        WHERE e.municipality_id = $1 AND eu.path LIKE ANY($2) AND gm.group_id = $3
        ORDER BY gm.left_on IS NOT NULL, c.pseudonym, gm.joined_on, gm.episode_id`,
      [scope.municipalityId, scope.likePatterns, groupId],
    );
  }

  /** One membership, when the episode lies in the scope; locked for update when `forUpdate`. */
  async findMember(scope: UnitScope, groupId: string, episodeId: string, opts: { forUpdate?: boolean } = {}): Promise<GroupMemberRow | null> {
    const [row] = await this.db.query(
      `SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_FROM}
        WHERE e.municipality_id = $1 AND eu.path LIKE ANY($2) AND gm.group_id = $3 AND gm.episode_id = $4 ${opts.forUpdate ? 'FOR UPDATE OF gm' : ''}`,
      [scope.municipalityId, scope.likePatterns, groupId, episodeId],
    );
    return row ?? null;
  }

  /** Adds an episode to a group; false when it is (or was) a member already (one row per group and episode). */
  async insertMember(groupId: string, episodeId: string, joinedOn: IsoDate): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO group_membership (group_id, episode_id, joined_on) VALUES ($1, $2, $3)
       ON CONFLICT (group_id, episode_id) DO NOTHING RETURNING episode_id`,
      [groupId, episodeId, joinedOn],
    );
    return rows.length > 0;
  }

  async endMember(groupId: string, episodeId: string, leftOn: IsoDate): Promise<void> {
    await this.db.query(`UPDATE group_membership SET left_on = $3 WHERE group_id = $1 AND episode_id = $2`, [groupId, episodeId, leftOn]);
  }

  /**
   * Episodes in the scope that lie in the group's unit subtree, are not members yet and are open (or closed on or
   * after `closedSince`): what the web form offers. Bounded by `limit`.
   */
  async listCandidates(scope: UnitScope, group: { id: string; orgUnitPath: string }, closedSince: IsoDate, limit: number): Promise<GroupCandidateRow[]> {
    return this.db.query(
      `SELECT e.id AS "episodeId", e.client_id AS "clientId", c.pseudonym AS "clientPseudonym", m.name AS "methodName",
              e.org_unit_id AS "orgUnitId", e.start_date::text AS "startDate"
         FROM episode e JOIN client c ON c.id = e.client_id JOIN method m ON m.id = e.method_id JOIN org_unit eu ON eu.id = e.org_unit_id
        WHERE e.municipality_id = $1 AND eu.path LIKE ANY($2) AND eu.path LIKE $3 || '%'
          AND (e.close_date IS NULL OR e.close_date >= $5)
          AND NOT EXISTS (SELECT 1 FROM group_membership gm WHERE gm.group_id = $4 AND gm.episode_id = e.id)
        ORDER BY c.pseudonym, e.start_date, e.id
        LIMIT $6`,
      [scope.municipalityId, scope.likePatterns, group.orgUnitPath, group.id, closedSince, limit],
    );
  }
}
