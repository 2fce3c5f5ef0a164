import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { NOW } from './columns.js';

/** One generated version of a result report: the HTML and the PDF, with their SHA-256. Never updated. */
@Entity({ name: 'result_report' })
export class ResultReportEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'definition_id', type: 'uuid' })
  definitionId: string;

  /** `YYYY-H1`, `YYYY-H2` or `YYYY`. */
  @Column({ name: 'period_key', type: 'text' })
  periodKey: string;

  @Column({ name: 'period_end', type: 'date' })
  periodEnd: string;

  @Column({ name: 'version', type: 'integer' })
  version: number;

  @Column({ name: 'audience', type: 'text' })
  audience: 'politicians' | 'management';

  @Column({ name: 'scope_kind', type: 'text' })
  scopeKind: 'municipality' | 'administration' | 'unit' | 'method';

  @Column({ name: 'scope_id', type: 'uuid' })
  scopeId: string;

  @Column({ name: 'language', type: 'text' })
  language: 'sv' | 'en';

  @Column({ name: 'html', type: 'bytea' })
  html: Buffer;

  @Column({ name: 'html_sha256', type: 'text' })
  htmlSha256: string;

  @Column({ name: 'pdf', type: 'bytea' })
  pdf: Buffer;

  @Column({ name: 'pdf_sha256', type: 'text' })
  pdfSha256: string;

  /** The newest source change the figures include. */
  @Column({ name: 'data_as_of', type: 'timestamptz', nullable: true })
  dataAsOf: Date | null;

  @Column({ name: 'trigger', type: 'text' })
  trigger: 'schedule' | 'manual';

  @Column({ name: 'requested_by', type: 'uuid', nullable: true })
  requestedBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;
}
