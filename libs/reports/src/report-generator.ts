import type { DataSource } from 'typeorm';
import { invalid, notFound } from '#domain';
import { isPeriodOfKind, periodEnd, periodHasEnded, previousPeriod, type ReportDefinition } from './definitions.js';
import type { PdfRenderer } from './pdf-renderer.js';
import { renderReportHtml, sha256 } from './report-html.js';
import { buildReportModel } from './report-model.js';
import { ReportRepository } from './report-repository.js';
import { ReportSourceReader } from './report-source.js';

export interface GenerateRequest {
  municipalityId: string;
  definitionId: string;
  periodKey: string;
  trigger: 'schedule' | 'manual';
  requestedBy: string | null;
  /** false (the scheduler): a report that exists for the period is kept as is. true: a new version if the data changed. */
  regenerate: boolean;
}

export interface GenerateOutcome {
  status: 'created' | 'exists' | 'unchanged';
  reportId: string;
  version: number;
  htmlSha256: string;
}

/** Advisory lock class of "generating a report for (definition, period)" (hashtext of the pair is the key). */
const LOCK_REPORT = 7_007;

/**
 * Generates a result report: reads the aggregates, builds the model, renders deterministic HTML, prints it to PDF, and
 * stores both in one short transaction. Exactly one report per (definition, period):
 * - a trigger that fires twice, or two workers at once, serialise on an advisory lock for the pair and find the
 *   first one's row (and the UNIQUE key stops any insert that got past it);
 * - a crash before the insert commits leaves nothing (the job is retried and does it all again);
 * - regenerating with the same data gives the same HTML hash, so no new version; changed data gives version n + 1
 *   and the earlier versions stay.
 */
export class ReportGenerator {
  constructor(
    private readonly ds: DataSource,
    private readonly pdf: PdfRenderer,
    private readonly today: () => string,
  ) {}

  async generate(req: GenerateRequest): Promise<GenerateOutcome> {
    const repo = new ReportRepository(this.ds);
    const definition = await repo.findDefinition(req.municipalityId, req.definitionId);
    if (!definition) throw notFound('REPORT.DEFINITION_NOT_FOUND', 'Rapportdefinitionen finns inte.', 'The report definition does not exist.');
    assertReportablePeriod(definition, req.periodKey, this.today());
    if (!req.regenerate) {
      const existing = await repo.latestVersion(definition.id, req.periodKey);
      if (existing) return { status: 'exists', reportId: existing.id, version: existing.version, htmlSha256: existing.htmlSha256 };
    }
    const { html, htmlSha256, dataAsOf } = await this.renderHtml(definition, req.periodKey);
    const latest = await repo.latestVersion(definition.id, req.periodKey);
    if (latest && latest.htmlSha256 === htmlSha256) return { status: 'unchanged', reportId: latest.id, version: latest.version, htmlSha256 };
    const pdf = await this.pdf.render(html);
    return this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(${LOCK_REPORT}, hashtext($1))`, [`${definition.id}/${req.periodKey}`]);
      const tx = new ReportRepository(m);
      const current = await tx.latestVersion(definition.id, req.periodKey);
      if (current && (!req.regenerate || current.htmlSha256 === htmlSha256)) {
        return { status: req.regenerate ? 'unchanged' : 'exists', reportId: current.id, version: current.version, htmlSha256: current.htmlSha256 } as GenerateOutcome;
      }
      const version = (current?.version ?? 0) + 1;
      const id = await tx.insertVersion({
        municipalityId: definition.municipalityId,
        definition,
        periodKey: req.periodKey,
        periodEnd: periodEnd(req.periodKey),
        version,
        html,
        htmlSha256,
        pdf,
        pdfSha256: sha256(pdf),
        dataAsOf,
        trigger: req.trigger,
        requestedBy: req.requestedBy,
      });
      if (!id) throw new Error(`report ${definition.id} ${req.periodKey} v${version} was inserted concurrently`);
      return { status: 'created', reportId: id, version, htmlSha256 } as GenerateOutcome;
    });
  }

  /** The report's HTML for a period from the current aggregates (also used by the benchmark and the sample). */
  async renderHtml(definition: ReportDefinition, periodKey: string): Promise<{ html: Buffer; htmlSha256: string; dataAsOf: Date | null }> {
    const source = await new ReportSourceReader(this.ds).read(definition, periodKey, previousPeriod(periodKey), periodEnd(periodKey));
    const html = renderReportHtml(buildReportModel(source));
    return { html, htmlSha256: sha256(html), dataAsOf: source.dataAsOf };
  }
}

/** Only ended periods of the definition's kind are reported. */
export function assertReportablePeriod(definition: Pick<ReportDefinition, 'periodKind'>, periodKey: string, today: string): void {
  if (!isPeriodOfKind(periodKey, definition.periodKind) || !periodHasEnded(periodKey, today)) {
    throw invalid(
      'REPORT.BAD_PERIOD',
      definition.periodKind === 'half_year' ? 'Ange ett avslutat halvår (ÅÅÅÅ-H1 eller ÅÅÅÅ-H2).' : 'Ange ett avslutat år (ÅÅÅÅ).',
      definition.periodKind === 'half_year' ? 'Give a half-year that has ended (YYYY-H1 or YYYY-H2).' : 'Give a year that has ended (YYYY).',
      [{ field: 'period', sv: 'Perioden har inte tagit slut eller är av fel slag.', en: 'The period has not ended or is of the wrong kind.' }],
    );
  }
}
