import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bulk import (docs/import.md): one row per uploaded file with its progress and row errors, and the
 * mapping from a municipality's own client reference to the pseudonymous client. The reference is
 * stored only as a keyed blind index (HMAC, like personnummer): it may itself identify a person.
 */
export class CreateImportJobs1764982800000 implements MigrationInterface {
  name = 'CreateImportJobs1764982800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE import_job (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        municipality_id uuid NOT NULL REFERENCES municipality(id),
        org_unit_id uuid NOT NULL,
        created_by uuid NOT NULL,
        dry_run boolean NOT NULL,
        format text NOT NULL CHECK (format IN ('csv', 'xlsx')),
        file_sha256 text NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
        file_size integer NOT NULL CHECK (file_size >= 0),
        -- The uploaded file, kept only until the job ends (minimisation): cleared in the same statement.
        file_content bytea,
        state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
        phase text CHECK (phase IN ('parsing', 'checking', 'writing')),
        rows_total integer NOT NULL DEFAULT 0 CHECK (rows_total >= 0),
        rows_processed integer NOT NULL DEFAULT 0 CHECK (rows_processed >= 0),
        rows_imported integer NOT NULL DEFAULT 0 CHECK (rows_imported >= 0),
        rows_failed integer NOT NULL DEFAULT 0 CHECK (rows_failed >= 0),
        error_count integer NOT NULL DEFAULT 0 CHECK (error_count >= 0),
        errors jsonb NOT NULL DEFAULT '[]'::jsonb,
        result jsonb NOT NULL DEFAULT '{}'::jsonb,
        attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        FOREIGN KEY (municipality_id, org_unit_id) REFERENCES org_unit(municipality_id, id),
        FOREIGN KEY (municipality_id, created_by) REFERENCES app_user(municipality_id, id),
        CHECK ((state IN ('succeeded', 'failed')) = (finished_at IS NOT NULL)),
        CHECK (state NOT IN ('succeeded', 'failed') OR file_content IS NULL)
      );
      CREATE INDEX import_job_file_idx ON import_job (municipality_id, file_sha256);
      CREATE INDEX import_job_unit_idx ON import_job (org_unit_id, created_at);

      CREATE TABLE import_client_ref (
        municipality_id uuid NOT NULL,
        ref_index text NOT NULL,
        client_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (municipality_id, ref_index),
        -- Retention deletes clients; their reference goes with them.
        FOREIGN KEY (municipality_id, client_id) REFERENCES client(municipality_id, id) ON DELETE CASCADE
      );
      CREATE INDEX import_client_ref_client_idx ON import_client_ref (client_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS import_client_ref, import_job;`);
  }
}
