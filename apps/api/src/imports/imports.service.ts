import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { invalid, notFound } from '#domain';
import { type Actor, Permission, scopeFor } from '#access';
import { JobName, JobProducer } from '#jobs';
import { type ImportFormat, ImportRepository, type ImportJobRow, OrgUnitRepository } from '#persistence';

export type ImportJobView = Omit<ImportJobRow, 'municipalityId' | 'createdAt' | 'startedAt' | 'finishedAt'> & {
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

function view(j: ImportJobRow): ImportJobView {
  const { municipalityId: _m, ...rest } = j;
  return { ...rest, createdAt: j.createdAt.toISOString(), startedAt: j.startedAt?.toISOString() ?? null, finishedAt: j.finishedAt?.toISOString() ?? null };
}

const importNotFound = () => notFound('IMPORT.NOT_FOUND', 'Importen finns inte eller du saknar behörighet.', 'The import does not exist or you do not have access.');

/**
 * Bulk import (docs/import.md): stores the uploaded file with a job row and queues it; the worker
 * parses, checks and imports it. Jobs are visible within the user's units.
 */
@Injectable()
export class ImportsService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(JobProducer) private readonly producer: JobProducer,
  ) {}

  async create(actor: Actor, input: { unitId: string; dryRun: boolean; format: ImportFormat; file: Buffer }): Promise<ImportJobView> {
    const scope = scopeFor(actor, Permission.ImportRun);
    if (input.file.length === 0) {
      throw invalid('IMPORT.EMPTY_FILE', 'Filen är tom.', 'The file is empty.', [{ field: 'body', sv: 'Filen är tom.', en: 'The file is empty.' }]);
    }
    const job = await this.dataSource.transaction(async (m) => {
      const unit = await new OrgUnitRepository(m).findInScope(scope, input.unitId);
      if (!unit) throw notFound('ORG_UNIT.NOT_FOUND', 'Enheten finns inte eller du saknar behörighet.', 'The unit does not exist or you do not have access.');
      return new ImportRepository(m).createJob(scope, {
        orgUnitId: unit.id,
        createdBy: actor.userId,
        dryRun: input.dryRun,
        format: input.format,
        sha256: createHash('sha256').update(input.file).digest('hex'),
        content: input.file,
      });
    });
    // After commit, so the worker always finds the row; the job id makes a repeated enqueue a no-op.
    await this.producer.enqueue({ name: JobName.ImportRun, data: { importJobId: job.id } }, { jobId: `import-${job.id}` });
    return view(job);
  }

  async get(actor: Actor, id: string): Promise<ImportJobView> {
    const scope = scopeFor(actor, Permission.ImportRun);
    const job = await new ImportRepository(this.dataSource.manager).findJobInScope(scope, id);
    if (!job) throw importNotFound();
    return view(job);
  }
}
