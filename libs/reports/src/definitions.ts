/**
 * Result report definitions (docs/reports.md): what a report covers, for whom, over which period, with which sections.
 */
export type ReportScopeKind = 'municipality' | 'administration' | 'unit' | 'method';
export const REPORT_SCOPE_KINDS: readonly ReportScopeKind[] = ['municipality', 'administration', 'unit', 'method'];

/** `politicians`: aggregated, small-number suppression with complementary cells; `management`: unit-level detail. */
export type ReportAudience = 'politicians' | 'management';
export const REPORT_AUDIENCES: readonly ReportAudience[] = ['politicians', 'management'];

export type ReportPeriodKind = 'half_year' | 'year';
export const REPORT_PERIOD_KINDS: readonly ReportPeriodKind[] = ['half_year', 'year'];

export type ReportLanguage = 'sv' | 'en';

/** The content sections, in the order the report shows them; each can be switched off in a definition. */
export const REPORT_SECTIONS = [
  'how_to_read',
  'needs',
  'interventions',
  'completeness',
  'outcomes',
  'goals',
  'needs_vs_interventions',
  'experience',
  'evidence_status',
  'evidence_elements',
  'change',
  'definitions',
] as const;
export type ReportSection = (typeof REPORT_SECTIONS)[number];

export interface ReportDefinition {
  id: string;
  municipalityId: string;
  name: string;
  scopeKind: ReportScopeKind;
  /** The municipality id, an org unit id (administration/unit) or a method id. */
  scopeId: string;
  audience: ReportAudience;
  periodKind: ReportPeriodKind;
  sections: ReportSection[];
  language: ReportLanguage;
  active: boolean;
  createdBy: string;
}

const HALF = /^(\d{4})-H([12])$/;
const YEAR = /^(\d{4})$/;

/** True when `key` is a period of the given kind (`YYYY-H1`/`YYYY-H2` or `YYYY`). */
export function isPeriodOfKind(key: string, kind: ReportPeriodKind): boolean {
  return kind === 'half_year' ? HALF.test(key) : YEAR.test(key);
}

/** The last period of a kind that has ended before `today` (a Swedish calendar date, YYYY-MM-DD). */
export function latestCompletedPeriod(kind: ReportPeriodKind, today: string): string {
  const y = Number(today.slice(0, 4));
  if (kind === 'year') return String(y - 1);
  return Number(today.slice(5, 7)) >= 7 ? `${y}-H1` : `${y - 1}-H2`;
}

/** The period before `key` of the same kind. */
export function previousPeriod(key: string): string {
  const h = HALF.exec(key);
  if (h) return h[2] === '2' ? `${h[1]}-H1` : `${Number(h[1]) - 1}-H2`;
  return String(Number(key) - 1);
}

/** The last day of a period (YYYY-MM-DD). */
export function periodEnd(key: string): string {
  const h = HALF.exec(key);
  if (h) return h[2] === '1' ? `${h[1]}-06-30` : `${h[1]}-12-31`;
  return `${key}-12-31`;
}

/** The first day of a period (YYYY-MM-DD). */
export function periodStart(key: string): string {
  const h = HALF.exec(key);
  if (h) return h[2] === '1' ? `${h[1]}-01-01` : `${h[1]}-07-01`;
  return `${key}-01-01`;
}

/** True when the period has ended before `today`: only ended periods are reported. */
export function periodHasEnded(key: string, today: string): boolean {
  return periodEnd(key) < today;
}

/** The BullMQ job id of "generate this definition's report for this period" (BullMQ ids may not contain ':'). */
export function reportJobId(definitionId: string, periodKey: string): string {
  return `report.${definitionId}.${periodKey}`;
}
