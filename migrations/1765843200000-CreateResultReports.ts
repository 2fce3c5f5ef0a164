import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Result reports (issue 7, docs/reports.md): definitions (scope, audience, period kind, sections) and the generated
 * reports, one row per (definition, period, version) holding the HTML and the PDF with their SHA-256. The UNIQUE key
 * makes a double trigger produce one report; versions are never updated (a data correction makes a new version).
 * Aggregated figures only: no client ids.
 */
export class CreateResultReports1765843200000 implements MigrationInterface {
  name = 'CreateResultReports1765843200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_definition (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        municipality_id uuid NOT NULL REFERENCES municipality(id),
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        scope_kind text NOT NULL CHECK (scope_kind IN ('municipality', 'administration', 'unit', 'method')),
        scope_id uuid NOT NULL,
        audience text NOT NULL CHECK (audience IN ('politicians', 'management')),
        period_kind text NOT NULL CHECK (period_kind IN ('half_year', 'year')),
        sections jsonb NOT NULL CHECK (jsonb_typeof(sections) = 'array'),
        language text NOT NULL DEFAULT 'sv' CHECK (language IN ('sv', 'en')),
        active boolean NOT NULL DEFAULT true,
        created_by uuid NOT NULL REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (municipality_id, id)
      );
      CREATE INDEX report_definition_municipality_idx ON report_definition (municipality_id) WHERE active;

      CREATE TABLE result_report (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        municipality_id uuid NOT NULL,
        definition_id uuid NOT NULL,
        period_key text NOT NULL CHECK (period_key ~ '^[0-9]{4}(-H[12])?$'),
        period_end date NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        audience text NOT NULL CHECK (audience IN ('politicians', 'management')),
        scope_kind text NOT NULL CHECK (scope_kind IN ('municipality', 'administration', 'unit', 'method')),
        scope_id uuid NOT NULL,
        language text NOT NULL CHECK (language IN ('sv', 'en')),
        html bytea NOT NULL,
        html_sha256 text NOT NULL CHECK (html_sha256 ~ '^[0-9a-f]{64}$'),
        pdf bytea NOT NULL,
        pdf_sha256 text NOT NULL CHECK (pdf_sha256 ~ '^[0-9a-f]{64}$'),
        data_as_of timestamptz,
        trigger text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
        requested_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (definition_id, period_key, version),
        FOREIGN KEY (municipality_id, definition_id) REFERENCES report_definition (municipality_id, id)
      );
      CREATE INDEX result_report_municipality_idx ON result_report (municipality_id, period_end);

      -- A stored version is a record of what was published: it never changes.
      CREATE FUNCTION result_report_immutable() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        RAISE EXCEPTION 'result_report rows are immutable; regenerate to make a new version';
      END
      $fn$;
      CREATE TRIGGER result_report_no_update BEFORE UPDATE ON result_report FOR EACH ROW EXECUTE FUNCTION result_report_immutable();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE result_report;
      DROP FUNCTION result_report_immutable();
      DROP TABLE report_definition;
    `);
  }
}
