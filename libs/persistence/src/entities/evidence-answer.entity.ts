import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { NOW } from './columns.js';

/** A hand answer to an element 10/11 question that data cannot answer, per method (and optionally unit). */
@Entity({ name: 'evidence_answer' })
export class EvidenceAnswerEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'method_id', type: 'uuid' })
  methodId: string;

  @Column({ name: 'org_unit_id', type: 'uuid', nullable: true })
  orgUnitId: string | null;

  @Column({ name: 'element', type: 'smallint' })
  element: number;

  @Column({ name: 'question', type: 'smallint' })
  question: number;

  @Column({ name: 'answer', type: 'text' })
  answer: 'ja' | 'delvis' | 'nej';

  @Column({ name: 'comment', type: 'text', default: '' })
  comment: string;

  @Column({ name: 'answered_by', type: 'uuid' })
  answeredBy: string;

  @Column({ name: 'answered_at', type: 'timestamptz', default: NOW })
  answeredAt: Date;
}
