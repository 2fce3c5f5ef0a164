import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { JsonDocument } from './columns.js';

/** Level-2 aggregate (derived): additive statistics of one figure per scope, period, breakdown and subject. */
@Entity({ name: 'aggregate_figure' })
export class AggregateFigureEntity {
  @PrimaryColumn({ name: 'scope_key', type: 'text' })
  scopeKey: string;

  @PrimaryColumn({ name: 'period_key', type: 'text' })
  periodKey: string;

  @PrimaryColumn({ name: 'breakdown_key', type: 'text' })
  breakdownKey: string;

  @PrimaryColumn({ name: 'figure', type: 'text' })
  figure: string;

  @PrimaryColumn({ name: 'subject', type: 'text' })
  subject: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'stats', type: 'jsonb' })
  stats: JsonDocument;

  @Column({ name: 'computed_seq', type: 'bigint' })
  computedSeq: string;

  @Column({ name: 'computed_at', type: 'timestamptz' })
  computedAt: Date;

  @Column({ name: 'source_changed_at', type: 'timestamptz', nullable: true })
  sourceChangedAt: Date | null;
}
