import { Column, Entity, PrimaryColumn } from 'typeorm';
import { NOW } from './columns.js';

/** The reference date (R12, "due so far") a municipality's stored cells were computed with. */
@Entity({ name: 'aggregate_reference' })
export class AggregateReferenceEntity {
  @PrimaryColumn({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'reference_date', type: 'date' })
  referenceDate: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: NOW })
  updatedAt: Date;
}
