/** Every queue. Workers listen to all of them; a job name belongs to exactly one. */
export enum QueueName {
  Maintenance = 'maintenance',
}

export enum JobName {
  /** Recomputes the audit hash chain and logs the result (nightly). */
  AuditVerifyChain = 'audit.verify-chain',
}

/** Typed payloads: ids and flags only, never personal data (SoLPuL: minimisation). */
export type JobItem = { name: JobName.AuditVerifyChain; data: { trigger: 'schedule' | 'manual' } };

export type JobData<N extends JobName> = Extract<JobItem, { name: N }>['data'];

export const JOB_QUEUE: Readonly<Record<JobName, QueueName>> = {
  [JobName.AuditVerifyChain]: QueueName.Maintenance,
};
