/** Every queue. Workers listen to all of them; a job name belongs to exactly one. */
export enum QueueName {
  Maintenance = 'maintenance',
  Aggregation = 'aggregation',
  /** Bulk imports: long, CPU- and IO-heavy; kept apart so they never delay the nightly jobs. */
  Imports = 'imports',
  /** Result reports: each prints a PDF with Chromium, so they are kept apart from the nightly jobs. */
  Reports = 'reports',
}

export enum JobName {
  /** Recomputes the audit hash chain and logs the result (nightly). */
  AuditVerifyChain = 'audit.verify-chain',
  /** Moves occasions between planned/due/overdue and extends rolling follow-ups (nightly, idempotent). */
  ScheduleAdvance = 'schedule.advance',
  /** Recomputes one aggregate scope (client, unit, method, group, municipality, instrument) from source rows. */
  AggregateRecomputeScope = 'aggregate.recompute-scope',
  /** Rebuilds every aggregate of one municipality (or all) from source rows. */
  AggregateRebuild = 'aggregate.rebuild',
  /** Nightly: re-requests every scope, since period windows and "due so far" move with the date. */
  AggregateRefreshDaily = 'aggregate.refresh-daily',
  /** Parses, checks and (unless a dry run) imports one uploaded file (docs/import.md); idempotent. */
  ImportRun = 'import.run',
  /** Nightly: flags unusual access in yesterday's audit log (outside caseload, many clients); idempotent. */
  LogReviewFlagAccess = 'log-review.flag-access',
  /** Nightly: deletes client records due for retention (gallring, docs/retention.md); idempotent, safe to re-run. */
  RetentionRun = 'retention.run',
  /** Daily: enqueues a report for every active definition whose latest period has ended and has no report yet. */
  ReportScheduleDue = 'report.schedule-due',
  /** Generates one result report (definition, period); idempotent: one report per pair, a new version only on new data. */
  ReportGenerate = 'report.generate',
}

/** Typed payloads: ids and flags only, never personal data (SoLPuL: minimisation). */
export type JobItem =
  | { name: JobName.AuditVerifyChain; data: { trigger: 'schedule' | 'manual' } }
  | { name: JobName.ScheduleAdvance; data: { trigger: 'schedule' | 'manual'; today?: string } }
  | { name: JobName.AggregateRecomputeScope; data: { municipalityId: string; scopeKey: string } }
  | { name: JobName.AggregateRebuild; data: { municipalityId: string | null; trigger: 'schedule' | 'manual' } }
  | { name: JobName.AggregateRefreshDaily; data: { trigger: 'schedule' | 'manual' } }
  | { name: JobName.ImportRun; data: { importJobId: string } }
  | { name: JobName.LogReviewFlagAccess; data: { trigger: 'schedule' | 'manual'; day?: string } }
  | { name: JobName.RetentionRun; data: { trigger: 'schedule' | 'manual'; today?: string } }
  | { name: JobName.ReportScheduleDue; data: { trigger: 'schedule' | 'manual'; today?: string; municipalityId?: string } }
  | {
      name: JobName.ReportGenerate;
      data: { municipalityId: string; definitionId: string; periodKey: string; trigger: 'schedule' | 'manual'; requestedBy: string | null; regenerate: boolean };
    };

export type JobData<N extends JobName> = Extract<JobItem, { name: N }>['data'];

export const JOB_QUEUE: Readonly<Record<JobName, QueueName>> = {
  [JobName.AuditVerifyChain]: QueueName.Maintenance,
  [JobName.ScheduleAdvance]: QueueName.Maintenance,
  [JobName.AggregateRecomputeScope]: QueueName.Aggregation,
  [JobName.AggregateRebuild]: QueueName.Maintenance,
  [JobName.AggregateRefreshDaily]: QueueName.Maintenance,
  [JobName.ImportRun]: QueueName.Imports,
  [JobName.LogReviewFlagAccess]: QueueName.Maintenance,
  [JobName.RetentionRun]: QueueName.Maintenance,
  [JobName.ReportScheduleDue]: QueueName.Maintenance,
  [JobName.ReportGenerate]: QueueName.Reports,
};
