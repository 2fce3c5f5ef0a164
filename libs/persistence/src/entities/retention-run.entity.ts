import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { EMPTY_JSONB, NOW } from './columns.js';

export type RetentionRunState = 'running' | 'succeeded' | 'failed' | 'abandoned';

/** The rule a run applied (docs/retention.md). */
export interface RetentionRule {
  years: number;
  keepBirthDays: number[];
}

/** One municipality's part of one retention (gallring) run, with its reconciliation. Counts only, no client ids. */
@Entity({ name: 'retention_run' })
export class RetentionRunEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'trigger', type: 'text' })
  trigger: 'schedule' | 'manual';

  /** The Swedish calendar day the run applied the rule for. */
  @Column({ name: 'reference_date', type: 'date' })
  referenceDate: string;

  /** Clients whose last entry is before this day are due (1 January of reference year − years). */
  @Column({ name: 'cutoff_date', type: 'date' })
  cutoffDate: string;

  @Column({ name: 'rule', type: 'jsonb' })
  rule: RetentionRule;

  @Column({ name: 'state', type: 'text', default: 'running' })
  state: RetentionRunState;

  /** Clients due at the start of the run. */
  @Column({ name: 'expected', type: 'integer' })
  expected: number;

  @Column({ name: 'deleted', type: 'integer', default: 0 })
  deleted: number;

  @Column({ name: 'kept', type: 'integer', default: 0 })
  kept: number;

  /** Exception → number of due clients it kept. */
  @Column({ name: 'kept_by_reason', type: 'jsonb', default: EMPTY_JSONB })
  keptByReason: { [reason: string]: number };

  /** Due at the start, but no longer due when its batch ran (a new entry meanwhile). */
  @Column({ name: 'skipped', type: 'integer', default: 0 })
  skipped: number;

  /** Last entry before the cutoff but an episode still open: not due; listed for follow-up. */
  @Column({ name: 'held_by_open_episode', type: 'integer', default: 0 })
  heldByOpenEpisode: number;

  /** Table → rows deleted. */
  @Column({ name: 'deleted_rows', type: 'jsonb', default: EMPTY_JSONB })
  deletedRows: { [table: string]: number };

  /** expected − deleted − kept, set when the run ends. */
  @Column({ name: 'difference', type: 'integer', nullable: true })
  difference: number | null;

  /** Due and not excepted clients still present after the run (0 after a complete run). */
  @Column({ name: 'remaining_due', type: 'integer', nullable: true })
  remainingDue: number | null;

  @Column({ name: 'error', type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'started_at', type: 'timestamptz', default: NOW })
  startedAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
