import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { NOW } from './columns.js';

export type InstrumentLicenceKind = 'free' | 'attribution' | 'customer_supplied';

/** An instrument; built-in ones have no municipality, a municipality's own are scoped to it. */
@Entity({ name: 'instrument' })
export class InstrumentEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  /** Null for built-in instruments. */
  @Column({ name: 'municipality_id', type: 'uuid', nullable: true })
  municipalityId: string | null;

  @Column({ name: 'code', type: 'text' })
  code: string;

  @Column({ name: 'licence_kind', type: 'text' })
  licenceKind: InstrumentLicenceKind;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;
}
