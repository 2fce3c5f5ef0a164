import { Column, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { OccasionKind, OccasionState } from '#domain';
import { NOW } from './columns.js';

/** A planned measurement of an episode. */
@Entity({ name: 'occasion' })
export class OccasionEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'episode_id', type: 'uuid' })
  episodeId: string;

  @Column({ name: 'kind', type: 'text' })
  kind: OccasionKind;

  @Column({ name: 'seq', type: 'integer' })
  seq: number;

  /** ISO dates 'YYYY-MM-DD'; window_start <= due_date <= window_end (CHECK). */
  @Column({ name: 'due_date', type: 'date' })
  dueDate: string;

  @Column({ name: 'window_start', type: 'date' })
  windowStart: string;

  @Column({ name: 'window_end', type: 'date' })
  windowEnd: string;

  @Column({ name: 'state', type: 'text', default: OccasionState.Planned })
  state: OccasionState;

  /** Set exactly when state is 'missed' (CHECK). */
  @Column({ name: 'missed_reason', type: 'text', nullable: true })
  missedReason: string | null;

  /** Set exactly when state is 'done' (CHECK). */
  @Column({ name: 'done_on', type: 'date', nullable: true })
  doneOn: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;

  /** Set to now() by TypeORM on every save/update through the entity; raw SQL must set it itself. */
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', default: NOW })
  updatedAt: Date;
}
