import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Municipal sign-in (OpenID Connect, rate limits) and log review (issue 8):
 * - app_user gets its IdP link (issuer + subject) and last sign-in; sessions record how they began,
 *   so switching local accounts off also ends local sessions.
 * - oidc_login: one short-lived row per started sign-in (state, nonce, PKCE verifier, browser binding).
 * - sign_in_throttle: fixed-window counters per IP and per username, shared by every API replica.
 * - log_review_sample(+_item): the monthly random-sample review per unit, with verdicts and sign-off.
 * - access_flag: unusual accesses found by the nightly job.
 * - audit_event indexes for "events of a unit in a month" and time-range scans.
 */
export class CreateSignInAndLogReviewTables1765324800000 implements MigrationInterface {
  name = 'CreateSignInAndLogReviewTables1765324800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE app_user ADD COLUMN last_sign_in_at timestamptz;
      ALTER TABLE app_user ADD COLUMN oidc_issuer text;
      ALTER TABLE app_user ADD COLUMN oidc_subject text;
      ALTER TABLE app_user ADD CONSTRAINT app_user_oidc_link_ck CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL));
      CREATE UNIQUE INDEX app_user_oidc_subject_uq ON app_user (oidc_issuer, oidc_subject) WHERE oidc_subject IS NOT NULL;

      ALTER TABLE session ADD COLUMN auth_method text NOT NULL DEFAULT 'local' CHECK (auth_method IN ('local', 'oidc'));

      CREATE TABLE oidc_login (
        state_hash bytea PRIMARY KEY,
        binding_hash bytea NOT NULL,
        nonce text NOT NULL,
        code_verifier text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz
      );
      CREATE INDEX oidc_login_expires_idx ON oidc_login (expires_at);

      CREATE TABLE sign_in_throttle (
        key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
        window_start timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        PRIMARY KEY (key, window_start)
      );
      CREATE INDEX sign_in_throttle_window_idx ON sign_in_throttle (window_start);

      CREATE TABLE log_review_sample (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        municipality_id uuid NOT NULL,
        org_unit_id uuid NOT NULL,
        month date NOT NULL CHECK (extract(day FROM month) = 1),
        seed text NOT NULL,
        sample_size integer NOT NULL CHECK (sample_size > 0),
        population integer NOT NULL CHECK (population >= 0),
        population_max_event_id bigint NOT NULL,
        created_by uuid NOT NULL REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        signed_off_by uuid REFERENCES app_user(id),
        signed_off_at timestamptz,
        sign_off_comment text CHECK (length(sign_off_comment) <= 2000),
        UNIQUE (municipality_id, org_unit_id, month),
        FOREIGN KEY (municipality_id, org_unit_id) REFERENCES org_unit(municipality_id, id),
        CHECK ((signed_off_by IS NULL) = (signed_off_at IS NULL))
      );

      CREATE TABLE log_review_sample_item (
        sample_id uuid NOT NULL REFERENCES log_review_sample(id) ON DELETE CASCADE,
        audit_event_id bigint NOT NULL,
        position integer NOT NULL CHECK (position > 0),
        verdict text CHECK (verdict IN ('ok', 'needs_follow_up')),
        comment text CHECK (length(comment) <= 2000),
        reviewed_by uuid REFERENCES app_user(id),
        reviewed_at timestamptz,
        PRIMARY KEY (sample_id, audit_event_id),
        UNIQUE (sample_id, position),
        CHECK ((verdict IS NULL) = (reviewed_at IS NULL))
      );

      CREATE TABLE access_flag (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        municipality_id uuid NOT NULL,
        org_unit_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('outside_caseload', 'many_clients')),
        actor_user_id uuid NOT NULL,
        client_id uuid,
        client_pseudonym text,
        day date NOT NULL,
        first_at timestamptz NOT NULL,
        last_at timestamptz NOT NULL,
        event_count integer NOT NULL CHECK (event_count > 0),
        distinct_clients integer NOT NULL CHECK (distinct_clients > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (municipality_id, org_unit_id) REFERENCES org_unit(municipality_id, id),
        CHECK ((kind = 'outside_caseload') = (client_id IS NOT NULL))
      );
      -- One flag per kind, person, day, unit (and client): the nightly job may run twice.
      CREATE UNIQUE INDEX access_flag_once_uq ON access_flag
        (kind, actor_user_id, day, org_unit_id, coalesce(client_id, '00000000-0000-0000-0000-000000000000'::uuid));
      CREATE INDEX access_flag_unit_day_idx ON access_flag (org_unit_id, day);

      -- A unit's events in a month (sample draw); BRIN for time-range scans of the append-only log (nightly flags).
      CREATE INDEX audit_event_unit_time_idx ON audit_event (org_unit_id, occurred_at);
      CREATE INDEX audit_event_occurred_brin ON audit_event USING brin (occurred_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX IF EXISTS audit_event_occurred_brin;
      DROP INDEX IF EXISTS audit_event_unit_time_idx;
      DROP TABLE IF EXISTS access_flag, log_review_sample_item, log_review_sample, sign_in_throttle, oidc_login;
      ALTER TABLE session DROP COLUMN IF EXISTS auth_method;
      DROP INDEX IF EXISTS app_user_oidc_subject_uq;
      ALTER TABLE app_user DROP CONSTRAINT IF EXISTS app_user_oidc_link_ck;
      ALTER TABLE app_user DROP COLUMN IF EXISTS oidc_subject;
      ALTER TABLE app_user DROP COLUMN IF EXISTS oidc_issuer;
      ALTER TABLE app_user DROP COLUMN IF EXISTS last_sign_in_at;
    `);
  }
}
