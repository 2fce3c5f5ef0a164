import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { EMPTY_JSONB, NOW, type JsonDocument } from './columns.js';

export type FollowUpNoteKind =
  | 'discussed_with_client'
  | 'adjustment_decision'
  | 'staff_meeting'
  | 'method_adjusted'
  | 'partner_discussion'
  | 'method_review';

/** What was done with a measurement. Tied to an occasion, a unit and/or a method (at least one, CHECK). */
@Entity({ name: 'follow_up_note' })
export class FollowUpNoteEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'kind', type: 'text' })
  kind: FollowUpNoteKind;

  @Column({ name: 'occasion_id', type: 'uuid', nullable: true })
  occasionId: string | null;

  @Column({ name: 'org_unit_id', type: 'uuid', nullable: true })
  orgUnitId: string | null;

  @Column({ name: 'method_id', type: 'uuid', nullable: true })
  methodId: string | null;

  @Column({ name: 'text', type: 'text', default: '' })
  text: string;

  @Column({ name: 'client_comment', type: 'text', nullable: true })
  clientComment: string | null;

  /** Required for kind 'adjustment_decision' (CHECK). */
  @Column({ name: 'adjusted', type: 'boolean', nullable: true })
  adjusted: boolean | null;

  /** Kind-specific details. */
  @Column({ name: 'details', type: 'jsonb', default: EMPTY_JSONB })
  details: JsonDocument;

  /** ISO date 'YYYY-MM-DD'. */
  @Column({ name: 'held_on', type: 'date' })
  heldOn: string;

  /** The note this one corrects (notes are append-only; a correction is a new note). */
  @Column({ name: 'corrects_note_id', type: 'uuid', nullable: true })
  correctsNoteId: string | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;
}
