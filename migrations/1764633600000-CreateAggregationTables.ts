import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The aggregation engine's tables (docs/aggregation.md). Every aggregate_* table except the scope state and
 * the hand-written evidence is derived: `npm run aggregates:rebuild` recreates it from the source rows.
 * Also adds the indexes the set-based recomputes read through.
 */
export class CreateAggregationTables1764633600000 implements MigrationInterface {
  name = 'CreateAggregationTables1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- Never reused, even after a rollback: a request number names one recompute request for good.
      CREATE SEQUENCE aggregate_request_seq;

      -- Per scope: how far recomputes were requested and how far they are done (requested > computed = pending).
      CREATE TABLE aggregate_scope_state (
        scope_key text PRIMARY KEY CHECK (scope_key ~ '^(client|unit|method|group|municipality|instrument):[0-9a-f-]{36}$'),
        municipality_id uuid NOT NULL REFERENCES municipality(id),
        requested_seq bigint NOT NULL DEFAULT 0,
        computed_seq bigint NOT NULL DEFAULT 0,
        requested_at timestamptz NOT NULL DEFAULT now(),
        computed_at timestamptz,
        -- Newest source change (outbox created_at) requested / included in the stored aggregates.
        requested_source_at timestamptz,
        computed_source_at timestamptz
      );
      CREATE INDEX aggregate_scope_state_pending_idx ON aggregate_scope_state (requested_at) WHERE requested_seq > computed_seq;
      CREATE INDEX aggregate_scope_state_municipality_idx ON aggregate_scope_state (municipality_id);

      -- Level 1: one row per episode and outcome scale (the client's baseline, latest, change and categories).
      CREATE TABLE aggregate_client_scale (
        -- No foreign keys on derived rows: a recompute deletes and rewrites them, and per-row checks would double a rebuild.
        episode_id uuid NOT NULL,
        instrument_id uuid NOT NULL,
        scale_id text NOT NULL,
        municipality_id uuid NOT NULL,
        client_id uuid NOT NULL,
        org_unit_id uuid NOT NULL,
        method_id uuid NOT NULL,
        sex text NOT NULL,
        age_band text NOT NULL,
        rules_version_id uuid NOT NULL,
        direction text NOT NULL,
        baseline numeric,
        baseline_on date,
        baseline_band integer,
        latest numeric,
        latest_on date,
        latest_kind text,
        change numeric,
        rci numeric,
        category text CHECK (category IN ('reliably_improved', 'no_reliable_change', 'reliably_deteriorated')),
        case_at_baseline boolean,
        case_at_latest boolean,
        recovered boolean,
        reliably_recovered boolean,
        anchor_on date NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (episode_id, instrument_id, scale_id)
      );
      -- Only the indexes reads use (by episode through the key, by client): every index slows a rebuild's insert.
      CREATE INDEX aggregate_client_scale_client_idx ON aggregate_client_scale (client_id);

      -- Level 1: one row per episode (goals, GAS T, whether it has a baseline and a pair).
      CREATE TABLE aggregate_client_episode (
        episode_id uuid PRIMARY KEY,
        municipality_id uuid NOT NULL,
        client_id uuid NOT NULL,
        org_unit_id uuid NOT NULL,
        method_id uuid NOT NULL,
        sex text NOT NULL,
        age_band text NOT NULL,
        start_date date NOT NULL,
        close_date date,
        n_goals integer NOT NULL,
        n_goals_measurable integer NOT NULL,
        n_goals_assessed integer NOT NULL,
        n_goals_attained integer NOT NULL,
        gas_t numeric,
        goals_assessed_on date,
        has_baseline boolean NOT NULL,
        has_pair boolean NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX aggregate_client_episode_client_idx ON aggregate_client_episode (client_id);
      CREATE INDEX aggregate_client_episode_unit_idx ON aggregate_client_episode (org_unit_id);
      CREATE INDEX aggregate_client_episode_method_idx ON aggregate_client_episode (method_id);
      CREATE INDEX aggregate_client_episode_municipality_idx ON aggregate_client_episode (municipality_id);

      -- Level 2: additive sufficient statistics per scope, period, breakdown, figure and subject.
      CREATE TABLE aggregate_figure (
        scope_key text NOT NULL,
        period_key text NOT NULL,
        breakdown_key text NOT NULL,
        figure text NOT NULL CHECK (figure IN ('outcome', 'occasion', 'episodes', 'answers')),
        subject text NOT NULL,
        municipality_id uuid NOT NULL,
        stats jsonb NOT NULL,
        computed_seq bigint NOT NULL,
        computed_at timestamptz NOT NULL,
        source_changed_at timestamptz,
        PRIMARY KEY (scope_key, period_key, breakdown_key, figure, subject)
      );
      CREATE INDEX aggregate_figure_municipality_idx ON aggregate_figure (municipality_id);

      -- Element 10/11 questions that data cannot answer: answered by hand, per method (org_unit_id null) or method and unit.
      CREATE TABLE evidence_answer (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        municipality_id uuid NOT NULL REFERENCES municipality(id),
        method_id uuid NOT NULL REFERENCES method(id),
        org_unit_id uuid REFERENCES org_unit(id),
        element smallint NOT NULL CHECK (element IN (10, 11)),
        question smallint NOT NULL CHECK (question BETWEEN 1 AND 7),
        answer text NOT NULL CHECK (answer IN ('ja', 'delvis', 'nej')),
        comment text NOT NULL DEFAULT '' CHECK (length(comment) <= 4000),
        answered_by uuid NOT NULL REFERENCES app_user(id),
        answered_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX evidence_answer_uq ON evidence_answer
        (method_id, coalesce(org_unit_id, '00000000-0000-0000-0000-000000000000'::uuid), element, question);

      -- Per municipality: suppression k per audience and the evidence thresholds.
      CREATE TABLE aggregation_setting (
        municipality_id uuid PRIMARY KEY REFERENCES municipality(id),
        k_politician integer NOT NULL DEFAULT 5 CHECK (k_politician BETWEEN 1 AND 100),
        k_analyst integer NOT NULL DEFAULT 5 CHECK (k_analyst BETWEEN 1 AND 100),
        evidence_yes numeric NOT NULL DEFAULT 0.8 CHECK (evidence_yes > 0 AND evidence_yes <= 1),
        evidence_partly numeric NOT NULL DEFAULT 0.5 CHECK (evidence_partly > 0 AND evidence_partly <= 1),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (evidence_partly <= evidence_yes)
      );

      -- Source indexes the recomputes read through.
      CREATE INDEX IF NOT EXISTS response_episode_current_idx ON response (episode_id) WHERE is_current;
      CREATE INDEX IF NOT EXISTS response_instrument_idx ON response (instrument_id);
      CREATE INDEX IF NOT EXISTS episode_municipality_idx ON episode (municipality_id);
      CREATE INDEX IF NOT EXISTS episode_method_idx ON episode (method_id);
      CREATE INDEX IF NOT EXISTS goal_episode_idx ON goal (episode_id);
      CREATE INDEX IF NOT EXISTS goal_attainment_goal_idx ON goal_attainment (goal_id);
      CREATE INDEX IF NOT EXISTS group_membership_episode_idx ON group_membership (episode_id);
      CREATE INDEX IF NOT EXISTS follow_up_note_occasion_idx ON follow_up_note (occasion_id);
      CREATE INDEX IF NOT EXISTS follow_up_note_method_idx ON follow_up_note (method_id, kind, held_on);
      CREATE INDEX IF NOT EXISTS follow_up_note_unit_idx ON follow_up_note (org_unit_id, kind, held_on);
      CREATE INDEX IF NOT EXISTS outbox_municipality_unsent_idx ON outbox (municipality_id) WHERE sent_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX IF EXISTS outbox_municipality_unsent_idx, follow_up_note_unit_idx, follow_up_note_method_idx,
        follow_up_note_occasion_idx, group_membership_episode_idx, goal_attainment_goal_idx, goal_episode_idx,
        episode_method_idx, episode_municipality_idx, response_instrument_idx, response_episode_current_idx;
      DROP TABLE IF EXISTS aggregation_setting, evidence_answer, aggregate_figure, aggregate_client_episode,
        aggregate_client_scale, aggregate_scope_state;
      DROP SEQUENCE IF EXISTS aggregate_request_seq;
    `);
  }
}
