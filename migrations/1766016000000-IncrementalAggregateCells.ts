import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Incremental aggregation (docs/aggregation.md, "Cells"): every client's contribution is recomputed from source rows
 * and applied to stored cells as the exact difference between its new and its previous level-1 rows, so that a write
 * costs the work of one client instead of a whole scope. Level-1 episode rows therefore also keep the inputs the
 * cells need (every valid score, every counted occasion, client-experience answers, group memberships) as arrays.
 * All of it stays derived: `npm run aggregates:rebuild` recreates it and `aggregates:check` compares it.
 */
export class IncrementalAggregateCells1766016000000 implements MigrationInterface {
  name = 'IncrementalAggregateCells1766016000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE aggregate_client_episode
        -- Group memberships: group, joined on, left on (null while a member); an episode counts in a group only for
        -- what happened while it was a member.
        ADD COLUMN group_ids uuid[] NOT NULL DEFAULT '{}',
        ADD COLUMN group_from date[] NOT NULL DEFAULT '{}',
        ADD COLUMN group_to date[] NOT NULL DEFAULT '{}',
        -- Every valid current score with a rule: <instrument>/<scale>, occasion label, date, score, band index, caseness.
        ADD COLUMN sc_subject text[] NOT NULL DEFAULT '{}',
        ADD COLUMN sc_occ text[] NOT NULL DEFAULT '{}',
        ADD COLUMN sc_on date[] NOT NULL DEFAULT '{}',
        ADD COLUMN sc_score numeric[] NOT NULL DEFAULT '{}',
        ADD COLUMN sc_band integer[] NOT NULL DEFAULT '{}',
        ADD COLUMN sc_case boolean[] NOT NULL DEFAULT '{}',
        -- Every scheduled occasion that counts for completeness (not extra, not cancelled): due date, on time, done.
        ADD COLUMN oc_due date[] NOT NULL DEFAULT '{}',
        ADD COLUMN oc_on_time boolean[] NOT NULL DEFAULT '{}',
        ADD COLUMN oc_done boolean[] NOT NULL DEFAULT '{}',
        -- Answers of client-experience instruments: <instrument>/<item>, the answer, the date.
        ADD COLUMN an_subject text[] NOT NULL DEFAULT '{}',
        ADD COLUMN an_answer text[] NOT NULL DEFAULT '{}',
        ADD COLUMN an_on date[] NOT NULL DEFAULT '{}';

      -- Cells: additive sums per leaf org unit, method, group (the zero uuid: no group), figure, subject, sub-key
      -- (band or answer), half-year / year / R12 period, sex and age band. c1..c16 are the figure's statistics in the
      -- order of group-level.ts. A scope's figures are sums of its cells.
      CREATE TABLE aggregate_cell (
        municipality_id uuid NOT NULL,
        org_unit_id uuid NOT NULL,
        method_id uuid NOT NULL,
        group_id uuid NOT NULL,
        figure text NOT NULL CHECK (figure IN ('outcome', 'occasion', 'episodes', 'answers')),
        subject text NOT NULL,
        sub text NOT NULL,
        period_key text NOT NULL,
        sex text NOT NULL,
        age_band text NOT NULL,
        c1 numeric NOT NULL, c2 numeric NOT NULL, c3 numeric NOT NULL, c4 numeric NOT NULL,
        c5 numeric NOT NULL, c6 numeric NOT NULL, c7 numeric NOT NULL, c8 numeric NOT NULL,
        c9 numeric NOT NULL, c10 numeric NOT NULL, c11 numeric NOT NULL, c12 numeric NOT NULL,
        c13 numeric NOT NULL, c14 numeric NOT NULL, c15 numeric NOT NULL, c16 numeric NOT NULL,
        PRIMARY KEY (municipality_id, org_unit_id, method_id, group_id, figure, subject, sub, period_key, sex, age_band)
      );
      CREATE INDEX aggregate_cell_unit_idx ON aggregate_cell (org_unit_id);
      CREATE INDEX aggregate_cell_method_idx ON aggregate_cell (method_id);
      CREATE INDEX aggregate_cell_group_idx ON aggregate_cell (group_id) WHERE group_id <> '00000000-0000-0000-0000-000000000000';

      -- The reference date (R12 and "due so far") the stored cells were computed with; moved by the nightly rebuild.
      CREATE TABLE aggregate_reference (
        municipality_id uuid PRIMARY KEY REFERENCES municipality(id),
        reference_date date NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      -- Figure rows a client batch changed the cells of, per scope: the figure batches recompute just these. seq is the
      -- client batch's number, so a batch that consumed a row deletes it only if no later batch touched it since.
      CREATE TABLE aggregate_dirty (
        municipality_id uuid NOT NULL,
        scope_key text NOT NULL,
        figure text NOT NULL,
        subject text NOT NULL,
        period_key text NOT NULL,
        seq bigint NOT NULL,
        PRIMARY KEY (scope_key, figure, subject, period_key)
      );
      CREATE INDEX aggregate_dirty_municipality_idx ON aggregate_dirty (municipality_id);

      -- Batch scopes: one per municipality and tier (pending clients; pending small and large figure scopes).
      ALTER TABLE aggregate_scope_state DROP CONSTRAINT aggregate_scope_state_scope_key_check;
      ALTER TABLE aggregate_scope_state ADD CONSTRAINT aggregate_scope_state_scope_key_check
        CHECK (scope_key ~ '^(client|unit|method|group|municipality|instrument|clientbatch|smallbatch|largebatch):[0-9a-f-]{36}$');
      CREATE INDEX aggregate_scope_state_pending_municipality_idx ON aggregate_scope_state (municipality_id, requested_at)
        WHERE requested_seq > computed_seq;
    `);
    // Existing level-1 rows lack the arrays and no cells exist yet: the worker rebuilds every municipality without an
    // aggregate_reference row when it starts (OutboxRelayService), which fills both.
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM aggregate_scope_state WHERE scope_key ~ '^(clientbatch|smallbatch|largebatch):';
      DROP INDEX IF EXISTS aggregate_scope_state_pending_municipality_idx;
      ALTER TABLE aggregate_scope_state DROP CONSTRAINT aggregate_scope_state_scope_key_check;
      ALTER TABLE aggregate_scope_state ADD CONSTRAINT aggregate_scope_state_scope_key_check
        CHECK (scope_key ~ '^(client|unit|method|group|municipality|instrument):[0-9a-f-]{36}$');
      DROP TABLE IF EXISTS aggregate_dirty, aggregate_reference, aggregate_cell;
      ALTER TABLE aggregate_client_episode
        DROP COLUMN group_ids, DROP COLUMN group_from, DROP COLUMN group_to, DROP COLUMN sc_subject, DROP COLUMN sc_occ, DROP COLUMN sc_on, DROP COLUMN sc_score,
        DROP COLUMN sc_band, DROP COLUMN sc_case, DROP COLUMN oc_due, DROP COLUMN oc_on_time, DROP COLUMN oc_done,
        DROP COLUMN an_subject, DROP COLUMN an_answer, DROP COLUMN an_on;
    `);
  }
}
