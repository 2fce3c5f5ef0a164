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

  // Inputs of the cells (cells.ts), parallel arrays per kind: scores, scheduled occasions, client-experience answers.
  @Column({ name: 'group_ids', type: 'uuid', array: true, default: () => "'{}'" })
  groupIds: string[];

  @Column({ name: 'group_from', type: 'date', array: true, default: () => "'{}'" })
  groupFrom: string[];

  @Column({ name: 'group_to', type: 'date', array: true, default: () => "'{}'" })
  groupTo: (string | null)[];

  @Column({ name: 'sc_subject', type: 'text', array: true, default: () => "'{}'" })
  scSubject: string[];

  @Column({ name: 'sc_occ', type: 'text', array: true, default: () => "'{}'" })
  scOcc: string[];

  @Column({ name: 'sc_on', type: 'date', array: true, default: () => "'{}'" })
  scOn: string[];

  @Column({ name: 'sc_score', type: 'numeric', array: true, default: () => "'{}'" })
  scScore: string[];

  @Column({ name: 'sc_band', type: 'integer', array: true, default: () => "'{}'" })
  scBand: (number | null)[];

  @Column({ name: 'sc_case', type: 'boolean', array: true, default: () => "'{}'" })
  scCase: (boolean | null)[];

  @Column({ name: 'oc_due', type: 'date', array: true, default: () => "'{}'" })
  ocDue: string[];

  @Column({ name: 'oc_on_time', type: 'boolean', array: true, default: () => "'{}'" })
  ocOnTime: (boolean | null)[];

  @Column({ name: 'oc_done', type: 'boolean', array: true, default: () => "'{}'" })
  ocDone: boolean[];

  @Column({ name: 'an_subject', type: 'text', array: true, default: () => "'{}'" })
  anSubject: string[];

  @Column({ name: 'an_answer', type: 'text', array: true, default: () => "'{}'" })
  anAnswer: string[];

  @Column({ name: 'an_on', type: 'date', array: true, default: () => "'{}'" })
  anOn: string[];
}
