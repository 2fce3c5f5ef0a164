import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { NOW, type JsonDocument } from './columns.js';

/** Transactional outbox: written in the same transaction as the change it announces. */
@Entity({ name: 'outbox' })
export class OutboxEntity {
  /** bigserial: pg returns int8 as a string. */
  @PrimaryGeneratedColumn('increment', { name: 'id', type: 'bigint' })
  id: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'topic', type: 'text' })
  topic: string;

  @Column({ name: 'payload', type: 'jsonb' })
  payload: JsonDocument;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ name: 'attempts', type: 'integer', default: 0 })
  attempts: number;
}
