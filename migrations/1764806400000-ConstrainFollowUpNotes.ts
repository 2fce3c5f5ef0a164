import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Follow-up notes are evidence (element 11), so they are append-only: a correction is a new note that
 * names the note it corrects. UPDATE is refused by trigger; DELETE stays possible for retention (gallring).
 * Occasion-level kinds (client data) always carry an occasion, unit/method-level kinds never do, so a
 * unit-level listing can never leak a note about a client.
 */
export class ConstrainFollowUpNotes1764806400000 implements MigrationInterface {
  name = 'ConstrainFollowUpNotes1764806400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE follow_up_note ADD COLUMN corrects_note_id uuid REFERENCES follow_up_note(id) ON DELETE CASCADE;
      ALTER TABLE follow_up_note ADD CONSTRAINT follow_up_note_level_ck
        CHECK ((kind IN ('discussed_with_client', 'adjustment_decision')) = (occasion_id IS NOT NULL));
      CREATE INDEX IF NOT EXISTS follow_up_note_corrects_idx ON follow_up_note (corrects_note_id) WHERE corrects_note_id IS NOT NULL;
      CREATE INDEX IF NOT EXISTS goal_attainment_occasion_idx ON goal_attainment (occasion_id);

      CREATE FUNCTION follow_up_note_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'follow_up_note is append-only: record a correction as a new note';
      END $$;
      CREATE TRIGGER follow_up_note_append_only BEFORE UPDATE ON follow_up_note
        FOR EACH ROW EXECUTE FUNCTION follow_up_note_refuse_update();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER IF EXISTS follow_up_note_append_only ON follow_up_note;
      DROP FUNCTION IF EXISTS follow_up_note_refuse_update();
      DROP INDEX IF EXISTS goal_attainment_occasion_idx;
      DROP INDEX IF EXISTS follow_up_note_corrects_idx;
      ALTER TABLE follow_up_note DROP CONSTRAINT IF EXISTS follow_up_note_level_ck;
      ALTER TABLE follow_up_note DROP COLUMN IF EXISTS corrects_note_id;
    `);
  }
}
