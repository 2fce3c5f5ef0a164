import { Column, Entity, PrimaryColumn } from 'typeorm';
import { NOW } from './columns.js';

/** Per aggregate scope: how far recomputes were requested and done; requested > computed means work is pending. */
@Entity({ name: 'aggregate_scope_state' })
export class AggregateScopeStateEntity {
  /** `<kind>:<uuid>`, kind one of client, unit, method, group, municipality, instrument. */
  @PrimaryColumn({ name: 'scope_key', type: 'text' })
  scopeKey: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  /** bigint: pg returns int8 as a string. */
  @Column({ name: 'requested_seq', type: 'bigint', default: 0 })
  requestedSeq: string;

  @Column({ name: 'computed_seq', type: 'bigint', default: 0 })
  computedSeq: string;

  @Column({ name: 'requested_at', type: 'timestamptz', default: NOW })
  requestedAt: Date;

  @Column({ name: 'computed_at', type: 'timestamptz', nullable: true })
  computedAt: Date | null;

  @Column({ name: 'requested_source_at', type: 'timestamptz', nullable: true })
  requestedSourceAt: Date | null;

  @Column({ name: 'computed_source_at', type: 'timestamptz', nullable: true })
  computedSourceAt: Date | null;
}
