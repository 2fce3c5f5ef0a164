import type { EntityManager } from 'typeorm';
import type { AuditAction, AuditPurpose } from '#domain';
import type { UnitScope } from '#access';

export interface AuditRecord {
  action: AuditAction;
  /** What was touched, e.g. `client`, `client.identity`, `episode`. */
  resource: string;
  purpose: AuditPurpose;
  clientId?: string | null;
  clientPseudonym?: string | null;
  orgUnitId?: string | null;
}

export interface AuditContext {
  scope: UnitScope;
  requestId: string | null;
}

/**
 * Writes audit events inside the caller's transaction, so an access and its log row commit or
 * roll back together. Hashing and chaining happen in the database trigger.
 */
export async function recordAudit(manager: EntityManager, ctx: AuditContext, records: AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  const values: unknown[] = [];
  const rows = records.map((r, i) => {
    const b = i * 10;
    values.push(
      ctx.scope.municipalityId,
      ctx.scope.actor.userId,
      ctx.scope.role,
      r.orgUnitId ?? null,
      r.clientId ?? null,
      r.clientPseudonym ?? null,
      r.action,
      r.resource,
      r.purpose,
      ctx.requestId,
    );
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8}, $${b + 9}, $${b + 10})`;
  });
  await manager.query(
    `INSERT INTO audit_event (municipality_id, actor_user_id, actor_role, org_unit_id, client_id, client_pseudonym,
       action, resource, purpose, request_id) VALUES ${rows.join(', ')}`,
    values,
  );
}
