import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The foundation data model of DOMAIN.md. Constraints live in the database (foreign keys,
 * uniqueness, checks), not only in code. Runs on PostgreSQL 15, 16 and 17; uses only core
 * features (gen_random_uuid and sha256 are built in since PostgreSQL 13 and 11).
 */
export class CreateFoundationSchema1764460800000 implements MigrationInterface {
  name = 'CreateFoundationSchema1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE municipality (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE CHECK (code ~ '^[0-9]{4}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        client_code_prefix text NOT NULL CHECK (client_code_prefix ~ '^[A-Z]{1,4}$'),
        next_client_number integer NOT NULL DEFAULT 1 CHECK (next_client_number > 0),
        created_at timestamptz NOT NULL DEFAULT now()
      );

      -- Materialized path ('/<id>/<id>/'): a subtree is one indexed prefix match.
      CREATE TABLE org_unit (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        municipality_id uuid NOT NULL REFERENCES municipality(id),
        parent_id uuid,
        kind text NOT NULL CHECK (kind IN ('administration', 'unit', 'team')),
        code text NOT NULL CHECK (code ~ '^[A-Za-z0-9_.-]{1,40}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        path text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (municipality_id, code),
        UNIQUE (municipality_id, id),
        FOREIGN KEY (municipality_id, parent_id) REFERENCES org_unit(municipality_id, id)
      );
      CREATE INDEX org_unit_path_idx ON org_unit (path text_pattern_ops);
      CREATE INDEX org_unit_parent_idx ON org_unit (parent_id);

      CREATE TABLE app_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        municipality_id uuid NOT NULL REFERENCES municipality(id),
        username text NOT NULL CHECK (username ~ '^[a-z0-9_.@-]{2,100}$'),
        display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
        password_hash text,
        disabled_at timestamptz,
        failed_logins integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (username),
        UNIQUE (municipality_id, id)
      );

      CREATE TABLE membership (
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        org_unit_id uuid NOT NULL REFERENCES org_unit(id),
        role text NOT NULL CHECK (role IN ('admin', 'unit_head', 'caseworker', 'analyst', 'politician')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, org_unit_id, role)
      );
      CREATE INDEX membership_unit_idx ON membership (org_unit_id);

      -- Server-side sessions: the cookie holds a random token; only its SHA-256 is stored.
      CREATE TABLE session (
        id_hash bytea PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        csrf_token text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      );
      CREATE INDEX session_user_idx ON session (user_id);

      CREATE TABLE api_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        token_hash bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        expires_at timestamptz,
        revoked_at timestamptz
      );

      CREATE TABLE method (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        municipality_id uuid NOT NULL REFERENCES municipality(id),
        code text NOT NULL CHECK (code ~ '^[A-Za-z0-9_.-]{1,40}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        description text NOT NULL DEFAULT '',
        evidence_status text NOT NULL DEFAULT 'not_assessed'
          CHECK (evidence_status IN ('method_guide', 'eleven_element_model', 'not_assessed')),
        element_descriptions jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (municipality_id, code),
        UNIQUE (municipality_id, id)
      );

      -- Instruments: built-in ones have no municipality; a municipality's own are scoped to it.
      CREATE TABLE instrument (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        municipality_id uuid REFERENCES municipality(id),
        code text NOT NULL CHECK (code ~ '^[a-z0-9_-]{1,40}$'),
        licence_kind text NOT NULL CHECK (licence_kind IN ('free', 'attribution', 'customer_supplied')),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX instrument_code_uq ON instrument (coalesce(municipality_id, '00000000-0000-0000-0000-000000000000'::uuid), code);

      CREATE TABLE instrument_version (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        instrument_id uuid NOT NULL REFERENCES instrument(id),
        version integer NOT NULL CHECK (version > 0),
        definition jsonb NOT NULL,
        definition_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (instrument_id, version),
        UNIQUE (instrument_id, id)
      );

      CREATE TABLE measurement_plan (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        method_id uuid NOT NULL REFERENCES method(id),
        version integer NOT NULL DEFAULT 1 CHECK (version > 0),
        interval_months integer NOT NULL DEFAULT 6 CHECK (interval_months BETWEEN 1 AND 36),
        max_follow_ups integer NOT NULL DEFAULT 4 CHECK (max_follow_ups BETWEEN 0 AND 40),
        start_window_before_days integer NOT NULL DEFAULT 14 CHECK (start_window_before_days >= 0),
        start_window_after_days integer NOT NULL DEFAULT 30 CHECK (start_window_after_days >= 0),
        follow_up_window_days integer NOT NULL DEFAULT 30 CHECK (follow_up_window_days >= 0),
        close_window_before_days integer NOT NULL DEFAULT 30 CHECK (close_window_before_days >= 0),
        close_window_after_days integer NOT NULL DEFAULT 14 CHECK (close_window_after_days >= 0),
        requires_adjustment_decision boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (method_id, version),
        UNIQUE (method_id, id)
      );

      CREATE TABLE measurement_plan_instrument (
        plan_id uuid NOT NULL REFERENCES measurement_plan(id) ON DELETE CASCADE,
        occasion_kind text NOT NULL CHECK (occasion_kind IN ('start', 'follow_up', 'close', 'extra')),
        instrument_id uuid NOT NULL REFERENCES instrument(id),
        PRIMARY KEY (plan_id, occasion_kind, instrument_id)
      );

      CREATE TABLE client (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        municipality_id uuid NOT NULL REFERENCES municipality(id),
        pseudonym text NOT NULL CHECK (pseudonym ~ '^[A-Z]{1,4}-[0-9]{6,}$'),
        home_unit_id uuid NOT NULL,
        identity_kind text CHECK (identity_kind IN ('personnummer', 'samordningsnummer')),
        identity_ciphertext bytea,
        identity_blind_index text,
        birth_year integer CHECK (birth_year BETWEEN 1900 AND 2100),
        sex text NOT NULL DEFAULT 'unknown' CHECK (sex IN ('female', 'male', 'other', 'unknown')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (municipality_id, pseudonym),
        UNIQUE (municipality_id, identity_blind_index),
        UNIQUE (municipality_id, id),
        FOREIGN KEY (municipality_id, home_unit_id) REFERENCES org_unit(municipality_id, id),
        CHECK ((identity_ciphertext IS NULL) = (identity_blind_index IS NULL)),
        CHECK ((identity_ciphertext IS NULL) = (identity_kind IS NULL))
      );
      CREATE INDEX client_home_unit_idx ON client (home_unit_id);

      CREATE TABLE episode (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        municipality_id uuid NOT NULL,
        client_id uuid NOT NULL,
        method_id uuid NOT NULL,
        org_unit_id uuid NOT NULL,
        plan_id uuid NOT NULL,
        caseworker_user_id uuid NOT NULL,
        start_date date NOT NULL,
        close_date date,
        close_reason text CHECK (close_reason IN ('completed_as_planned', 'ended_early_by_client', 'moved', 'other')),
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (municipality_id, client_id) REFERENCES client(municipality_id, id),
        FOREIGN KEY (municipality_id, method_id) REFERENCES method(municipality_id, id),
        FOREIGN KEY (municipality_id, org_unit_id) REFERENCES org_unit(municipality_id, id),
        FOREIGN KEY (municipality_id, caseworker_user_id) REFERENCES app_user(municipality_id, id),
        FOREIGN KEY (method_id, plan_id) REFERENCES measurement_plan(method_id, id),
        UNIQUE (municipality_id, id),
        CHECK (close_date IS NULL OR close_date >= start_date),
        CHECK ((close_date IS NULL) = (close_reason IS NULL))
      );
      CREATE INDEX episode_client_idx ON episode (client_id);
      CREATE INDEX episode_unit_idx ON episode (org_unit_id);
      CREATE INDEX episode_caseworker_idx ON episode (caseworker_user_id);

      CREATE TABLE client_group (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        municipality_id uuid NOT NULL,
        org_unit_id uuid NOT NULL,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (municipality_id, org_unit_id) REFERENCES org_unit(municipality_id, id),
        UNIQUE (org_unit_id, name)
      );

      CREATE TABLE group_membership (
        group_id uuid NOT NULL REFERENCES client_group(id) ON DELETE CASCADE,
        episode_id uuid NOT NULL REFERENCES episode(id) ON DELETE CASCADE,
        joined_on date NOT NULL,
        left_on date,
        PRIMARY KEY (group_id, episode_id),
        CHECK (left_on IS NULL OR left_on >= joined_on)
      );

      CREATE TABLE occasion (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        municipality_id uuid NOT NULL REFERENCES municipality(id),
        episode_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('start', 'follow_up', 'close', 'extra')),
        seq integer NOT NULL CHECK (seq >= 0),
        due_date date NOT NULL,
        window_start date NOT NULL,
        window_end date NOT NULL,
        state text NOT NULL DEFAULT 'planned'
          CHECK (state IN ('planned', 'due', 'overdue', 'done', 'missed', 'cancelled')),
        missed_reason text,
        done_on date,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (episode_id, kind, seq),
        FOREIGN KEY (municipality_id, episode_id) REFERENCES episode(municipality_id, id) ON DELETE CASCADE,
        CHECK (window_start <= due_date AND due_date <= window_end),
        CHECK ((state = 'missed') = (missed_reason IS NOT NULL)),
        CHECK ((state = 'done') = (done_on IS NOT NULL))
      );
      CREATE INDEX occasion_state_due_idx ON occasion (state, due_date);

      CREATE TABLE goal (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        municipality_id uuid NOT NULL REFERENCES municipality(id),
        episode_id uuid NOT NULL,
        text text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
        target_date date,
        instrument_id uuid REFERENCES instrument(id),
        scale_id text,
        target_value numeric,
        gas_levels jsonb,
        gas_weight numeric NOT NULL DEFAULT 1 CHECK (gas_weight > 0),
        created_by uuid NOT NULL REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (municipality_id, episode_id) REFERENCES episode(municipality_id, id) ON DELETE CASCADE,
        CHECK ((instrument_id IS NULL) = (scale_id IS NULL))
      );

      CREATE TABLE goal_attainment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        goal_id uuid NOT NULL REFERENCES goal(id) ON DELETE CASCADE,
        occasion_id uuid NOT NULL REFERENCES occasion(id) ON DELETE CASCADE,
        gas_level smallint CHECK (gas_level BETWEEN -2 AND 2),
        achieved boolean,
        comment text,
        recorded_by uuid NOT NULL REFERENCES app_user(id),
        recorded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (goal_id, occasion_id)
      );

      CREATE TABLE response (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        municipality_id uuid NOT NULL REFERENCES municipality(id),
        occasion_id uuid NOT NULL REFERENCES occasion(id),
        episode_id uuid NOT NULL,
        client_id uuid NOT NULL,
        instrument_id uuid NOT NULL REFERENCES instrument(id),
        instrument_version_id uuid NOT NULL,
        revision integer NOT NULL DEFAULT 1 CHECK (revision > 0),
        supersedes_id uuid REFERENCES response(id),
        is_current boolean NOT NULL DEFAULT true,
        correction_reason text,
        answered_on date NOT NULL,
        respondent text NOT NULL CHECK (respondent IN ('client', 'relative', 'staff')),
        mode text NOT NULL CHECK (mode IN ('with_caseworker', 'self_on_device', 'paper', 'imported')),
        recorded_by uuid NOT NULL REFERENCES app_user(id),
        recorded_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (municipality_id, episode_id) REFERENCES episode(municipality_id, id),
        FOREIGN KEY (municipality_id, client_id) REFERENCES client(municipality_id, id),
        FOREIGN KEY (instrument_id, instrument_version_id) REFERENCES instrument_version(instrument_id, id),
        CHECK ((revision = 1) = (supersedes_id IS NULL)),
        CHECK ((supersedes_id IS NULL) = (correction_reason IS NULL))
      );
      -- One current response per occasion and instrument; corrections add revisions.
      CREATE UNIQUE INDEX response_current_uq ON response (occasion_id, instrument_id) WHERE is_current;
      CREATE INDEX response_client_idx ON response (client_id);

      CREATE TABLE response_answer (
        response_id uuid NOT NULL REFERENCES response(id) ON DELETE CASCADE,
        item_id text NOT NULL,
        value_numeric numeric,
        value_text text,
        PRIMARY KEY (response_id, item_id)
      );

      CREATE TABLE scale_score (
        response_id uuid NOT NULL REFERENCES response(id) ON DELETE CASCADE,
        scale_id text NOT NULL,
        raw numeric,
        valid boolean NOT NULL,
        invalid_reason text,
        band text,
        is_case boolean,
        prorated boolean NOT NULL DEFAULT false,
        PRIMARY KEY (response_id, scale_id),
        CHECK (valid = (raw IS NOT NULL))
      );

      CREATE TABLE follow_up_note (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        municipality_id uuid NOT NULL REFERENCES municipality(id),
        kind text NOT NULL CHECK (kind IN ('discussed_with_client', 'adjustment_decision', 'staff_meeting',
                                           'method_adjusted', 'partner_discussion', 'method_review')),
        occasion_id uuid REFERENCES occasion(id),
        org_unit_id uuid REFERENCES org_unit(id),
        method_id uuid REFERENCES method(id),
        text text NOT NULL DEFAULT '' CHECK (length(text) <= 10000),
        client_comment text CHECK (length(client_comment) <= 10000),
        adjusted boolean,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        held_on date NOT NULL,
        created_by uuid NOT NULL REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (occasion_id IS NOT NULL OR org_unit_id IS NOT NULL OR method_id IS NOT NULL),
        CHECK (kind <> 'adjustment_decision' OR adjusted IS NOT NULL)
      );

      -- Audit: append-only and hash-chained. The chain is built by a trigger under an advisory lock,
      -- so rows chain in commit order and no application code can forget a link.
      -- Ids are drawn inside the chain trigger (under its lock), so id order is chain order.
      CREATE SEQUENCE audit_event_id_seq;
      CREATE TABLE audit_event (
        id bigint PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        municipality_id uuid NOT NULL,
        actor_user_id uuid,
        actor_role text,
        org_unit_id uuid,
        client_id uuid,
        client_pseudonym text,
        action text NOT NULL CHECK (action IN ('read', 'create', 'update', 'delete', 'search', 'list')),
        resource text NOT NULL,
        purpose text NOT NULL CHECK (purpose IN ('casework', 'follow_up', 'administration', 'log_review')),
        request_id text,
        prev_hash bytea,
        hash bytea
      );
      CREATE INDEX audit_event_client_idx ON audit_event (client_id, occurred_at);
      CREATE INDEX audit_event_actor_idx ON audit_event (actor_user_id, occurred_at);

      CREATE FUNCTION audit_event_digest(e audit_event, prev bytea) RETURNS bytea
      LANGUAGE sql STABLE AS $fn$
        -- A JSON array is an unambiguous encoding: no field can imitate a separator.
        SELECT sha256(convert_to(jsonb_build_array(
          e.id, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
          e.municipality_id, e.actor_user_id, e.actor_role, e.org_unit_id, e.client_id, e.client_pseudonym,
          e.action, e.resource, e.purpose, e.request_id, encode(prev, 'hex')
        )::text, 'UTF8'))
      $fn$;

      CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $fn$
      DECLARE last_hash bytea;
      BEGIN
        -- Serialise appends (held to commit) so each row links to the previous committed one.
        -- Under READ COMMITTED (the default) the SELECT below sees rows committed while we waited.
        PERFORM pg_advisory_xact_lock(7367876);
        NEW.id := nextval('audit_event_id_seq');
        NEW.occurred_at := clock_timestamp();
        SELECT hash INTO last_hash FROM audit_event ORDER BY id DESC LIMIT 1;
        NEW.prev_hash := last_hash;
        NEW.hash := audit_event_digest(NEW, last_hash);
        RETURN NEW;
      END
      $fn$;
      CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

      CREATE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        RAISE EXCEPTION 'audit_event is append-only' USING ERRCODE = 'insufficient_privilege';
      END
      $fn$;
      CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();
      CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change();

      -- An instrument version is immutable once a response uses it.
      CREATE FUNCTION instrument_version_freeze() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF EXISTS (SELECT 1 FROM response WHERE instrument_version_id = OLD.id) THEN
          RAISE EXCEPTION 'instrument version % is used by responses and cannot change', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END
      $fn$;
      CREATE TRIGGER instrument_version_freeze BEFORE UPDATE OR DELETE ON instrument_version
        FOR EACH ROW EXECUTE FUNCTION instrument_version_freeze();

      -- Transactional outbox: written in the same transaction as the change it announces.
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        municipality_id uuid NOT NULL REFERENCES municipality(id),
        topic text NOT NULL CHECK (length(topic) BETWEEN 1 AND 100),
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        attempts integer NOT NULL DEFAULT 0
      );
      CREATE INDEX outbox_unsent_idx ON outbox (id) WHERE sent_at IS NULL;

      CREATE TABLE idempotency_record (
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
        route text NOT NULL,
        body_hash text NOT NULL,
        status_code integer,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        PRIMARY KEY (user_id, key)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS idempotency_record, outbox;
      DROP TRIGGER IF EXISTS instrument_version_freeze ON instrument_version;
      DROP FUNCTION IF EXISTS instrument_version_freeze();
      DROP TABLE IF EXISTS audit_event CASCADE;
      DROP SEQUENCE IF EXISTS audit_event_id_seq;
      DROP FUNCTION IF EXISTS audit_event_refuse_change();
      DROP FUNCTION IF EXISTS audit_event_chain();
      DROP TABLE IF EXISTS follow_up_note, scale_score, response_answer, response, goal_attainment, goal,
        occasion, group_membership, client_group, episode, client, measurement_plan_instrument,
        measurement_plan, instrument_version, instrument, method, api_token, session, membership,
        app_user, org_unit, municipality;
    `);
  }
}
