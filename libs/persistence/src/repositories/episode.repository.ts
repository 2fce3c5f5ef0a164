import type { EntityManager } from 'typeorm';
import type { EpisodeCloseReason, IsoDate, OccasionKind, OccasionState, PlannedOccasion } from '#domain';
import type { UnitScope } from '#access';
import { returnedRows } from '../sql.js';

export interface EpisodeRow {
  id: string;
  clientId: string;
  clientPseudonym: string;
  methodId: string;
  methodCode: string;
  methodName: string;
  orgUnitId: string;
  planId: string;
  caseworkerUserId: string;
  startDate: IsoDate;
  closeDate: IsoDate | null;
  closeReason: EpisodeCloseReason | null;
  createdAt: Date;
}

export interface OccasionRow {
  id: string;
  episodeId: string;
  kind: OccasionKind;
  seq: number;
  dueDate: IsoDate;
  windowStart: IsoDate;
  windowEnd: IsoDate;
  state: OccasionState;
  missedReason: string | null;
  doneOn: IsoDate | null;
}

const EPISODE_COLUMNS = `e.id, e.client_id, c.pseudonym AS client_pseudonym, e.method_id, m.code AS method_code, m.name AS method_name,
  e.org_unit_id, e.plan_id, e.caseworker_user_id, e.start_date::text AS start_date, e.close_date::text AS close_date, e.close_reason, e.created_at`;
const EPISODE_FROM = `episode e JOIN client c ON c.id = e.client_id JOIN method m ON m.id = e.method_id JOIN org_unit u ON u.id = e.org_unit_id`;
/** An episode is in scope when its unit is. */
const EPISODE_VISIBLE = `e.municipality_id = $1 AND u.path LIKE ANY($2)`;

const OCCASION_COLUMNS = `o.id, o.episode_id, o.kind, o.seq, o.due_date::text AS due_date, o.window_start::text AS window_start,
  o.window_end::text AS window_end, o.state, o.missed_reason, o.done_on::text AS done_on`;

function toEpisode(r: Record<string, any>): EpisodeRow {
  return {
    id: r.id,
    clientId: r.client_id,
    clientPseudonym: r.client_pseudonym,
    methodId: r.method_id,
    methodCode: r.method_code,
    methodName: r.method_name,
    orgUnitId: r.org_unit_id,
    planId: r.plan_id,
    caseworkerUserId: r.caseworker_user_id,
    startDate: r.start_date,
    closeDate: r.close_date,
    closeReason: r.close_reason,
    createdAt: r.created_at,
  };
}

export function toOccasion(r: Record<string, any>): OccasionRow {
  return {
    id: r.id,
    episodeId: r.episode_id,
    kind: r.kind,
    seq: r.seq,
    dueDate: r.due_date,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    state: r.state,
    missedReason: r.missed_reason,
    doneOn: r.done_on,
  };
}

/** Episodes (insatser) and their occasions, always within a unit scope. */
export class EpisodeRepository {
  constructor(private readonly db: EntityManager) {}

  async insert(
    scope: UnitScope,
    e: { clientId: string; methodId: string; orgUnitId: string; planId: string; caseworkerUserId: string; startDate: IsoDate },
  ): Promise<string> {
    const [row] = await this.db.query(
      `INSERT INTO episode (municipality_id, client_id, method_id, org_unit_id, plan_id, caseworker_user_id, start_date)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [scope.municipalityId, e.clientId, e.methodId, e.orgUnitId, e.planId, e.caseworkerUserId, e.startDate],
    );
    return row.id;
  }

  /** The episode, locked for update when `forUpdate` (closing, adding occasions). */
  async findVisible(scope: UnitScope, id: string, opts: { forUpdate?: boolean } = {}): Promise<EpisodeRow | null> {
    const rows = await this.db.query(
      `SELECT ${EPISODE_COLUMNS} FROM ${EPISODE_FROM} WHERE ${EPISODE_VISIBLE} AND e.id = $3 ${opts.forUpdate ? 'FOR UPDATE OF e' : ''}`,
      [scope.municipalityId, scope.likePatterns, id],
    );
    return rows[0] ? toEpisode(rows[0]) : null;
  }

  async listVisibleForClient(scope: UnitScope, clientId: string): Promise<EpisodeRow[]> {
    const rows = await this.db.query(
      `SELECT ${EPISODE_COLUMNS} FROM ${EPISODE_FROM} WHERE ${EPISODE_VISIBLE} AND e.client_id = $3 ORDER BY e.start_date DESC, e.created_at DESC`,
      [scope.municipalityId, scope.likePatterns, clientId],
    );
    return rows.map(toEpisode);
  }

  /** True when the user may be responsible in the unit: caseworker or unit head there or above it. */
  async isEligibleCaseworker(scope: UnitScope, userId: string, unitId: string): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT 1 FROM app_user usr
         JOIN membership ms ON ms.user_id = usr.id AND ms.role IN ('caseworker', 'unit_head')
         JOIN org_unit mu ON mu.id = ms.org_unit_id
         JOIN org_unit target ON target.id = $3 AND target.municipality_id = $1
        WHERE usr.id = $2 AND usr.municipality_id = $1 AND usr.disabled_at IS NULL AND target.path LIKE mu.path || '%'
        LIMIT 1`,
      [scope.municipalityId, userId, unitId],
    );
    return rows.length > 0;
  }

  async close(scope: UnitScope, id: string, closeDate: IsoDate, reason: EpisodeCloseReason): Promise<void> {
    await this.db.query(
      `UPDATE episode e SET close_date = $4, close_reason = $5 FROM org_unit u
        WHERE u.id = e.org_unit_id AND ${EPISODE_VISIBLE} AND e.id = $3`,
      [scope.municipalityId, scope.likePatterns, id, closeDate, reason],
    );
  }

  async listOccasions(episodeId: string): Promise<OccasionRow[]> {
    const rows = await this.db.query(
      `SELECT ${OCCASION_COLUMNS} FROM occasion o WHERE o.episode_id = $1
        ORDER BY o.due_date, CASE o.kind WHEN 'start' THEN 0 WHEN 'follow_up' THEN 1 WHEN 'extra' THEN 2 ELSE 3 END, o.seq`,
      [episodeId],
    );
    return rows.map(toOccasion);
  }

  /** Adds planned occasions that do not exist yet (idempotent by episode, kind and sequence). */
  async insertOccasions(municipalityId: string, episodeId: string, planned: (PlannedOccasion & { state: OccasionState })[]): Promise<number> {
    if (planned.length === 0) return 0;
    const result = await this.db.query(
      `INSERT INTO occasion (municipality_id, episode_id, kind, seq, due_date, window_start, window_end, state)
       SELECT $1, $2, unnest($3::text[]), unnest($4::int[]), unnest($5::date[]), unnest($6::date[]), unnest($7::date[]), unnest($8::text[])
       ON CONFLICT (episode_id, kind, seq) DO NOTHING RETURNING id`,
      [
        municipalityId,
        episodeId,
        planned.map((p) => p.kind),
        planned.map((p) => p.seq),
        planned.map((p) => p.dueDate),
        planned.map((p) => p.windowStart),
        planned.map((p) => p.windowEnd),
        planned.map((p) => p.state),
      ],
    );
    return result.length;
  }

  /** The next sequence number for an extra occasion. */
  async nextExtraSeq(episodeId: string): Promise<number> {
    const [row] = await this.db.query(`SELECT coalesce(max(seq), 0) + 1 AS n FROM occasion WHERE episode_id = $1 AND kind = 'extra'`, [episodeId]);
    return row.n;
  }

  /** Cancels open follow-ups due on or after the close date. Returns how many. */
  async cancelFollowUpsFrom(episodeId: string, closeDate: IsoDate): Promise<number> {
    const rows = returnedRows(
      await this.db.query(
        `UPDATE occasion SET state = 'cancelled', updated_at = now()
          WHERE episode_id = $1 AND kind = 'follow_up' AND due_date >= $2 AND state IN ('planned', 'due', 'overdue') RETURNING id`,
        [episodeId, closeDate],
      ),
    );
    return rows.length;
  }

  async findVisibleOccasion(scope: UnitScope, occasionId: string, opts: { forUpdate?: boolean } = {}): Promise<(OccasionRow & { episode: EpisodeRow }) | null> {
    const rows = await this.db.query(
      `SELECT ${OCCASION_COLUMNS}, ${EPISODE_COLUMNS.replace('e.id,', 'e.id AS e_id,').replace('e.created_at', 'e.created_at AS e_created_at')}
         FROM occasion o JOIN ${EPISODE_FROM} ON e.id = o.episode_id
        WHERE ${EPISODE_VISIBLE} AND o.id = $3 ${opts.forUpdate ? 'FOR UPDATE OF o' : ''}`,
      [scope.municipalityId, scope.likePatterns, occasionId],
    );
    const r = rows[0];
    if (!r) return null;
    return { ...toOccasion(r), episode: toEpisode({ ...r, id: r.e_id, created_at: r.e_created_at }) };
  }

  async markMissed(occasionId: string, reason: string): Promise<void> {
    await this.db.query(`UPDATE occasion SET state = 'missed', missed_reason = $2, updated_at = now() WHERE id = $1`, [occasionId, reason]);
  }
}
