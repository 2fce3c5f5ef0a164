/** Every queue. Workers listen to all of them; a job name belongs to exactly one. */
export enum QueueName {
  Maintenance = 'maintenance',
}

export enum JobName {
  /** Recomputes the audit hash chain and logs the result (nightly). */
  AuditVerifyChain = 'audit.verify-chain',
  /** Moves occasions between planned/due/overdue and extends rolling follow-ups (nightly, idempotent). */
  ScheduleAdvance = 'schedule.advance',
}

/** Typed payloads: ids and flags only, never personal data (SoLPuL: minimisation). */
export type JobItem =
  | { name: JobName.AuditVerifyChain; data: { trigger: 'schedule' | 'manual' } }
  | { name: JobName.ScheduleAdvance; data: { trigger: 'schedule' | 'manual'; today?: string } };

export type JobData<N extends JobName> = Extract<JobItem, { name: N }>['data'];

export const JOB_QUEUE: Readonly<Record<JobName, QueueName>> = {
  [JobName.AuditVerifyChain]: QueueName.Maintenance,
  [JobName.ScheduleAdvance]: QueueName.Maintenance,
};
