import { Column, Entity, PrimaryColumn } from 'typeorm';
import { NOW, type JsonValue } from './columns.js';

/** A replayable result of a request sent with an Idempotency-Key, per user and key. */
@Entity({ name: 'idempotency_record' })
export class IdempotencyRecordEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @PrimaryColumn({ name: 'key', type: 'text' })
  key: string;

  @Column({ name: 'route', type: 'text' })
  route: string;

  @Column({ name: 'body_hash', type: 'text' })
  bodyHash: string;

  // status_code, response_body and completed_at stay null while the first request is in flight.
  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode: number | null;

  /** SQL NULL stands for "no body"; a JSON null body cannot be told apart from it. */
  @Column({ name: 'response_body', type: 'jsonb', nullable: true })
  responseBody: JsonValue | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}
