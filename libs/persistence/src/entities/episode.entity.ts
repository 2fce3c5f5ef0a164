import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { EpisodeCloseReason } from '#domain';
import { NOW } from './columns.js';

/** One client receiving one method in one unit, from a start date to a close date. */
@Entity({ name: 'episode' })
export class EpisodeEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId: string;

  @Column({ name: 'method_id', type: 'uuid' })
  methodId: string;

  @Column({ name: 'org_unit_id', type: 'uuid' })
  orgUnitId: string;

  @Column({ name: 'plan_id', type: 'uuid' })
  planId: string;

  @Column({ name: 'caseworker_user_id', type: 'uuid' })
  caseworkerUserId: string;

  /** ISO date 'YYYY-MM-DD'. */
  @Column({ name: 'start_date', type: 'date' })
  startDate: string;

  // close_date and close_reason are both null or both set (CHECK).
  @Column({ name: 'close_date', type: 'date', nullable: true })
  closeDate: string | null;

  @Column({ name: 'close_reason', type: 'text', nullable: true })
  closeReason: EpisodeCloseReason | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;
}
