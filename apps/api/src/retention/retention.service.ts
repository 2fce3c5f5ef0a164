import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { forbidden, swedishToday } from '#domain';
import { type Actor, Permission, scopeFor } from '#access';
import { getConfig } from '#config';
import { IdentityCrypto, RetentionRepository, retentionDryRun, type RetentionDryRun, type RetentionRunRow } from '#persistence';

/**
 * Retention report and run history for the municipality's administrator (docs/retention.md): counts
 * only, never a client, so no audit event. Municipality-wide, hence only for an admin of a top unit.
 */
@Injectable()
export class RetentionService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  private municipalityOf(actor: Actor): string {
    const scope = scopeFor(actor, Permission.RetentionAdmin);
    // A top unit's path is "/<id>/": the actor administers the whole municipality.
    if (!scope.unitPaths.some((p) => p.split('/').length === 3)) {
      throw forbidden(
        'RETENTION.MUNICIPALITY_ADMIN_ONLY',
        'Gallringen gäller hela kommunen och visas bara för administratörer på förvaltningsnivå.',
        'Retention covers the whole municipality and is shown only to administrators of a top unit.',
      );
    }
    return scope.municipalityId;
  }

  async dryRun(actor: Actor, q: { on?: string }): Promise<RetentionDryRun> {
    const municipalityId = this.municipalityOf(actor);
    const { pii, retention } = getConfig();
    return this.dataSource.transaction('REPEATABLE READ', (m) =>
      retentionDryRun(m, new IdentityCrypto(pii.encryptionKey, pii.indexKey), {
        rule: { years: retention.years, keepBirthDays: retention.keepBirthDays },
        referenceDate: q.on ?? swedishToday(),
        municipalityId,
      }),
    );
  }

  async listRuns(actor: Actor, q: { limit?: number }): Promise<{ items: RetentionRunRow[] }> {
    const municipalityId = this.municipalityOf(actor);
    return { items: await new RetentionRepository(this.dataSource.manager).listRuns(municipalityId, q.limit ?? 50) };
  }
}
