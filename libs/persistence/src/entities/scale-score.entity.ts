import { Column, Entity, PrimaryColumn } from 'typeorm';
import { numericTransformer } from './columns.js';

/** A response's computed score on one scale. */
@Entity({ name: 'scale_score' })
export class ScaleScoreEntity {
  @PrimaryColumn({ name: 'response_id', type: 'uuid' })
  responseId: string;

  @PrimaryColumn({ name: 'scale_id', type: 'text' })
  scaleId: string;

  /** Null exactly when the score is invalid (CHECK valid = (raw IS NOT NULL)). */
  @Column({ name: 'raw', type: 'numeric', nullable: true, transformer: numericTransformer })
  raw: number | null;

  @Column({ name: 'valid', type: 'boolean' })
  valid: boolean;

  @Column({ name: 'invalid_reason', type: 'text', nullable: true })
  invalidReason: string | null;

  @Column({ name: 'band', type: 'text', nullable: true })
  band: string | null;

  @Column({ name: 'is_case', type: 'boolean', nullable: true })
  isCase: boolean | null;

  @Column({ name: 'prorated', type: 'boolean', default: false })
  prorated: boolean;
}
