import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { EvidenceStatus } from '#domain';
import { EMPTY_JSONB, NOW } from './columns.js';

/** The hand-written description of each element of the 11-element model, keyed by element. */
export type ElementDescriptions = { [element: string]: string };

@Entity({ name: 'method' })
export class MethodEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'code', type: 'text' })
  code: string;

  @Column({ name: 'name', type: 'text' })
  name: string;

  @Column({ name: 'description', type: 'text', default: '' })
  description: string;

  @Column({ name: 'evidence_status', type: 'text', default: EvidenceStatus.NotAssessed })
  evidenceStatus: EvidenceStatus;

  @Column({ name: 'element_descriptions', type: 'jsonb', default: EMPTY_JSONB })
  elementDescriptions: ElementDescriptions;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;
}
