import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { NOW } from './columns.js';

/** The tenant: every row of the other tables belongs to exactly one municipality. */
@Entity({ name: 'municipality' })
export class MunicipalityEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  /** The four-digit kommunkod. */
  @Column({ name: 'code', type: 'text' })
  code: string;

  @Column({ name: 'name', type: 'text' })
  name: string;

  @Column({ name: 'client_code_prefix', type: 'text' })
  clientCodePrefix: string;

  /** The number of the next client pseudonym (`<prefix>-<number>`). */
  @Column({ name: 'next_client_number', type: 'integer', default: 1 })
  nextClientNumber: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;
}
