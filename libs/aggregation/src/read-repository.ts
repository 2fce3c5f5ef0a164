import type { DataSource, EntityManager } from 'typeorm';
import type { UnitScope } from '#access';
import { uuidField } from './engine.js';

export interface FigureRow {
  periodKey: string;
  breakdownKey: string;
  figure: 'outcome' | 'occasion' | 'episodes' | 'answers';
  subject: string;
  stats: Record<string, unknown>;
  computedAt: Date;
  sourceChangedAt: Date | null;
}

export interface Freshness {
  computedAt: Date | null;
  sourceChangedAt: Date | null;
  pending: boolean;
}

export interface ScopeUnit {
  id: string;
  kind: string;
  name: string;
  path: string;
  parentId: string | null;
}

const FIGURE_COLS = `period_key AS "periodKey", breakdown_key AS "breakdownKey", figure, subject, stats, computed_at AS "computedAt", source_changed_at AS "sourceChangedAt"`;

/** Reads of stored aggregates, with intention-named methods; every read takes the caller's UnitScope. */
export class AggregateReadRepository {
  constructor(private readonly db: DataSource | EntityManager) {}

  async findUnit(scope: UnitScope, unitId: string): Promise<ScopeUnit | null> {
    const [u] = await this.db.query(
      `SELECT id, kind, name, path, parent_id AS "parentId" FROM org_unit WHERE municipality_id = $1 AND id = $2 AND path LIKE ANY($3)`,
      [scope.municipalityId, unitId, scope.likePatterns],
    );
    return u ?? null;
  }

  /** True when the scope covers every root unit of the municipality (the whole municipality). */
  async coversMunicipality(scope: UnitScope): Promise<boolean> {
    const [r] = await this.db.query(
      `SELECT bool_and(path LIKE ANY($2)) AS all FROM org_unit WHERE municipality_id = $1 AND parent_id IS NULL`,
      [scope.municipalityId, scope.likePatterns],
    );
    return r?.all === true;
  }

  async findGroup(scope: UnitScope, groupId: string): Promise<{ id: string; name: string; orgUnitId: string } | null> {
    const [g] = await this.db.query(
      `SELECT g.id, g.name, g.org_unit_id AS "orgUnitId" FROM client_group g JOIN org_unit u ON u.id = g.org_unit_id
        WHERE g.municipality_id = $1 AND g.id = $2 AND u.path LIKE ANY($3)`,
      [scope.municipalityId, groupId, scope.likePatterns],
    );
    return g ?? null;
  }

  async findMethod(
    municipalityId: string,
    methodId: string,
  ): Promise<{ id: string; code: string; name: string; evidenceStatus: string; elementDescriptions: Record<string, string> } | null> {
    const [m] = await this.db.query(
      `SELECT id, code, name, evidence_status AS "evidenceStatus", element_descriptions AS "elementDescriptions" FROM method WHERE municipality_id = $1 AND id = $2`,
      [municipalityId, methodId],
    );
    return m ?? null;
  }

  /** Stored figures of one scope, one period, the breakdown cells asked for. */
  async listFigures(scopeKey: string, periodKey: string, breakdownKeys: readonly string[]): Promise<FigureRow[]> {
    return this.db.query(
      `SELECT ${FIGURE_COLS} FROM aggregate_figure WHERE scope_key = $1 AND period_key = $2 AND breakdown_key = ANY($3) ORDER BY figure, subject, breakdown_key`,
      [scopeKey, periodKey, breakdownKeys],
    );
  }

  /** One figure subject of a scope over every stored period (trend charts). */
  async listTrend(scopeKey: string, figure: string, subjectPrefix: string): Promise<FigureRow[]> {
    return this.db.query(
      `SELECT ${FIGURE_COLS} FROM aggregate_figure WHERE scope_key = $1 AND breakdown_key = 'all' AND figure = $2 AND (subject = $3 OR subject LIKE $3 || '/%')
        ORDER BY period_key, subject`,
      [scopeKey, figure, subjectPrefix],
    );
  }

  /**
   * As of when a scope's stored aggregates are, and whether work is pending for it: requested > computed, or an
   * unsent outbox row or a client whose recompute is pending about a client, episode, response or occasion that
   * falls in the scope. The outbox rows are
   * found through the partial index of unsent rows and joined by uuid keys (a malformed id joins nothing).
   */
  async freshness(municipalityId: string, scopeKey: string): Promise<Freshness> {
    const [kind, id] = scopeKey.split(':') as [string, string];
    const [r] = await this.db.query(
      `WITH st AS (SELECT computed_at, computed_source_at, requested_seq > computed_seq AS pending FROM aggregate_scope_state WHERE scope_key = $2),
            o AS (SELECT ${uuidField('o.payload', 'responseId')} AS response_id, ${uuidField('o.payload', 'occasionId')} AS occasion_id,
                         ${uuidField('o.payload', 'episodeId')} AS episode_id, ${uuidField('o.payload', 'clientId')} AS client_id
                    FROM outbox o WHERE o.municipality_id = $1 AND o.sent_at IS NULL AND o.topic NOT IN ('group.changed', 'instrument.changed')),
            e AS (SELECT e.id, e.client_id, e.method_id, e.org_unit_id FROM o
                    LEFT JOIN response r ON r.id = o.response_id
                    LEFT JOIN occasion oc ON oc.id = o.occasion_id
                    JOIN episode e ON e.id = coalesce(o.episode_id, r.episode_id, oc.episode_id)
                  UNION ALL
                  SELECT e.id, e.client_id, e.method_id, e.org_unit_id FROM o JOIN episode e ON e.client_id = o.client_id
                  UNION ALL
                  -- Relayed, but the client batch has not yet recomputed them (it then requests the figure scopes).
                  SELECT e.id, e.client_id, e.method_id, e.org_unit_id FROM aggregate_scope_state s
                    JOIN episode e ON e.client_id = substr(s.scope_key, 8)::uuid
                   WHERE s.municipality_id = $1 AND s.requested_seq > s.computed_seq AND s.scope_key LIKE 'client:%')
       SELECT (SELECT computed_at FROM st) AS computed_at, (SELECT computed_source_at FROM st) AS source_at,
              coalesce((SELECT pending FROM st), false) OR EXISTS (
                SELECT 1 FROM e JOIN org_unit u ON u.id = e.org_unit_id
                 WHERE ($3 = 'municipality')
                    OR ($3 = 'unit' AND u.path LIKE (SELECT path FROM org_unit WHERE id::text = $4) || '%')
                    OR ($3 = 'method' AND e.method_id::text = $4)
                    OR ($3 = 'group' AND EXISTS (SELECT 1 FROM group_membership gm WHERE gm.episode_id = e.id AND gm.group_id::text = $4))
                    OR ($3 = 'client' AND e.client_id::text = $4)) AS pending`,
      [municipalityId, scopeKey, kind, id],
    );
    return { computedAt: r.computed_at, sourceChangedAt: r.source_at, pending: r.pending };
  }

  /** Level-1 rows of a client's episodes that lie in the scope (caseworker's view). */
  async listClientRows(scope: UnitScope, clientId: string) {
    const scales = await this.db.query(
      `SELECT s.episode_id AS "episodeId", s.instrument_id AS "instrumentId", i.code AS "instrumentCode", s.scale_id AS "scaleId", s.direction,
              s.baseline, s.baseline_on AS "baselineOn", s.baseline_band AS "baselineBand", s.latest, s.latest_on AS "latestOn", s.latest_kind AS "latestKind",
              s.change, s.rci, s.category, s.case_at_baseline AS "caseAtBaseline", s.case_at_latest AS "caseAtLatest", s.recovered,
              s.reliably_recovered AS "reliablyRecovered", s.computed_at AS "computedAt"
         FROM aggregate_client_scale s JOIN org_unit u ON u.id = s.org_unit_id JOIN instrument i ON i.id = s.instrument_id
        WHERE s.municipality_id = $1 AND s.client_id = $2 AND u.path LIKE ANY($3) ORDER BY s.episode_id, i.code, s.scale_id`,
      [scope.municipalityId, clientId, scope.likePatterns],
    );
    const episodes = await this.db.query(
      `SELECT x.episode_id AS "episodeId", x.org_unit_id AS "orgUnitId", x.method_id AS "methodId", x.start_date AS "startDate", x.close_date AS "closeDate",
              x.n_goals AS "nGoals", x.n_goals_measurable AS "nGoalsMeasurable", x.n_goals_assessed AS "nGoalsAssessed", x.n_goals_attained AS "nGoalsAttained",
              x.gas_t AS "gasT", x.has_baseline AS "hasBaseline", x.has_pair AS "hasPair", x.computed_at AS "computedAt"
         FROM aggregate_client_episode x JOIN org_unit u ON u.id = x.org_unit_id
        WHERE x.municipality_id = $1 AND x.client_id = $2 AND u.path LIKE ANY($3) ORDER BY x.start_date`,
      [scope.municipalityId, clientId, scope.likePatterns],
    );
    return { scales, episodes };
  }

  async findClientInScope(scope: UnitScope, clientId: string): Promise<{ id: string; pseudonym: string; homeUnitId: string } | null> {
    const [c] = await this.db.query(
      `SELECT c.id, c.pseudonym, c.home_unit_id AS "homeUnitId" FROM client c
        WHERE c.municipality_id = $1 AND c.id = $2
          AND (EXISTS (SELECT 1 FROM org_unit u WHERE u.id = c.home_unit_id AND u.path LIKE ANY($3))
               OR EXISTS (SELECT 1 FROM episode e JOIN org_unit u ON u.id = e.org_unit_id WHERE e.client_id = c.id AND u.path LIKE ANY($3)))`,
      [scope.municipalityId, clientId, scope.likePatterns],
    );
    return c ?? null;
  }

  async settings(municipalityId: string): Promise<{ kPolitician: number; kAnalyst: number; evidenceYes: number; evidencePartly: number }> {
    const [s] = await this.db.query(
      `SELECT k_politician AS "kPolitician", k_analyst AS "kAnalyst", evidence_yes::float8 AS "evidenceYes", evidence_partly::float8 AS "evidencePartly"
         FROM aggregation_setting WHERE municipality_id = $1`,
      [municipalityId],
    );
    return s ?? { kPolitician: 5, kAnalyst: 5, evidenceYes: 0.8, evidencePartly: 0.5 };
  }

  async instrumentCodes(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; code: string }[] = await this.db.query(`SELECT id, code FROM instrument WHERE id = ANY($1)`, [ids]);
    return new Map(rows.map((r) => [r.id, r.code]));
  }
}
