import { Column, Entity, PrimaryColumn } from 'typeorm';
import { NOW, numericTransformer } from './columns.js';

/** Level-1 aggregate (derived): one episode's goals, GAS T-score and whether it has a baseline and a pair. */
@Entity({ name: 'aggregate_client_episode' })
export class AggregateClientEpisodeEntity {
  @PrimaryColumn({ name: 'episode_id', type: 'uuid' })
  episodeId: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId: string;

  @Column({ name: 'org_unit_id', type: 'uuid' })
  orgUnitId: string;

  @Column({ name: 'method_id', type: 'uuid' })
  methodId: string;

  @Column({ name: 'sex', type: 'text' })
  sex: string;

  @Column({ name: 'age_band', type: 'text' })
  ageBand: string;

  @Column({ name: 'start_date', type: 'date' })
  startDate: string;

  @Column({ name: 'close_date', type: 'date', nullable: true })
  closeDate: string | null;

  @Column({ name: 'n_goals', type: 'integer' })
  nGoals: number;

  @Column({ name: 'n_goals_measurable', type: 'integer' })
  nGoalsMeasurable: number;

  @Column({ name: 'n_goals_assessed', type: 'integer' })
  nGoalsAssessed: number;

  @Column({ name: 'n_goals_attained', type: 'integer' })
  nGoalsAttained: number;

  @Column({ name: 'gas_t', type: 'numeric', nullable: true, transformer: numericTransformer })
  gasT: number | null;

  @Column({ name: 'goals_assessed_on', type: 'date', nullable: true })
  goalsAssessedOn: string | null;

  @Column({ name: 'has_baseline', type: 'boolean' })
  hasBaseline: boolean;

  @Column({ name: 'has_pair', type: 'boolean' })
  hasPair: boolean;

  @Column({ name: 'computed_at', type: 'timestamptz', default: NOW })
  computedAt: Date;
}
