import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Role } from '#domain';
import { NOW } from './columns.js';

/** A user's role in an org unit (and the subtree below it). */
@Entity({ name: 'membership' })
export class MembershipEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @PrimaryColumn({ name: 'org_unit_id', type: 'uuid' })
  orgUnitId: string;

  @PrimaryColumn({ name: 'role', type: 'text' })
  role: Role;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;
}
