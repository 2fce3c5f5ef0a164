import type { JobData, JobName } from '#jobs';

/** A processor for one job name. Handlers are thin and idempotent: they delegate to a service. */
export interface JobHandler<N extends JobName = JobName> {
  readonly name: N;
  handle(data: JobData<N>, context: { jobId: string | undefined; attempt: number }): Promise<unknown>;
}

export const JOB_HANDLERS = Symbol('JOB_HANDLERS');
