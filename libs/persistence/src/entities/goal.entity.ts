import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { NOW, numericTransformer } from './columns.js';

/** The description of each Goal Attainment Scaling level, −2 … +2, keyed by the level. */
export interface GasLevels {
  '-2': string;
  '-1': string;
  '0': string;
  '1': string;
  '2': string;
}

/** A goal of the client's implementation plan, optionally tied to an instrument scale and/or a GAS scale. */
@Entity({ name: 'goal' })
export class GoalEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'episode_id', type: 'uuid' })
  episodeId: string;

  @Column({ name: 'text', type: 'text' })
  text: string;

  @Column({ name: 'target_date', type: 'date', nullable: true })
  targetDate: string | null;

  // instrument_id and scale_id are both null or both set (CHECK).
  @Column({ name: 'instrument_id', type: 'uuid', nullable: true })
  instrumentId: string | null;

  @Column({ name: 'scale_id', type: 'text', nullable: true })
  scaleId: string | null;

  @Column({ name: 'target_value', type: 'numeric', nullable: true, transformer: numericTransformer })
  targetValue: number | null;

  @Column({ name: 'gas_levels', type: 'jsonb', nullable: true })
  gasLevels: GasLevels | null;

  @Column({ name: 'gas_weight', type: 'numeric', default: 1, transformer: numericTransformer })
  gasWeight: number;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;
}
