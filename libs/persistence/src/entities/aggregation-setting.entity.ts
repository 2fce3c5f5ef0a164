import { Column, Entity, PrimaryColumn } from 'typeorm';
import { NOW, numericTransformer } from './columns.js';

/** Per municipality: small-number suppression k per audience and the Ja/Delvis thresholds of the evidence view. */
@Entity({ name: 'aggregation_setting' })
export class AggregationSettingEntity {
  @PrimaryColumn({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'k_politician', type: 'integer', default: 5 })
  kPolitician: number;

  @Column({ name: 'k_analyst', type: 'integer', default: 5 })
  kAnalyst: number;

  @Column({ name: 'evidence_yes', type: 'numeric', default: 0.8, transformer: numericTransformer })
  evidenceYes: number;

  @Column({ name: 'evidence_partly', type: 'numeric', default: 0.5, transformer: numericTransformer })
  evidencePartly: number;

  @Column({ name: 'updated_at', type: 'timestamptz', default: NOW })
  updatedAt: Date;
}
