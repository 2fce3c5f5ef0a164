import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { NOW } from './columns.js';

/** A method's measurement plan: the interval and the on-time windows (instruments in measurement_plan_instrument). */
@Entity({ name: 'measurement_plan' })
export class MeasurementPlanEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'method_id', type: 'uuid' })
  methodId: string;

  @Column({ name: 'version', type: 'integer', default: 1 })
  version: number;

  @Column({ name: 'interval_months', type: 'integer', default: 6 })
  intervalMonths: number;

  @Column({ name: 'max_follow_ups', type: 'integer', default: 4 })
  maxFollowUps: number;

  @Column({ name: 'start_window_before_days', type: 'integer', default: 14 })
  startWindowBeforeDays: number;

  @Column({ name: 'start_window_after_days', type: 'integer', default: 30 })
  startWindowAfterDays: number;

  @Column({ name: 'follow_up_window_days', type: 'integer', default: 30 })
  followUpWindowDays: number;

  @Column({ name: 'close_window_before_days', type: 'integer', default: 30 })
  closeWindowBeforeDays: number;

  @Column({ name: 'close_window_after_days', type: 'integer', default: 14 })
  closeWindowAfterDays: number;

  @Column({ name: 'requires_adjustment_decision', type: 'boolean', default: true })
  requiresAdjustmentDecision: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;
}
