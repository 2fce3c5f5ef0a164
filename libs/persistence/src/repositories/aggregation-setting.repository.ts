import type { EntityManager } from 'typeorm';
import type { UnitScope } from '#access';

/** A municipality's aggregation settings (docs/aggregation.md): suppression k per audience and the evidence thresholds. */
export interface AggregationSettingRow {
  kPolitician: number;
  kAnalyst: number;
  evidenceYes: number;
  evidencePartly: number;
  /** null: no row yet, the defaults apply. */
  updatedAt: Date | null;
}

/** The defaults of migration 1764633600000 (k = 5 for both audiences, Ja ≥ 0.8, Delvis ≥ 0.5). */
export const DEFAULT_AGGREGATION_SETTING: Omit<AggregationSettingRow, 'updatedAt'> = { kPolitician: 5, kAnalyst: 5, evidenceYes: 0.8, evidencePartly: 0.5 };

/** One row per municipality; read and written by the municipality's administrators only. */
export class AggregationSettingRepository {
  constructor(private readonly db: EntityManager) {}

  async find(scope: UnitScope): Promise<AggregationSettingRow> {
    const [s] = await this.db.query(
      `SELECT k_politician AS "kPolitician", k_analyst AS "kAnalyst", evidence_yes::float8 AS "evidenceYes", evidence_partly::float8 AS "evidencePartly",
              updated_at AS "updatedAt"
         FROM aggregation_setting WHERE municipality_id = $1`,
      [scope.municipalityId],
    );
    return s ?? { ...DEFAULT_AGGREGATION_SETTING, updatedAt: null };
  }

  /** Inserts or replaces the municipality's row (the table's CHECKs repeat the API's validation). */
  async upsert(scope: UnitScope, s: Omit<AggregationSettingRow, 'updatedAt'>): Promise<AggregationSettingRow> {
    const [row] = await this.db.query(
      `INSERT INTO aggregation_setting (municipality_id, k_politician, k_analyst, evidence_yes, evidence_partly, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (municipality_id) DO UPDATE SET k_politician = excluded.k_politician, k_analyst = excluded.k_analyst,
         evidence_yes = excluded.evidence_yes, evidence_partly = excluded.evidence_partly, updated_at = now()
       RETURNING k_politician AS "kPolitician", k_analyst AS "kAnalyst", evidence_yes::float8 AS "evidenceYes",
                 evidence_partly::float8 AS "evidencePartly", updated_at AS "updatedAt"`,
      [scope.municipalityId, s.kPolitician, s.kAnalyst, s.evidenceYes, s.evidencePartly],
    );
    return row;
  }
}
