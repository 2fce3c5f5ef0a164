import type { EntityManager } from 'typeorm';
import type { IsoDate } from '#domain';
import type { UnitScope } from '#access';
import type { GasLevels } from '../entities/goal.entity.js';
import { returnedRows } from '../sql.js';

export interface GoalRow {
  id: string;
  episodeId: string;
  text: string;
  targetDate: IsoDate | null;
  /** The linked instrument scale and its target, when the goal is measured by one. */
  scale: { instrumentId: string; instrumentCode: string; scaleId: string; targetValue: number | null } | null;
  /** Described GAS levels −2…+2 and the goal's weight, when the goal has a GAS scale. */
  gas: { levels: GasLevels; weight: number } | null;
  createdBy: string;
  createdAt: Date;
}

export interface GoalAttainmentRow {
  id: string;
  goalId: string;
  occasionId: string;
  gasLevel: number | null;
  achieved: boolean | null;
  comment: string | null;
  recordedBy: string;
  recordedAt: Date;
}

/** The goal together with what scoping and auditing need about its episode. */
export interface VisibleGoal extends GoalRow {
  episode: { clientId: string; clientPseudonym: string; orgUnitId: string; startDate: IsoDate; closeDate: IsoDate | null };
}

const GOAL_COLUMNS = `g.id, g.episode_id, g.text, g.target_date::text AS target_date, g.instrument_id, i.code AS instrument_code, g.scale_id,
  g.target_value, g.gas_levels, g.gas_weight, g.created_by, g.created_at`;

function toGoal(r: Record<string, any>): GoalRow {
  return {
    id: r.id,
    episodeId: r.episode_id,
    text: r.text,
    targetDate: r.target_date,
    scale: r.instrument_id
      ? { instrumentId: r.instrument_id, instrumentCode: r.instrument_code, scaleId: r.scale_id, targetValue: r.target_value === null ? null : Number(r.target_value) }
      : null,
    gas: r.gas_levels ? { levels: r.gas_levels, weight: Number(r.gas_weight) } : null,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

function toAttainment(r: Record<string, any>): GoalAttainmentRow {
  return {
    id: r.id,
    goalId: r.goal_id,
    occasionId: r.occasion_id,
    gasLevel: r.gas_level,
    achieved: r.achieved,
    comment: r.comment,
    recordedBy: r.recorded_by,
    recordedAt: r.recorded_at,
  };
}

/** Goals of the implementation plan (genomförandeplan) and their attainment; scoped through the episode's unit. */
export class GoalRepository {
  constructor(private readonly db: EntityManager) {}

  async insert(
    scope: UnitScope,
    g: {
      episodeId: string;
      text: string;
      targetDate: IsoDate | null;
      scale: { instrumentId: string; scaleId: string; targetValue: number } | null;
      gas: { levels: GasLevels; weight: number } | null;
    },
  ): Promise<string> {
    const [row] = await this.db.query(
      `INSERT INTO goal (municipality_id, episode_id, text, target_date, instrument_id, scale_id, target_value, gas_levels, gas_weight, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10) RETURNING id`,
      [
        scope.municipalityId,
        g.episodeId,
        g.text,
        g.targetDate,
        g.scale?.instrumentId ?? null,
        g.scale?.scaleId ?? null,
        g.scale?.targetValue ?? null,
        g.gas ? JSON.stringify(g.gas.levels) : null,
        g.gas?.weight ?? 1,
        scope.actor.userId,
      ],
    );
    return row.id;
  }

  /** A goal whose episode lies in the scope; locked for update when `forUpdate` (editing, recording attainment). */
  async findVisible(scope: UnitScope, goalId: string, opts: { forUpdate?: boolean } = {}): Promise<VisibleGoal | null> {
    const rows = await this.db.query(
      `SELECT ${GOAL_COLUMNS}, e.client_id, c.pseudonym AS client_pseudonym, e.org_unit_id,
              e.start_date::text AS start_date, e.close_date::text AS close_date
         FROM goal g JOIN episode e ON e.id = g.episode_id JOIN client c ON c.id = e.client_id JOIN org_unit u ON u.id = e.org_unit_id
         LEFT JOIN instrument i ON i.id = g.instrument_id
        WHERE g.municipality_id = $1 AND u.path LIKE ANY($2) AND g.id = $3 ${opts.forUpdate ? 'FOR UPDATE OF g' : ''}`,
      [scope.municipalityId, scope.likePatterns, goalId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      ...toGoal(r),
      episode: { clientId: r.client_id, clientPseudonym: r.client_pseudonym, orgUnitId: r.org_unit_id, startDate: r.start_date, closeDate: r.close_date },
    };
  }

  /** The goals of an episode the caller has already found in scope, oldest first. */
  async listForEpisode(episodeId: string): Promise<GoalRow[]> {
    const rows = await this.db.query(
      `SELECT ${GOAL_COLUMNS} FROM goal g LEFT JOIN instrument i ON i.id = g.instrument_id
        WHERE g.episode_id = $1 ORDER BY g.created_at, g.id`,
      [episodeId],
    );
    return rows.map(toGoal);
  }

  /** Changes text, target date and/or the GAS scale; fields left undefined stay as they are. */
  async update(goalId: string, patch: { text?: string; targetDate?: IsoDate | null; gas?: { levels: GasLevels; weight: number } }): Promise<void> {
    await this.db.query(
      `UPDATE goal SET
         text = CASE WHEN $2 THEN $3 ELSE text END,
         target_date = CASE WHEN $4 THEN $5::date ELSE target_date END,
         gas_levels = CASE WHEN $6 THEN $7::jsonb ELSE gas_levels END,
         gas_weight = CASE WHEN $6 THEN $8::numeric ELSE gas_weight END
       WHERE id = $1`,
      [
        goalId,
        patch.text !== undefined,
        patch.text ?? null,
        patch.targetDate !== undefined,
        patch.targetDate ?? null,
        patch.gas !== undefined,
        patch.gas ? JSON.stringify(patch.gas.levels) : null,
        patch.gas?.weight ?? 1,
      ],
    );
  }

  async hasAttainments(goalId: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM goal_attainment WHERE goal_id = $1 LIMIT 1`, [goalId]);
    return rows.length > 0;
  }

  /**
   * Records the attainment of a goal at an occasion, replacing an earlier record for the same pair.
   * `changed` is false when the stored record already said exactly this (a repeated PUT): nothing was written.
   */
  async upsertAttainment(
    scope: UnitScope,
    a: { goalId: string; occasionId: string; gasLevel: number | null; achieved: boolean | null; comment: string | null },
  ): Promise<{ row: GoalAttainmentRow; changed: boolean; created: boolean }> {
    const written = returnedRows<Record<string, any>>(
      await this.db.query(
        `INSERT INTO goal_attainment (goal_id, occasion_id, gas_level, achieved, comment, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (goal_id, occasion_id) DO UPDATE
            SET gas_level = excluded.gas_level, achieved = excluded.achieved, comment = excluded.comment,
                recorded_by = excluded.recorded_by, recorded_at = now()
          WHERE (goal_attainment.gas_level, goal_attainment.achieved, goal_attainment.comment)
                IS DISTINCT FROM (excluded.gas_level, excluded.achieved, excluded.comment)
         RETURNING *, (xmax = 0) AS inserted`,
        [a.goalId, a.occasionId, a.gasLevel, a.achieved, a.comment, scope.actor.userId],
      ),
    );
    if (written[0]) return { row: toAttainment(written[0]), changed: true, created: written[0].inserted === true };
    const [stored] = await this.db.query(`SELECT * FROM goal_attainment WHERE goal_id = $1 AND occasion_id = $2`, [a.goalId, a.occasionId]);
    return { row: toAttainment(stored), changed: false, created: false };
  }

  /** Every attainment recorded for the goals of an episode, in occasion order. */
  async listAttainmentsForEpisode(episodeId: string): Promise<GoalAttainmentRow[]> {
    const rows = await this.db.query(
      `SELECT a.* FROM goal_attainment a JOIN goal g ON g.id = a.goal_id JOIN occasion o ON o.id = a.occasion_id
        WHERE g.episode_id = $1 ORDER BY o.due_date, a.goal_id`,
      [episodeId],
    );
    return rows.map(toAttainment);
  }
}
