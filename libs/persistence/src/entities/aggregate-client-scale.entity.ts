import { Column, Entity, PrimaryColumn } from 'typeorm';
import { NOW, numericTransformer } from './columns.js';

/** Level-1 aggregate (derived): one episode's baseline, latest, change and categories on one outcome scale. */
@Entity({ name: 'aggregate_client_scale' })
export class AggregateClientScaleEntity {
  @PrimaryColumn({ name: 'episode_id', type: 'uuid' })
  episodeId: string;

  @PrimaryColumn({ name: 'instrument_id', type: 'uuid' })
  instrumentId: string;

  @PrimaryColumn({ name: 'scale_id', type: 'text' })
  scaleId: string;

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

  @Column({ name: 'rules_version_id', type: 'uuid' })
  rulesVersionId: string;

  @Column({ name: 'direction', type: 'text' })
  direction: string;

  @Column({ name: 'baseline', type: 'numeric', nullable: true, transformer: numericTransformer })
  baseline: number | null;

  @Column({ name: 'baseline_on', type: 'date', nullable: true })
  baselineOn: string | null;

  @Column({ name: 'baseline_band', type: 'integer', nullable: true })
  baselineBand: number | null;

  @Column({ name: 'latest', type: 'numeric', nullable: true, transformer: numericTransformer })
  latest: number | null;

  @Column({ name: 'latest_on', type: 'date', nullable: true })
  latestOn: string | null;

  @Column({ name: 'latest_kind', type: 'text', nullable: true })
  latestKind: string | null;

  @Column({ name: 'change', type: 'numeric', nullable: true, transformer: numericTransformer })
  change: number | null;

  @Column({ name: 'rci', type: 'numeric', nullable: true, transformer: numericTransformer })
  rci: number | null;

  @Column({ name: 'category', type: 'text', nullable: true })
  category: string | null;

  @Column({ name: 'case_at_baseline', type: 'boolean', nullable: true })
  caseAtBaseline: boolean | null;

  @Column({ name: 'case_at_latest', type: 'boolean', nullable: true })
  caseAtLatest: boolean | null;

  @Column({ name: 'recovered', type: 'boolean', nullable: true })
  recovered: boolean | null;

  @Column({ name: 'reliably_recovered', type: 'boolean', nullable: true })
  reliablyRecovered: boolean | null;

  @Column({ name: 'anchor_on', type: 'date' })
  anchorOn: string;

  @Column({ name: 'computed_at', type: 'timestamptz', default: NOW })
  computedAt: Date;
}
