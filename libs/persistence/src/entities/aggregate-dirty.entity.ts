import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Derived work list: figure rows of a scope whose cells a client batch changed (the figure batches consume it). */
@Entity({ name: 'aggregate_dirty' })
export class AggregateDirtyEntity {
  @PrimaryColumn({ name: 'scope_key', type: 'text' })
  scopeKey: string;

  @PrimaryColumn({ name: 'figure', type: 'text' })
  figure: string;

  @PrimaryColumn({ name: 'subject', type: 'text' })
  subject: string;

  @PrimaryColumn({ name: 'period_key', type: 'text' })
  periodKey: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'seq', type: 'bigint' })
  seq: string;
}
