import { AggregateExportsService } from './aggregate-exports.service.js';
import { ExportsController } from './exports.controller.js';
import { ReportArchiveService } from './report-archive.service.js';
import { ReportDefinitionsService } from './report-definitions.service.js';
import { ReportsController } from './reports.controller.js';

/** Result reports and aggregate exports (issue 7), registered in the app module beside the services they use. */
export const REPORT_CONTROLLERS = [ReportsController, ExportsController];
export const REPORT_PROVIDERS = [ReportDefinitionsService, ReportArchiveService, AggregateExportsService];
