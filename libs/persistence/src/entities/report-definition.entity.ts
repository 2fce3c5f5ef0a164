import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { NOW } from './columns.js';

/** A result report definition (docs/reports.md): scope, audience, period kind, sections, language. */
@Entity({ name: 'report_definition' })
export class ReportDefinitionEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'name', type: 'text' })
  name: string;

  @Column({ name: 'scope_kind', type: 'text' })
  scopeKind: 'municipality' | 'administration' | 'unit' | 'method';

  /** The municipality id, an org unit id or a method id. */
  @Column({ name: 'scope_id', type: 'uuid' })
  scopeId: string;

  @Column({ name: 'audience', type: 'text' })
  audience: 'politicians' | 'management';

  @Column({ name: 'period_kind', type: 'text' })
  periodKind: 'half_year' | 'year';

  /** Section keys, in order (REPORT_SECTIONS of #reports). */
  @Column({ name: 'sections', type: 'jsonb' })
  sections: string[];

  @Column({ name: 'language', type: 'text', default: 'sv' })
  language: 'sv' | 'en';

  @Column({ name: 'active', type: 'boolean', default: true })
  active: boolean;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: NOW })
  updatedAt: Date;
}
