import { type EntityManager, type EntitySubscriberInterface, EventSubscriber, type QueryRunner, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
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

/** Rows waiting for their transaction's commit, per transaction (query runner). */
const pending = new WeakMap<QueryRunner, unknown[][]>();

/**
 * Records audit events in the caller's transaction, so an access and its log row commit or roll
 * back together. Inside a transaction the rows are written just before COMMIT (by
 * AuditFlushSubscriber): the chain trigger holds a global lock from the audit INSERT to COMMIT, so
 * writing it last keeps that window to the INSERT and the commit itself. Outside a transaction the
 * rows are written at once. Hashing and chaining happen in the database trigger.
 */
export async function recordAudit(manager: EntityManager, ctx: AuditContext, records: AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  const rows = records.map((r) => [
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
  ]);
  const runner = manager.queryRunner;
  if (runner?.isTransactionActive) {
    pending.set(runner, [...(pending.get(runner) ?? []), ...rows]);
    return;
  }
  await insertAuditRows(manager, rows);
}

async function insertAuditRows(manager: EntityManager, rows: unknown[][]): Promise<void> {
  // 10 parameters a row; chunked far below PostgreSQL's 65,535 bind parameters.
  for (let start = 0; start < rows.length; start += 5000) {
    const chunk = rows.slice(start, start + 5000);
    const values = chunk.flat();
    const tuples = chunk.map((_, i) => `(${Array.from({ length: 10 }, (_, j) => `$${i * 10 + j + 1}`).join(', ')})`);
    await manager.query(
      `INSERT INTO audit_event (municipality_id, actor_user_id, actor_role, org_unit_id, client_id, client_pseudonym,
         action, resource, purpose, request_id) VALUES ${tuples.join(', ')}`,
      values,
    );
  }
}

/**
 * Writes a transaction's buffered audit rows as its last statement before COMMIT, and drops them
 * on ROLLBACK. Registered on the one DataSource (libs/persistence).
 */
@EventSubscriber()
export class AuditFlushSubscriber implements EntitySubscriberInterface {
  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const runner = event.queryRunner;
    // Savepoint releases (nested transactions) also broadcast this; flush only at the outermost commit.
    if ((runner as unknown as { transactionDepth?: number }).transactionDepth !== 1) return;
    const rows = pending.get(runner);
    if (!rows) return;
    pending.delete(runner);
    await insertAuditRows(event.manager, rows);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if ((event.queryRunner as unknown as { transactionDepth?: number }).transactionDepth === 0) pending.delete(event.queryRunner);
  }
}
