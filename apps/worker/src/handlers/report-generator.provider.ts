import type { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { swedishToday } from '#domain';
import { ChromiumPdfRenderer, ReportGenerator } from '#reports';

/** The worker's report generator: aggregates → HTML → PDF with Debian's Chromium → result_report. */
export const REPORT_GENERATOR_PROVIDER: Provider = {
  provide: ReportGenerator,
  inject: [DataSource],
  useFactory: (ds: DataSource) => new ReportGenerator(ds, new ChromiumPdfRenderer(), () => swedishToday()),
};
