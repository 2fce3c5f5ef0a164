import { Column, Entity, PrimaryColumn } from 'typeorm';
import { NOW } from './columns.js';

/** A municipality's own client reference (as a keyed blind index only) → the pseudonymous client it was imported as. */
@Entity({ name: 'import_client_ref' })
export class ImportClientRefEntity {
  @PrimaryColumn({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @PrimaryColumn({ name: 'ref_index', type: 'text' })
  refIndex: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;
}
