import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { NOW, type JsonDocument, type JsonValue } from './columns.js';

export type ImportJobState = 'queued' | 'running' | 'succeeded' | 'failed';
export type ImportJobPhase = 'parsing' | 'checking' | 'writing';
export type ImportFormat = 'csv' | 'xlsx';

/** One uploaded import file: its progress, counts and row errors (docs/import.md). */
@Entity({ name: 'import_job' })
export class ImportJobEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'org_unit_id', type: 'uuid' })
  orgUnitId: string;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @Column({ name: 'dry_run', type: 'boolean' })
  dryRun: boolean;

  @Column({ name: 'format', type: 'text' })
  format: ImportFormat;

  @Column({ name: 'file_sha256', type: 'text' })
  fileSha256: string;

  @Column({ name: 'file_size', type: 'integer' })
  fileSize: number;

  /** Kept only until the job ends. */
  @Column({ name: 'file_content', type: 'bytea', nullable: true })
  fileContent: Buffer | null;

  @Column({ name: 'state', type: 'text', default: 'queued' })
  state: ImportJobState;

  @Column({ name: 'phase', type: 'text', nullable: true })
  phase: ImportJobPhase | null;

  @Column({ name: 'rows_total', type: 'integer', default: 0 })
  rowsTotal: number;

  @Column({ name: 'rows_processed', type: 'integer', default: 0 })
  rowsProcessed: number;

  @Column({ name: 'rows_imported', type: 'integer', default: 0 })
  rowsImported: number;

  @Column({ name: 'rows_failed', type: 'integer', default: 0 })
  rowsFailed: number;

  @Column({ name: 'error_count', type: 'integer', default: 0 })
  errorCount: number;

  /** The first errors, capped; `error_count` has the total. */
  @Column({ name: 'errors', type: 'jsonb', default: () => "'[]'::jsonb" })
  errors: JsonValue;

  @Column({ name: 'result', type: 'jsonb', default: () => "'{}'::jsonb" })
  result: JsonDocument;

  @Column({ name: 'attempts', type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
