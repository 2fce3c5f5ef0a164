import type { DataSource, EntityManager } from 'typeorm';
import type { ReportAudience, ReportDefinition, ReportLanguage, ReportPeriodKind, ReportScopeKind, ReportSection } from './definitions.js';

const DEF_COLS = `id, municipality_id AS "municipalityId", name, scope_kind AS "scopeKind", scope_id AS "scopeId", audience,
  period_kind AS "periodKind", sections, language, active, created_by AS "createdBy"`;

export interface StoredReportMeta {
  id: string;
  municipalityId: string;
  definitionId: string;
  definitionName: string;
  periodKey: string;
  periodEnd: string;
  version: number;
  audience: ReportAudience;
  scopeKind: ReportScopeKind;
  scopeId: string;
  language: ReportLanguage;
  htmlSha256: string;
  pdfSha256: string;
  dataAsOf: Date | null;
  trigger: 'schedule' | 'manual';
  createdAt: Date;
}

const META_COLS = `r.id, r.municipality_id AS "municipalityId", r.definition_id AS "definitionId", d.name AS "definitionName", r.period_key AS "periodKey",
  to_char(r.period_end, 'YYYY-MM-DD') AS "periodEnd", r.version, r.audience, r.scope_kind AS "scopeKind", r.scope_id AS "scopeId", r.language,
  r.html_sha256 AS "htmlSha256", r.pdf_sha256 AS "pdfSha256", r.data_as_of AS "dataAsOf", r.trigger, r.created_at AS "createdAt"`;

type Db = DataSource | EntityManager;

/** Report definitions and stored reports, with intention-named SQL; every read takes the municipality. */
export class ReportRepository {
  constructor(private readonly db: Db) {}

  async createDefinition(d: Omit<ReportDefinition, 'id' | 'active'>): Promise<ReportDefinition> {
    const [row] = await this.db.query(
      `INSERT INTO report_definition (municipality_id, name, scope_kind, scope_id, audience, period_kind, sections, language, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${DEF_COLS}`,
      [d.municipalityId, d.name, d.scopeKind, d.scopeId, d.audience, d.periodKind, JSON.stringify(d.sections), d.language, d.createdBy],
    );
    return row;
  }

  async updateDefinition(municipalityId: string, id: string, patch: { name?: string; sections?: ReportSection[]; language?: ReportLanguage; active?: boolean }): Promise<ReportDefinition | null> {
    const rows = await this.db.query(
      `UPDATE report_definition SET name = coalesce($3, name), sections = coalesce($4::jsonb, sections), language = coalesce($5, language),
              active = coalesce($6, active), updated_at = now()
        WHERE municipality_id = $1 AND id = $2 RETURNING ${DEF_COLS}`,
      [municipalityId, id, patch.name ?? null, patch.sections ? JSON.stringify(patch.sections) : null, patch.language ?? null, patch.active ?? null],
    );
    const list = Array.isArray(rows[0]) ? rows[0] : rows;
    return list[0] ?? null;
  }

  async findDefinition(municipalityId: string, id: string): Promise<ReportDefinition | null> {
    const [row] = await this.db.query(`SELECT ${DEF_COLS} FROM report_definition WHERE municipality_id = $1 AND id = $2`, [municipalityId, id]);
    return row ?? null;
  }

  async listDefinitions(municipalityId: string): Promise<ReportDefinition[]> {
    return this.db.query(`SELECT ${DEF_COLS} FROM report_definition WHERE municipality_id = $1 ORDER BY name, id`, [municipalityId]);
  }

  /** Every active definition of every municipality (the daily scheduler). */
  async listActiveDefinitions(): Promise<{ id: string; municipalityId: string; periodKind: ReportPeriodKind }[]> {
    return this.db.query(`SELECT id, municipality_id AS "municipalityId", period_kind AS "periodKind" FROM report_definition WHERE active ORDER BY municipality_id, id`);
  }

  async hasReport(definitionId: string, periodKey: string): Promise<boolean> {
    const [r] = await this.db.query(`SELECT 1 FROM result_report WHERE definition_id = $1 AND period_key = $2 LIMIT 1`, [definitionId, periodKey]);
    return !!r;
  }

  async latestVersion(definitionId: string, periodKey: string): Promise<{ id: string; version: number; htmlSha256: string } | null> {
    const [r] = await this.db.query(
      `SELECT id, version, html_sha256 AS "htmlSha256" FROM result_report WHERE definition_id = $1 AND period_key = $2 ORDER BY version DESC LIMIT 1`,
      [definitionId, periodKey],
    );
    return r ?? null;
  }

  /** Inserts a version; returns null when (definition, period, version) exists already (a concurrent generation won). */
  async insertVersion(r: {
    municipalityId: string;
    definition: ReportDefinition;
    periodKey: string;
    periodEnd: string;
    version: number;
    html: Buffer;
    htmlSha256: string;
    pdf: Buffer;
    pdfSha256: string;
    dataAsOf: Date | null;
    trigger: 'schedule' | 'manual';
    requestedBy: string | null;
  }): Promise<string | null> {
    const [row] = await this.db.query(
      `INSERT INTO result_report (municipality_id, definition_id, period_key, period_end, version, audience, scope_kind, scope_id, language,
         html, html_sha256, pdf, pdf_sha256, data_as_of, trigger, requested_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (definition_id, period_key, version) DO NOTHING RETURNING id`,
      [
        r.municipalityId, r.definition.id, r.periodKey, r.periodEnd, r.version, r.definition.audience, r.definition.scopeKind, r.definition.scopeId,
        r.definition.language, r.html, r.htmlSha256, r.pdf, r.pdfSha256, r.dataAsOf, r.trigger, r.requestedBy,
      ],
    );
    return row?.id ?? null;
  }

  async listReports(municipalityId: string, definitionId?: string): Promise<StoredReportMeta[]> {
    return this.db.query(
      `SELECT ${META_COLS} FROM result_report r JOIN report_definition d ON d.id = r.definition_id
        WHERE r.municipality_id = $1 AND ($2::uuid IS NULL OR r.definition_id = $2)
        ORDER BY r.period_end DESC, d.name, r.definition_id, r.version DESC`,
      [municipalityId, definitionId ?? null],
    );
  }

  async findReport(municipalityId: string, id: string): Promise<StoredReportMeta | null> {
    const [r] = await this.db.query(`SELECT ${META_COLS} FROM result_report r JOIN report_definition d ON d.id = r.definition_id WHERE r.municipality_id = $1 AND r.id = $2`, [municipalityId, id]);
    return r ?? null;
  }

  async readContent(municipalityId: string, id: string, format: 'html' | 'pdf'): Promise<Buffer | null> {
    const [r] = await this.db.query(`SELECT ${format === 'html' ? 'html' : 'pdf'} AS body FROM result_report WHERE municipality_id = $1 AND id = $2`, [municipalityId, id]);
    return r?.body ?? null;
  }
}
