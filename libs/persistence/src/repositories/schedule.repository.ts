import type { DataSource, EntityManager } from 'typeorm';
import type { IsoDate } from '#domain';
import { returnedRows } from '../sql.js';

/**
 * The nightly schedule run, over every municipality (a system job, not a user's request, so it takes
 * no unit scope). Both steps are idempotent: running twice on the same day changes nothing the second time.
 */
export class ScheduleRepository {
  constructor(private readonly db: DataSource | EntityManager) {}

  /**
   * Adds follow-ups that have come within one interval of today for open episodes (the rolling
   * horizon of scheduleFor), with PostgreSQL's month arithmetic, which clamps to the month's end
   * exactly as addMonths does. Returns the episodes that got occasions.
   */
  async extendFollowUps(today: IsoDate): Promise<{ municipalityId: string; episodeId: string; clientId: string }[]> {
    const rows = await this.db.query(
      `WITH candidates AS (
         SELECT e.municipality_id, e.id AS episode_id, e.client_id, n AS seq,
                (e.start_date + make_interval(months => n * p.interval_months))::date AS due, p.follow_up_window_days AS w
           FROM episode e JOIN measurement_plan p ON p.id = e.plan_id
           CROSS JOIN LATERAL generate_series(1, p.max_follow_ups) AS n
          WHERE e.close_date IS NULL
            AND (e.start_date + make_interval(months => n * p.interval_months))::date <= ($1::date + make_interval(months => p.interval_months))::date
       ), inserted AS (
         INSERT INTO occasion (municipality_id, episode_id, kind, seq, due_date, window_start, window_end, state)
         SELECT municipality_id, episode_id, 'follow_up', seq, due, due - w, due + w,
                CASE WHEN $1::date < due - w THEN 'planned' WHEN $1::date <= due + w THEN 'due' ELSE 'overdue' END
           FROM candidates
         ON CONFLICT (episode_id, kind, seq) DO NOTHING
         RETURNING episode_id
       )
       SELECT DISTINCT c.municipality_id, c.episode_id, c.client_id FROM inserted i JOIN candidates c ON c.episode_id = i.episode_id`,
      [today],
    );
    return rows.map((r: any) => ({ municipalityId: r.municipality_id, episodeId: r.episode_id, clientId: r.client_id }));
  }

  /** Moves open occasions between planned, due and overdue by their windows. Returns the episodes touched. */
  async advanceStates(today: IsoDate): Promise<{ municipalityId: string; episodeId: string; clientId: string }[]> {
    const rows = returnedRows<{ municipality_id: string; episode_id: string; client_id: string }>(
      await this.db.query(
        `WITH moved AS (
           UPDATE occasion o SET state = t.next, updated_at = now()
             FROM (SELECT id, CASE WHEN $1::date < window_start THEN 'planned' WHEN $1::date <= window_end THEN 'due' ELSE 'overdue' END AS next
                     FROM occasion WHERE state IN ('planned', 'due', 'overdue')) t
            WHERE o.id = t.id AND o.state <> t.next
           RETURNING o.municipality_id, o.episode_id
         )
         SELECT DISTINCT mv.municipality_id, mv.episode_id, e.client_id FROM moved mv JOIN episode e ON e.id = mv.episode_id`,
        [today],
      ),
    );
    return rows.map((r) => ({ municipalityId: r.municipality_id, episodeId: r.episode_id, clientId: r.client_id }));
  }
}
