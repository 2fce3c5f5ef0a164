import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { NOW } from './columns.js';

/** One unit's monthly random-sample review of its audit events; drawn reproducibly, signed off by the reviewer. */
@Entity({ name: 'log_review_sample' })
export class LogReviewSampleEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'org_unit_id', type: 'uuid' })
  orgUnitId: string;

  /** First day of the reviewed month, 'YYYY-MM-01'. */
  @Column({ name: 'month', type: 'date' })
  month: string;

  /** `<unit id>:<YYYY-MM>`: with population_max_event_id it reproduces the draw. */
  @Column({ name: 'seed', type: 'text' })
  seed: string;

  @Column({ name: 'sample_size', type: 'integer' })
  sampleSize: number;

  @Column({ name: 'population', type: 'integer' })
  population: number;

  /** The draw considered events up to this id (pg returns int8 as a string). */
  @Column({ name: 'population_max_event_id', type: 'bigint' })
  populationMaxEventId: string;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;

  @Column({ name: 'signed_off_by', type: 'uuid', nullable: true })
  signedOffBy: string | null;

  @Column({ name: 'signed_off_at', type: 'timestamptz', nullable: true })
  signedOffAt: Date | null;

  @Column({ name: 'sign_off_comment', type: 'text', nullable: true })
  signOffComment: string | null;
}
