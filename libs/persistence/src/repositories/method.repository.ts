import type { DataSource, EntityManager } from 'typeorm';
import type { EvidenceStatus, OccasionKind, PlanTiming } from '#domain';

export interface PlanRow extends PlanTiming {
  id: string;
  methodId: string;
  version: number;
  requiresAdjustmentDecision: boolean;
  /** Instrument ids and codes per occasion kind. */
  instruments: { occasionKind: OccasionKind; instrumentId: string; code: string }[];
}

export interface MethodRow {
  id: string;
  code: string;
  name: string;
  description: string;
  evidenceStatus: EvidenceStatus;
  plan: PlanRow | null;
}

const PLAN_COLUMNS = `p.id, p.method_id, p.version, p.interval_months, p.max_follow_ups, p.start_window_before_days,
  p.start_window_after_days, p.follow_up_window_days, p.close_window_before_days, p.close_window_after_days,
  p.requires_adjustment_decision`;

function toPlan(r: Record<string, any>, instruments: PlanRow['instruments']): PlanRow {
  return {
    id: r.id,
    methodId: r.method_id,
    version: r.version,
    intervalMonths: r.interval_months,
    maxFollowUps: r.max_follow_ups,
    startWindowBeforeDays: r.start_window_before_days,
    startWindowAfterDays: r.start_window_after_days,
    followUpWindowDays: r.follow_up_window_days,
    closeWindowBeforeDays: r.close_window_before_days,
    closeWindowAfterDays: r.close_window_after_days,
    requiresAdjustmentDecision: r.requires_adjustment_decision,
    instruments,
  };
}

/** Methods (arbetssätt) and their versioned measurement plans; a municipality sees only its own. */
export class MethodRepository {
  constructor(private readonly db: DataSource | EntityManager) {}

  private async planInstruments(planIds: string[]): Promise<Map<string, PlanRow['instruments']>> {
    const map = new Map<string, PlanRow['instruments']>();
    if (planIds.length === 0) return map;
    const rows = await this.db.query(
      `SELECT pi.plan_id, pi.occasion_kind, pi.instrument_id, i.code FROM measurement_plan_instrument pi
         JOIN instrument i ON i.id = pi.instrument_id WHERE pi.plan_id = ANY($1) ORDER BY pi.occasion_kind, i.code`,
      [planIds],
    );
    for (const r of rows) {
      const list = map.get(r.plan_id) ?? [];
      list.push({ occasionKind: r.occasion_kind, instrumentId: r.instrument_id, code: r.code });
      map.set(r.plan_id, list);
    }
    return map;
  }

  /** Every method of the municipality with its current (highest-version) plan. */
  async listMethods(municipalityId: string, methodId?: string): Promise<MethodRow[]> {
    const rows = await this.db.query(
      `SELECT m.id AS m_id, m.code, m.name, m.description, m.evidence_status, ${PLAN_COLUMNS}
         FROM method m
         LEFT JOIN LATERAL (SELECT * FROM measurement_plan WHERE method_id = m.id ORDER BY version DESC LIMIT 1) p ON true
        WHERE m.municipality_id = $1 AND ($2::uuid IS NULL OR m.id = $2)
        ORDER BY m.code`,
      [municipalityId, methodId ?? null],
    );
    const instruments = await this.planInstruments(rows.filter((r: any) => r.id).map((r: any) => r.id));
    return rows.map((r: any) => ({
      id: r.m_id,
      code: r.code,
      name: r.name,
      description: r.description,
      evidenceStatus: r.evidence_status,
      plan: r.id ? toPlan(r, instruments.get(r.id) ?? []) : null,
    }));
  }

  async findPlan(planId: string): Promise<PlanRow | null> {
    const rows = await this.db.query(`SELECT ${PLAN_COLUMNS} FROM measurement_plan p WHERE p.id = $1`, [planId]);
    if (!rows[0]) return null;
    return toPlan(rows[0], (await this.planInstruments([planId])).get(planId) ?? []);
  }

  async insertMethod(municipalityId: string, m: { code: string; name: string; description: string; evidenceStatus: EvidenceStatus }): Promise<string | null> {
    const rows = await this.db.query(
      `INSERT INTO method (municipality_id, code, name, description, evidence_status) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (municipality_id, code) DO NOTHING RETURNING id`,
      [municipalityId, m.code, m.name, m.description, m.evidenceStatus],
    );
    return rows[0]?.id ?? null;
  }

  /** A new plan version for a method (the previous stays, for episodes that started under it). */
  async insertPlan(methodId: string, t: PlanTiming & { requiresAdjustmentDecision: boolean }, instruments: { occasionKind: OccasionKind; instrumentId: string }[]): Promise<string> {
    await this.db.query(`SELECT 1 FROM method WHERE id = $1 FOR UPDATE`, [methodId]);
    const [row] = await this.db.query(
      `INSERT INTO measurement_plan (method_id, version, interval_months, max_follow_ups, start_window_before_days, start_window_after_days,
         follow_up_window_days, close_window_before_days, close_window_after_days, requires_adjustment_decision)
       VALUES ($1, (SELECT coalesce(max(version), 0) + 1 FROM measurement_plan WHERE method_id = $1), $2, $3, $4, $5, $6, $7, $8, $9)
       RETURNING id`,
      [methodId, t.intervalMonths, t.maxFollowUps, t.startWindowBeforeDays, t.startWindowAfterDays, t.followUpWindowDays, t.closeWindowBeforeDays, t.closeWindowAfterDays, t.requiresAdjustmentDecision],
    );
    if (instruments.length > 0) {
      await this.db.query(
        `INSERT INTO measurement_plan_instrument (plan_id, occasion_kind, instrument_id)
         SELECT $1, unnest($2::text[]), unnest($3::uuid[])`,
        [row.id, instruments.map((i) => i.occasionKind), instruments.map((i) => i.instrumentId)],
      );
    }
    return row.id;
  }
}
