import { Column, Entity, PrimaryColumn } from 'typeorm';
import { AuditAction, AuditPurpose, Role } from '#domain';
import { NOW } from './columns.js';

/**
 * An append-only, hash-chained audit row. The BEFORE INSERT trigger sets id, occurred_at,
 * prev_hash and hash whatever the insert supplies; UPDATE, DELETE and TRUNCATE raise.
 */
@Entity({ name: 'audit_event' })
export class AuditEventEntity {
  /** Drawn from audit_event_id_seq by the chain trigger; pg returns int8 as a string. */
  @PrimaryColumn({ name: 'id', type: 'bigint' })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: NOW })
  occurredAt: Date;

  // No foreign keys on purpose: the audit trail outlives the rows it mentions.
  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId: string | null;

  /** Not CHECK'ed in SQL; the application writes a Role. */
  @Column({ name: 'actor_role', type: 'text', nullable: true })
  actorRole: Role | null;

  @Column({ name: 'org_unit_id', type: 'uuid', nullable: true })
  orgUnitId: string | null;

  @Column({ name: 'client_id', type: 'uuid', nullable: true })
  clientId: string | null;

  @Column({ name: 'client_pseudonym', type: 'text', nullable: true })
  clientPseudonym: string | null;

  @Column({ name: 'action', type: 'text' })
  action: AuditAction;

  @Column({ name: 'resource', type: 'text' })
  resource: string;

  @Column({ name: 'purpose', type: 'text' })
  purpose: AuditPurpose;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  @Column({ name: 'prev_hash', type: 'bytea', nullable: true, update: false })
  prevHash: Buffer | null;

  @Column({ name: 'hash', type: 'bytea', nullable: true, update: false })
  hash: Buffer | null;
}
