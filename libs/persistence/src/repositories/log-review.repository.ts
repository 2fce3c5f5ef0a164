import type { DataSource, EntityManager } from 'typeorm';
import type { UnitScope } from '#access';
import type { AccessFlagKind } from '../entities/access-flag.entity.js';
import type { LogReviewVerdict } from '../entities/log-review-sample-item.entity.js';
import { returnedRows } from '../sql.js';

/** One audit event as a log reviewer sees it: who, in which role and unit, did what, why, when. */
export interface AuditAccessRow {
  eventId: string;
  occurredAt: Date;
  actorUserId: string | null;
  actorUsername: string | null;
  actorDisplayName: string | null;
  actorRole: string | null;
  orgUnitId: string | null;
  orgUnitName: string | null;
  clientId: string | null;
  clientPseudonym: string | null;
  action: string;
  resource: string;
  purpose: string;
  requestId: string | null;
}

export interface SampleRow {
  id: string;
  orgUnitId: string;
  orgUnitName: string;
  month: string;
  seed: string;
  sampleSize: number;
  population: number;
  populationMaxEventId: string;
  createdBy: string;
  createdAt: Date;
  signedOffBy: string | null;
  signedOffAt: Date | null;
  signOffComment: string | null;
}

export interface SampleItemRow extends AuditAccessRow {
  position: number;
  verdict: LogReviewVerdict | null;
  comment: string | null;
  reviewedBy: string | null;
  reviewedAt: Date | null;
}

export interface AccessFlagRow {
  id: string;
  kind: AccessFlagKind;
  orgUnitId: string;
  orgUnitName: string;
  actorUserId: string;
  actorUsername: string | null;
  actorDisplayName: string | null;
  clientId: string | null;
  clientPseudonym: string | null;
  day: string;
  firstAt: Date;
  lastAt: Date;
  eventCount: number;
  distinctClients: number;
}

/** Swedish calendar boundaries: a day or month starts at local midnight in Europe/Stockholm. */
const SE = `'Europe/Stockholm'`;

const EVENT_COLUMNS = `e.id::text AS event_id, e.occurred_at, e.actor_user_id, au.username AS actor_username, au.display_name AS actor_display_name,
  e.actor_role, e.org_unit_id, o.name AS org_unit_name, e.client_id, e.client_pseudonym, e.action, e.resource, e.purpose, e.request_id`;

function toAccess(r: Record<string, any>): AuditAccessRow {
  return {
    eventId: r.event_id,
    occurredAt: r.occurred_at,
    actorUserId: r.actor_user_id,
    actorUsername: r.actor_username,
    actorDisplayName: r.actor_display_name,
    actorRole: r.actor_role,
    orgUnitId: r.org_unit_id,
    orgUnitName: r.org_unit_name,
    clientId: r.client_id,
    clientPseudonym: r.client_pseudonym,
    action: r.action,
    resource: r.resource,
    purpose: r.purpose,
    requestId: r.request_id,
  };
}

function toSample(r: Record<string, any>): SampleRow {
  return {
    id: r.id,
    orgUnitId: r.org_unit_id,
    orgUnitName: r.org_unit_name,
    month: r.month,
    seed: r.seed,
    sampleSize: r.sample_size,
    population: r.population,
    populationMaxEventId: r.population_max_event_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
    signedOffBy: r.signed_off_by,
    signedOffAt: r.signed_off_at,
    signOffComment: r.sign_off_comment,
  };
}

/**
 * Log review (HSLF-FS 2016:40 4 kap. 9 § as municipalities apply it): who accessed a client, the
 * monthly random sample per unit, and flags for unusual access. Every read takes the reviewer's
 * scope; an event is in scope when the unit it was logged under is.
 */
export class LogReviewRepository {
  constructor(private readonly db: DataSource | EntityManager) {}

  /**
   * Every logged access to one client under the reviewer's units, newest first. Served by
   * audit_event_client_idx (client_id, occurred_at): see docs/log-review.md for the plan.
   */
  async listClientAccesses(scope: UnitScope, clientId: string, filter: { from: string | null; to: string | null; limit: number }): Promise<AuditAccessRow[]> {
    const rows = await this.db.query(
      `SELECT ${EVENT_COLUMNS}
         FROM audit_event e
         JOIN org_unit o ON o.id = e.org_unit_id
         LEFT JOIN app_user au ON au.id = e.actor_user_id
        WHERE e.client_id = $3 AND e.municipality_id = $1 AND o.path LIKE ANY($2)
          AND ($4::date IS NULL OR e.occurred_at >= ($4::date::timestamp AT TIME ZONE ${SE}))
          AND ($5::date IS NULL OR e.occurred_at < (($5::date + 1)::timestamp AT TIME ZONE ${SE}))
        ORDER BY e.occurred_at DESC, e.id DESC
        LIMIT $6`,
      [scope.municipalityId, scope.likePatterns, clientId, filter.from, filter.to, filter.limit],
    );
    return rows.map(toAccess);
  }

  /** The newest audit event id: a draw that considers events up to it is reproducible later. */
  async maxEventId(): Promise<string> {
    const rows = await this.db.query(`SELECT coalesce(max(id), 0)::text AS id FROM audit_event`);
    return rows[0].id;
  }

  /**
   * Draws the sample: the unit's (and its subtree's) events of the month up to `maxEventId`, except
   * log-review events, ordered by SHA-256 of `seed:id` — the same seed and bound always give the same
   * events, in the same order, on any PostgreSQL version.
   */
  async drawSample(
    scope: UnitScope,
    unitPath: string,
    month: string,
    seed: string,
    size: number,
    maxEventId: string,
  ): Promise<{ population: number; eventIds: string[] }> {
    const rows: { population: number; id: string }[] = await this.db.query(
      `WITH pop AS (
         SELECT e.id FROM audit_event e JOIN org_unit o ON o.id = e.org_unit_id
          WHERE e.municipality_id = $1 AND o.municipality_id = $1 AND o.path LIKE ANY($2) AND o.path LIKE $3
            AND e.occurred_at >= ($4::date::timestamp AT TIME ZONE ${SE})
            AND e.occurred_at < (($4::date + interval '1 month')::timestamp AT TIME ZONE ${SE})
            AND e.purpose <> 'log_review' AND e.id <= $5::bigint
       )
       SELECT id::text AS id, (SELECT count(*) FROM pop)::int AS population
         FROM pop ORDER BY sha256(convert_to($6 || ':' || id::text, 'UTF8')) LIMIT $7`,
      [scope.municipalityId, scope.likePatterns, `${unitPath}%`, month, maxEventId, seed, size],
    );
    return { population: rows[0]?.population ?? 0, eventIds: rows.map((r) => r.id) };
  }

  /** Stores a drawn sample; an existing sample for the unit and month wins (returns null then). */
  async insertSample(
    scope: UnitScope,
    s: { unitId: string; month: string; seed: string; sampleSize: number; population: number; maxEventId: string; eventIds: readonly string[] },
  ): Promise<string | null> {
    const rows = await this.db.query(
      `INSERT INTO log_review_sample (municipality_id, org_unit_id, month, seed, sample_size, population, population_max_event_id, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (municipality_id, org_unit_id, month) DO NOTHING RETURNING id`,
      [scope.municipalityId, s.unitId, s.month, s.seed, s.sampleSize, s.population, s.maxEventId, scope.actor.userId],
    );
    const id: string | undefined = rows[0]?.id;
    if (!id) return null;
    if (s.eventIds.length > 0) {
      await this.db.query(
        `INSERT INTO log_review_sample_item (sample_id, audit_event_id, position)
         SELECT $1, ev, n FROM unnest($2::bigint[]) WITH ORDINALITY AS t(ev, n)`,
        [id, s.eventIds],
      );
    }
    return id;
  }

  async findSampleIdByUnitMonth(scope: UnitScope, unitId: string, month: string): Promise<string | null> {
    const rows = await this.db.query(`SELECT id FROM log_review_sample WHERE municipality_id = $1 AND org_unit_id = $2 AND month = $3`, [
      scope.municipalityId,
      unitId,
      month,
    ]);
    return rows[0]?.id ?? null;
  }

  /** A sample whose unit lies in the reviewer's scope (else null: 404). */
  async findSample(scope: UnitScope, id: string, opts: { lock?: boolean } = {}): Promise<SampleRow | null> {
    const rows = await this.db.query(
      `SELECT s.id, s.org_unit_id, o.name AS org_unit_name, s.month::text AS month, s.seed, s.sample_size, s.population,
              s.population_max_event_id::text AS population_max_event_id, s.created_by, s.created_at,
              s.signed_off_by, s.signed_off_at, s.sign_off_comment
         FROM log_review_sample s JOIN org_unit o ON o.id = s.org_unit_id
        WHERE s.id = $3 AND s.municipality_id = $1 AND o.path LIKE ANY($2)
        ${opts.lock ? 'FOR UPDATE OF s' : ''}`,
      [scope.municipalityId, scope.likePatterns, id],
    );
    return rows[0] ? toSample(rows[0]) : null;
  }

  async listSamples(scope: UnitScope, unitId: string | null): Promise<(SampleRow & { reviewed: number; items: number })[]> {
    const rows = await this.db.query(
      `SELECT s.id, s.org_unit_id, o.name AS org_unit_name, s.month::text AS month, s.seed, s.sample_size, s.population,
              s.population_max_event_id::text AS population_max_event_id, s.created_by, s.created_at,
              s.signed_off_by, s.signed_off_at, s.sign_off_comment,
              (SELECT count(*) FROM log_review_sample_item i WHERE i.sample_id = s.id)::int AS items,
              (SELECT count(*) FROM log_review_sample_item i WHERE i.sample_id = s.id AND i.verdict IS NOT NULL)::int AS reviewed
         FROM log_review_sample s JOIN org_unit o ON o.id = s.org_unit_id
        WHERE s.municipality_id = $1 AND o.path LIKE ANY($2) AND ($3::uuid IS NULL OR s.org_unit_id = $3)
        ORDER BY s.month DESC, o.path`,
      [scope.municipalityId, scope.likePatterns, unitId],
    );
    return rows.map((r: Record<string, any>) => ({ ...toSample(r), items: r.items, reviewed: r.reviewed }));
  }

  /** The sampled events in draw order, with their verdicts. */
  async listSampleItems(sampleId: string): Promise<SampleItemRow[]> {
    const rows = await this.db.query(
      `SELECT ${EVENT_COLUMNS}, i.position, i.verdict, i.comment, i.reviewed_by, i.reviewed_at
         FROM log_review_sample_item i
         JOIN audit_event e ON e.id = i.audit_event_id
         LEFT JOIN org_unit o ON o.id = e.org_unit_id
         LEFT JOIN app_user au ON au.id = e.actor_user_id
        WHERE i.sample_id = $1
        ORDER BY i.position`,
      [sampleId],
    );
    return rows.map((r: Record<string, any>) => ({
      ...toAccess(r),
      position: r.position,
      verdict: r.verdict,
      comment: r.comment,
      reviewedBy: r.reviewed_by,
      reviewedAt: r.reviewed_at,
    }));
  }

  /** Records the reviewer's verdict on one sampled event; false when the event is not in the sample. */
  async updateItemVerdict(sampleId: string, eventId: string, v: { verdict: LogReviewVerdict; comment: string | null; reviewerId: string }): Promise<boolean> {
    const rows = returnedRows(
      await this.db.query(
        `UPDATE log_review_sample_item SET verdict = $3, comment = $4, reviewed_by = $5, reviewed_at = now()
          WHERE sample_id = $1 AND audit_event_id = $2::bigint RETURNING 1`,
        [sampleId, eventId, v.verdict, v.comment, v.reviewerId],
      ),
    );
    return rows.length > 0;
  }

  async countUnreviewed(sampleId: string): Promise<number> {
    const rows = await this.db.query(`SELECT count(*)::int AS n FROM log_review_sample_item WHERE sample_id = $1 AND verdict IS NULL`, [sampleId]);
    return rows[0].n;
  }

  async signOff(sampleId: string, userId: string, comment: string | null): Promise<void> {
    await this.db.query(
      `UPDATE log_review_sample SET signed_off_by = $2, signed_off_at = now(), sign_off_comment = $3 WHERE id = $1 AND signed_off_at IS NULL`,
      [sampleId, userId, comment],
    );
  }

  /**
   * The nightly flags for one Swedish calendar day (idempotent: a second run adds nothing).
   * - outside_caseload: a person accessed a client with no episode where they are the caseworker,
   *   none in a unit they are a direct member of, and — for unit heads — none in their unit's subtree.
   *   Checked against the episodes as they are at run time, so a client registered and given an
   *   episode the same day is not flagged.
   * - many_clients: more than `threshold` distinct clients within any `windowMinutes` window,
   *   one row per unit the accesses in the busiest window were logged under.
   * Log-review reads (purpose log_review) are not flagged.
   */
  async computeFlags(day: string, threshold: number, windowMinutes: number): Promise<{ outsideCaseload: number; manyClients: number }> {
    const dayEvents = `
      SELECT e.* FROM audit_event e
       WHERE e.occurred_at >= ($1::date::timestamp AT TIME ZONE ${SE})
         AND e.occurred_at < (($1::date + 1)::timestamp AT TIME ZONE ${SE})
         AND e.client_id IS NOT NULL AND e.actor_user_id IS NOT NULL AND e.org_unit_id IS NOT NULL
         AND e.purpose <> 'log_review'`;
    const outside = returnedRows(
      await this.db.query(
        `WITH ev AS (${dayEvents}),
         pairs AS (
           SELECT municipality_id, org_unit_id, actor_user_id, client_id, max(client_pseudonym) AS client_pseudonym,
                  min(occurred_at) AS first_at, max(occurred_at) AS last_at, count(*)::int AS n
             FROM ev GROUP BY municipality_id, org_unit_id, actor_user_id, client_id
         )
         INSERT INTO access_flag (municipality_id, org_unit_id, kind, actor_user_id, client_id, client_pseudonym, day, first_at, last_at, event_count, distinct_clients)
         SELECT p.municipality_id, p.org_unit_id, 'outside_caseload', p.actor_user_id, p.client_id, p.client_pseudonym, $1::date, p.first_at, p.last_at, p.n, 1
           FROM pairs p
          WHERE EXISTS (SELECT 1 FROM org_unit x WHERE x.id = p.org_unit_id AND x.municipality_id = p.municipality_id)
            AND NOT EXISTS (
                SELECT 1 FROM episode ep
                 WHERE ep.client_id = p.client_id
                   AND (ep.caseworker_user_id = p.actor_user_id
                        OR EXISTS (SELECT 1 FROM membership m JOIN org_unit mu ON mu.id = m.org_unit_id JOIN org_unit eu ON eu.id = ep.org_unit_id
                                    WHERE m.user_id = p.actor_user_id
                                      AND (eu.id = mu.id OR (m.role = 'unit_head' AND eu.path LIKE mu.path || '%')))))
         ON CONFLICT DO NOTHING
         RETURNING 1`,
        [day],
      ),
    );
    const many = returnedRows(
      await this.db.query(
        `WITH ev AS (${dayEvents}),
         busy AS (
           SELECT actor_user_id FROM ev GROUP BY actor_user_id HAVING count(DISTINCT client_id) > $2
         ),
         windows AS (
           SELECT s.actor_user_id, s.occurred_at AS start_at, w.distinct_clients
             FROM ev s JOIN busy b ON b.actor_user_id = s.actor_user_id
             CROSS JOIN LATERAL (
               SELECT count(DISTINCT x.client_id)::int AS distinct_clients FROM ev x
                WHERE x.actor_user_id = s.actor_user_id AND x.occurred_at >= s.occurred_at
                  AND x.occurred_at < s.occurred_at + make_interval(mins => $3)
             ) w
         ),
         peak AS (
           SELECT DISTINCT ON (actor_user_id) actor_user_id, start_at, distinct_clients
             FROM windows WHERE distinct_clients > $2
            ORDER BY actor_user_id, distinct_clients DESC, start_at
         )
         INSERT INTO access_flag (municipality_id, org_unit_id, kind, actor_user_id, day, first_at, last_at, event_count, distinct_clients)
         SELECT x.municipality_id, x.org_unit_id, 'many_clients', p.actor_user_id, $1::date, min(x.occurred_at), max(x.occurred_at), count(*)::int, p.distinct_clients
           FROM peak p JOIN ev x ON x.actor_user_id = p.actor_user_id
            AND x.occurred_at >= p.start_at AND x.occurred_at < p.start_at + make_interval(mins => $3)
          WHERE EXISTS (SELECT 1 FROM org_unit o WHERE o.id = x.org_unit_id AND o.municipality_id = x.municipality_id)
          GROUP BY x.municipality_id, x.org_unit_id, p.actor_user_id, p.distinct_clients
         ON CONFLICT DO NOTHING
         RETURNING 1`,
        [day, threshold, windowMinutes],
      ),
    );
    return { outsideCaseload: outside.length, manyClients: many.length };
  }

  /** Flags under the reviewer's units (optionally one unit's subtree), newest first. */
  async listFlags(scope: UnitScope, filter: { unitPath: string | null; from: string | null; to: string | null; limit: number }): Promise<AccessFlagRow[]> {
    const rows = await this.db.query(
      `SELECT f.id, f.kind, f.org_unit_id, o.name AS org_unit_name, f.actor_user_id, au.username AS actor_username, au.display_name AS actor_display_name,
              f.client_id, f.client_pseudonym, f.day::text AS day, f.first_at, f.last_at, f.event_count, f.distinct_clients
         FROM access_flag f
         JOIN org_unit o ON o.id = f.org_unit_id
         LEFT JOIN app_user au ON au.id = f.actor_user_id
        WHERE f.municipality_id = $1 AND o.path LIKE ANY($2) AND ($3::text IS NULL OR o.path LIKE $3)
          AND ($4::date IS NULL OR f.day >= $4) AND ($5::date IS NULL OR f.day <= $5)
        ORDER BY f.day DESC, f.kind, o.path, f.first_at
        LIMIT $6`,
      [scope.municipalityId, scope.likePatterns, filter.unitPath ? `${filter.unitPath}%` : null, filter.from, filter.to, filter.limit],
    );
    return rows.map((r: Record<string, any>) => ({
      id: r.id,
      kind: r.kind,
      orgUnitId: r.org_unit_id,
      orgUnitName: r.org_unit_name,
      actorUserId: r.actor_user_id,
      actorUsername: r.actor_username,
      actorDisplayName: r.actor_display_name,
      clientId: r.client_id,
      clientPseudonym: r.client_pseudonym,
      day: r.day,
      firstAt: r.first_at,
      lastAt: r.last_at,
      eventCount: r.event_count,
      distinctClients: r.distinct_clients,
    }));
  }
}
