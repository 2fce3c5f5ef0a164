import { Column, Entity, PrimaryColumn } from 'typeorm';

export type LogReviewVerdict = 'ok' | 'needs_follow_up';

/** One sampled audit event and the reviewer's verdict on it. */
@Entity({ name: 'log_review_sample_item' })
export class LogReviewSampleItemEntity {
  @PrimaryColumn({ name: 'sample_id', type: 'uuid' })
  sampleId: string;

  /** No foreign key: like the audit trail itself, references outlive nothing they point at. */
  @PrimaryColumn({ name: 'audit_event_id', type: 'bigint' })
  auditEventId: string;

  @Column({ name: 'position', type: 'integer' })
  position: number;

  @Column({ name: 'verdict', type: 'text', nullable: true })
  verdict: LogReviewVerdict | null;

  @Column({ name: 'comment', type: 'text', nullable: true })
  comment: string | null;

  @Column({ name: 'reviewed_by', type: 'uuid', nullable: true })
  reviewedBy: string | null;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;
}
