import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Respondent, ResponseMode } from '#domain';
import { NOW } from './columns.js';

/**
 * One filled-in instrument at one occasion. A correction adds a revision that supersedes the
 * previous one; only one revision per occasion and instrument is current (a partial unique index).
 */
@Entity({ name: 'response' })
export class ResponseEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'occasion_id', type: 'uuid' })
  occasionId: string;

  @Column({ name: 'episode_id', type: 'uuid' })
  episodeId: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId: string;

  @Column({ name: 'instrument_id', type: 'uuid' })
  instrumentId: string;

  @Column({ name: 'instrument_version_id', type: 'uuid' })
  instrumentVersionId: string;

  @Column({ name: 'revision', type: 'integer', default: 1 })
  revision: number;

  // Revision 1 has neither; later revisions have both (CHECKs).
  @Column({ name: 'supersedes_id', type: 'uuid', nullable: true })
  supersedesId: string | null;

  @Column({ name: 'correction_reason', type: 'text', nullable: true })
  correctionReason: string | null;

  @Column({ name: 'is_current', type: 'boolean', default: true })
  isCurrent: boolean;

  /** ISO date 'YYYY-MM-DD'. */
  @Column({ name: 'answered_on', type: 'date' })
  answeredOn: string;

  @Column({ name: 'respondent', type: 'text' })
  respondent: Respondent;

  @Column({ name: 'mode', type: 'text' })
  mode: ResponseMode;

  @Column({ name: 'recorded_by', type: 'uuid' })
  recordedBy: string;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: NOW })
  recordedAt: Date;
}
