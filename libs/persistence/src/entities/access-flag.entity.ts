import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { NOW } from './columns.js';

export type AccessFlagKind = 'outside_caseload' | 'many_clients';

/** An unusual access pattern found by the nightly job, for the unit's log reviewer. */
@Entity({ name: 'access_flag' })
export class AccessFlagEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  /** The unit the accesses were logged under (the reviewer's scope). */
  @Column({ name: 'org_unit_id', type: 'uuid' })
  orgUnitId: string;

  @Column({ name: 'kind', type: 'text' })
  kind: AccessFlagKind;

  @Column({ name: 'actor_user_id', type: 'uuid' })
  actorUserId: string;

  /** Set for 'outside_caseload' only (CHECK). */
  @Column({ name: 'client_id', type: 'uuid', nullable: true })
  clientId: string | null;

  @Column({ name: 'client_pseudonym', type: 'text', nullable: true })
  clientPseudonym: string | null;

  /** The Swedish calendar day the accesses happened on. */
  @Column({ name: 'day', type: 'date' })
  day: string;

  @Column({ name: 'first_at', type: 'timestamptz' })
  firstAt: Date;

  @Column({ name: 'last_at', type: 'timestamptz' })
  lastAt: Date;

  @Column({ name: 'event_count', type: 'integer' })
  eventCount: number;

  @Column({ name: 'distinct_clients', type: 'integer' })
  distinctClients: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;
}
