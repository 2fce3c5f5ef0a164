import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
// Type-only and erased at runtime. Relative because libs/instruments has no index (#instruments) yet.
import type { InstrumentDefinition } from '../../../instruments/src/definition.types.js';
import { NOW } from './columns.js';

/** One version of an instrument's definition; immutable (a trigger) once a response uses it. */
@Entity({ name: 'instrument_version' })
export class InstrumentVersionEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'instrument_id', type: 'uuid' })
  instrumentId: string;

  @Column({ name: 'version', type: 'integer' })
  version: number;

  /** Stored as validated on import; validate again on load (validateDefinition) before trusting it. */
  @Column({ name: 'definition', type: 'jsonb' })
  definition: InstrumentDefinition;

  @Column({ name: 'definition_hash', type: 'text' })
  definitionHash: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;
}
