import type { EntityManager } from 'typeorm';
import type { IsoDate, OccasionKind } from '#domain';
import type { UnitScope } from '#access';

export type WorklistReason = 'overdue' | 'due' | 'needs_adjustment_decision';

export interface WorklistItem {
  reason: WorklistReason;
  occasionId: string;
  episodeId: string;
  clientId: string;
  clientPseudonym: string;
  methodName: string;
  orgUnitId: string;
  orgUnitName: string;
  caseworkerUserId: string;
  kind: OccasionKind;
  seq: number;
  dueDate: IsoDate;
  windowEnd: IsoDate;
  doneOn: IsoDate | null;
  /** Days past the window's end (overdue), or days left in it (due, negative). */
  daysOverdue: number;
}

/**
 * The caseworker's and the unit's worklist: occasions due or overdue today (state from the window,
 * so it is right between nightly runs), and done follow-ups whose plan demands an adjustment
 * decision that has not been recorded. Most urgent first.
 */
export class WorklistRepository {
  constructor(private readonly db: EntityManager) {}

  async list(scope: UnitScope, today: IsoDate, filter: { caseworkerUserId?: string; unitPath?: string }, limit = 500): Promise<WorklistItem[]> {
    const params: unknown[] = [scope.municipalityId, scope.likePatterns, today, filter.caseworkerUserId ?? null, filter.unitPath ? `${filter.unitPath}%` : null, limit];
    const rows = await this.db.query(
      `WITH visible AS (
         SELECT e.id, e.client_id, c.pseudonym, m.name AS method_name, e.org_unit_id, u.name AS unit_name, e.caseworker_user_id, e.plan_id
           FROM episode e JOIN client c ON c.id = e.client_id JOIN method m ON m.id = e.method_id JOIN org_unit u ON u.id = e.org_unit_id
          WHERE e.municipality_id = $1 AND u.path LIKE ANY($2)
            AND ($4::uuid IS NULL OR e.caseworker_user_id = $4) AND ($5::text IS NULL OR u.path LIKE $5)
       ), items AS (
         SELECT CASE WHEN o.window_end < $3::date THEN 'overdue' ELSE 'due' END AS reason, o.*, v.*, o.id AS occasion_id,
                ($3::date - o.window_end) AS days_overdue
           FROM occasion o JOIN visible v ON v.id = o.episode_id
          WHERE o.state IN ('planned', 'due', 'overdue') AND o.window_start <= $3::date
         UNION ALL
         SELECT 'needs_adjustment_decision', o.*, v.*, o.id, ($3::date - o.done_on)
           FROM occasion o JOIN visible v ON v.id = o.episode_id
           JOIN measurement_plan p ON p.id = v.plan_id AND p.requires_adjustment_decision
          WHERE o.kind = 'follow_up' AND o.state = 'done'
            AND NOT EXISTS (SELECT 1 FROM follow_up_note n WHERE n.occasion_id = o.id AND n.kind = 'adjustment_decision')
       )
       SELECT reason, occasion_id, episode_id, client_id, pseudonym, method_name, org_unit_id, unit_name, caseworker_user_id, kind, seq,
              due_date::text AS due_date, window_end::text AS window_end, done_on::text AS done_on, days_overdue
         FROM items
        ORDER BY CASE reason WHEN 'overdue' THEN 0 WHEN 'needs_adjustment_decision' THEN 1 ELSE 2 END, days_overdue DESC, due_date, pseudonym
        LIMIT $6`,
      params,
    );
    return rows.map((r: Record<string, any>) => ({
      reason: r.reason,
      occasionId: r.occasion_id,
      episodeId: r.episode_id,
      clientId: r.client_id,
      clientPseudonym: r.pseudonym,
      methodName: r.method_name,
      orgUnitId: r.org_unit_id,
      orgUnitName: r.unit_name,
      caseworkerUserId: r.caseworker_user_id,
      kind: r.kind,
      seq: r.seq,
      dueDate: r.due_date,
      windowEnd: r.window_end,
      doneOn: r.done_on,
      daysOverdue: r.days_overdue,
    }));
  }
}
