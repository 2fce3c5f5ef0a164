import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { buildReportModel, previousPeriod, periodEnd, REPORT_SECTIONS, type ReportDefinition, renderReportHtml, ReportSourceReader } from '#reports';
import { MethodCountDisclosure } from '../../apps/api/src/aggregates/method-disclosure.js';
import { openTestDataSource } from '../utils/database.js';
import { buildReportCohort, numericCells, REPORT_PERIOD } from './report-fixture.js';

/*
 * A politicians' report of one method shows that method's counts beside nothing else, so where the municipality's
 * per-method row hides the method (as politicians see it in the aggregate views), the report withholds its figures.
 * Cohort (report-fixture.ts), 2026-H1: method M 20 clients, method M2 3 (below k = 5); municipality 23, so M2 is hidden
 * and M with it (23 − 20 = 3).
 */
let ds: DataSource;
let cohort: Awaited<ReturnType<typeof buildReportCohort>>;

const definition = (over: Partial<ReportDefinition>): ReportDefinition => ({
  id: '00000000-0000-4000-8000-000000000001',
  municipalityId: cohort.c.world.municipalityId,
  name: 'Metodrapport',
  scopeKind: 'method',
  scopeId: cohort.c.methodId,
  audience: 'politicians',
  periodKind: 'half_year',
  sections: [...REPORT_SECTIONS],
  language: 'sv',
  active: true,
  createdBy: cohort.c.caseworker.id,
  ...over,
});

async function model(d: ReportDefinition) {
  const source = await new ReportSourceReader(ds).read(d, REPORT_PERIOD, previousPeriod(REPORT_PERIOD), periodEnd(REPORT_PERIOD));
  const m = buildReportModel(source);
  return { source, model: m, html: renderReportHtml(m).toString('utf8') };
}

beforeAll(async () => {
  ds = await openTestDataSource();
  cohort = await buildReportCohort(ds);
}, 120_000);

afterAll(async () => {
  await ds?.destroy();
});

describe('politicians’ method reports follow the municipality view’s suppression', () => {
  it('the aggregate views hide both methods on the municipality’s row for the period', async () => {
    const disclosure = await MethodCountDisclosure.load(ds, cohort.c.world.municipalityId, REPORT_PERIOD, 5);
    expect([disclosure.methodHidden(cohort.c.methodId), disclosure.methodHidden(cohort.m2)]).toEqual([true, true]);
  });

  it('withholds the figures of a method hidden there (M: 20, hidden to protect M2), with the reason, in Swedish and English', async () => {
    for (const language of ['sv', 'en'] as const) {
      const { source, model: m, html } = await model(definition({ language }));
      expect(source.methodWithheldFor).toEqual([REPORT_PERIOD]);
      expect(m.sections.map((s) => s.key)).toEqual(['how_to_read', 'interventions', 'definitions']);
      expect(m.sections[1]!.paragraphs[0]).toContain(language === 'sv' ? 'visas inte i denna rapport' : 'not shown in this report');
      expect(numericCells(html)).toEqual([]);
      expect(html).not.toMatch(/<table/);
    }
  });

  it('withholds a method below k too (M2: 3)', async () => {
    const { source, html } = await model(definition({ scopeId: cohort.m2 }));
    expect(source.methodWithheldFor).toEqual([REPORT_PERIOD]);
    expect(numericCells(html)).toEqual([]);
  });

  it('keeps the figures in management reports and in the municipality’s own politicians’ report', async () => {
    const management = await model(definition({ audience: 'management' }));
    expect(management.source.methodWithheldFor).toEqual([]);
    expect(management.html).toMatch(/<table/);
    const municipality = await model(definition({ scopeKind: 'municipality', scopeId: cohort.c.world.municipalityId }));
    expect(municipality.source.methodWithheldFor).toEqual([]);
    expect(municipality.model.sections.map((s) => s.key)).toContain('outcomes');
  });
});
