import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { NOW } from './columns.js';

/** How far a goal was reached at one occasion. */
@Entity({ name: 'goal_attainment' })
export class GoalAttainmentEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'goal_id', type: 'uuid' })
  goalId: string;

  @Column({ name: 'occasion_id', type: 'uuid' })
  occasionId: string;

  /** GAS level −2 … +2. */
  @Column({ name: 'gas_level', type: 'smallint', nullable: true })
  gasLevel: number | null;

  @Column({ name: 'achieved', type: 'boolean', nullable: true })
  achieved: boolean | null;

  @Column({ name: 'comment', type: 'text', nullable: true })
  comment: string | null;

  @Column({ name: 'recorded_by', type: 'uuid' })
  recordedBy: string;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: NOW })
  recordedAt: Date;
}
