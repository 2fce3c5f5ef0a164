import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention (gallring, SoL 12 kap., docs/retention.md): one row per municipality per run of the nightly
 * job, with its rule, its reconciliation (expected = deleted + kept by exception) and per-table counts.
 * Holds counts only, never client ids.
 */
export class CreateRetentionRuns1765584000000 implements MigrationInterface {
  name = 'CreateRetentionRuns1765584000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE retention_run (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        municipality_id uuid NOT NULL REFERENCES municipality(id),
        trigger text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
        reference_date date NOT NULL,
        cutoff_date date NOT NULL,
        rule jsonb NOT NULL,
        state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'succeeded', 'failed', 'abandoned')),
        expected integer NOT NULL CHECK (expected >= 0),
        deleted integer NOT NULL DEFAULT 0 CHECK (deleted >= 0),
        kept integer NOT NULL DEFAULT 0 CHECK (kept >= 0),
        kept_by_reason jsonb NOT NULL DEFAULT '{}'::jsonb,
        skipped integer NOT NULL DEFAULT 0 CHECK (skipped >= 0),
        held_by_open_episode integer NOT NULL DEFAULT 0 CHECK (held_by_open_episode >= 0),
        deleted_rows jsonb NOT NULL DEFAULT '{}'::jsonb,
        difference integer,
        remaining_due integer,
        error text CHECK (length(error) <= 2000),
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CHECK ((state = 'running') = (finished_at IS NULL)),
        CHECK (state <> 'succeeded' OR difference IS NOT NULL)
      );
      CREATE INDEX retention_run_municipality_idx ON retention_run (municipality_id, started_at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS retention_run;
    `);
  }
}
