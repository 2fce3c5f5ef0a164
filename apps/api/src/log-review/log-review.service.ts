import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditAction, AuditPurpose, notFound } from '#domain';
import { type Actor, Permission, scopeFor } from '#access';
import { recordAudit } from '#audit';
import { AccessRightsRepository, type AccessRightRow, type AccessFlagRow, type AuditAccessRow, ClientRepository, LogReviewRepository, OrgUnitRepository } from '#persistence';
import type { AccessRightsQuery, ClientAccessesQuery, FlagsQuery } from './log-review.dto.js';

export const unitNotFound = () => notFound('ORG_UNIT.NOT_FOUND', 'Enheten finns inte eller du saknar behörighet.', 'The unit does not exist or you do not have access.');

/**
 * Reading the log: who accessed a client, the unusual-access flags, and the access-rights report.
 * Scoped to the reviewer's units (Permission.AuditReview); every review is itself audit-logged
 * with purpose `log_review`, in the same transaction as the read.
 */
@Injectable()
export class LogReviewService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async listClientAccesses(actor: Actor, requestId: string, clientId: string, q: ClientAccessesQuery): Promise<{ client: { id: string; pseudonym: string }; items: AuditAccessRow[] }> {
    const scope = scopeFor(actor, Permission.AuditReview);
    return this.dataSource.transaction(async (m) => {
      const client = await new ClientRepository(m).findVisibleById(scope, clientId);
      if (!client) throw notFound('CLIENT.NOT_FOUND', 'Brukaren finns inte eller du saknar behörighet.', 'The client does not exist or you do not have access.');
      const items = await new LogReviewRepository(m).listClientAccesses(scope, client.id, { from: q.from ?? null, to: q.to ?? null, limit: q.limit ?? 500 });
      await recordAudit(m, { scope, requestId }, [
        { action: AuditAction.List, resource: 'audit_log.client_accesses', purpose: AuditPurpose.LogReview, clientId: client.id, clientPseudonym: client.pseudonym, orgUnitId: client.homeUnitId },
      ]);
      return { client: { id: client.id, pseudonym: client.pseudonym }, items };
    });
  }

  async listFlags(actor: Actor, requestId: string, q: FlagsQuery): Promise<{ items: AccessFlagRow[] }> {
    const scope = scopeFor(actor, Permission.AuditReview);
    return this.dataSource.transaction(async (m) => {
      const unit = q.unitId ? await new OrgUnitRepository(m).findInScope(scope, q.unitId) : null;
      if (q.unitId && !unit) throw unitNotFound();
      const items = await new LogReviewRepository(m).listFlags(scope, { unitPath: unit?.path ?? null, from: q.from ?? null, to: q.to ?? null, limit: q.limit ?? 500 });
      await recordAudit(m, { scope, requestId }, [{ action: AuditAction.List, resource: 'access_flag', purpose: AuditPurpose.LogReview, orgUnitId: unit?.id ?? null }]);
      return { items };
    });
  }

  async listAccessRights(actor: Actor, requestId: string, q: AccessRightsQuery): Promise<{ unit: { id: string; name: string }; items: AccessRightRow[] }> {
    const scope = scopeFor(actor, Permission.AuditReview);
    return this.dataSource.transaction(async (m) => {
      const unit = await new OrgUnitRepository(m).findInScope(scope, q.unitId);
      if (!unit) throw unitNotFound();
      const items = await new AccessRightsRepository(m).listForUnit(scope, unit);
      await recordAudit(m, { scope, requestId }, [{ action: AuditAction.List, resource: `access_rights:${unit.id}`, purpose: AuditPurpose.LogReview, orgUnitId: unit.id }]);
      return { unit: { id: unit.id, name: unit.name }, items };
    });
  }
}
