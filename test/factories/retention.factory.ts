import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { getConfig } from '#config';
import { IdentityCrypto, InstrumentRepository, returnedRows } from '#persistence';
import { createEpisodeWorld, type EpisodeWorld } from './episode.factory.js';

/**
 * Client records written straight to the database with every date and timestamp on one chosen day, so
 * the retention rule can be tested on records "written" years ago (the API stamps now()).
 */
export class RetentionFixture {
  private readonly crypto: IdentityCrypto;
  private groupId?: string;

  private constructor(
    private readonly ds: DataSource,
    readonly base: EpisodeWorld,
  ) {
    const { pii } = getConfig();
    this.crypto = new IdentityCrypto(pii.encryptionKey, pii.indexKey);
  }

  static async create(ds: DataSource): Promise<RetentionFixture> {
    // The base world's own client is created now: never due.
    return new RetentionFixture(ds, await createEpisodeWorld(ds, { instruments: ['phq9'], startDate: '2024-01-10', today: '2024-01-10' }));
  }

  get municipalityId(): string {
    return this.base.world.municipalityId;
  }

  /**
   * A client whose record was last written on `on`: a closed episode with a done start occasion, a
   * response with answers and scores, a goal with an attainment, a note, a group membership, an import
   * reference and an idempotency record. `identity`: twelve digits YYYYMMDDNNNC.
   */
  async client(on: string, opts: { identity?: string; openEpisode?: boolean; responseOn?: string } = {}): Promise<{ id: string; pseudonym: string; episodeId: string }> {
    const ds = this.ds;
    const m = this.municipalityId;
    const unit = this.base.world.unitA.id;
    const cw = this.base.caseworker.id;
    const ts = `${on} 12:00:00+01`;
    const [counter] = returnedRows<{ n: number; prefix: string }>(await ds.query(
      `UPDATE municipality SET next_client_number = next_client_number + 1 WHERE id = $1 RETURNING next_client_number - 1 AS n, client_code_prefix AS prefix`,
      [m],
    ));
    const pseudonym = `${counter!.prefix}-${String(counter!.n).padStart(6, '0')}`;
    const identity = opts.identity
      ? { kind: Number(opts.identity.slice(6, 8)) > 60 ? 'samordningsnummer' : 'personnummer', c: this.crypto.encrypt(m, opts.identity), b: this.crypto.blindIndex(m, opts.identity) }
      : null;
    const [client] = await ds.query(
      `INSERT INTO client (municipality_id, pseudonym, home_unit_id, birth_year, sex, identity_kind, identity_ciphertext, identity_blind_index, created_at, updated_at)
       VALUES ($1, $2, $3, 1985, 'female', $4, $5, $6, $7, $7) RETURNING id`,
      [m, pseudonym, unit, identity?.kind ?? null, identity?.c ?? null, identity?.b ?? null, ts],
    );
    const [episode] = await ds.query(
      `INSERT INTO episode (municipality_id, client_id, method_id, org_unit_id, plan_id, caseworker_user_id, start_date, close_date, close_reason, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::date - 30, $8, $9, $10) RETURNING id`,
      [m, client.id, this.base.method.id, unit, this.base.method.planId, cw, on, opts.openEpisode ? null : on, opts.openEpisode ? null : 'completed_as_planned', ts],
    );
    const [occasion] = await ds.query(
      `INSERT INTO occasion (municipality_id, episode_id, kind, seq, due_date, window_start, window_end, state, done_on, created_at, updated_at)
       VALUES ($1, $2, 'start', 0, $3::date - 30, $3::date - 44, $3::date, 'done', $3::date - 30, $4, $4) RETURNING id`,
      [m, episode.id, on, ts],
    );
    const version = await new InstrumentRepository(ds).findVersion(m, 'phq9');
    const responseOn = opts.responseOn ?? on;
    const [response] = await ds.query(
      `INSERT INTO response (municipality_id, occasion_id, episode_id, client_id, instrument_id, instrument_version_id, answered_on, respondent, mode, recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'client', 'paper', $8, $9) RETURNING id`,
      [m, occasion.id, episode.id, client.id, version!.instrumentId, version!.versionId, responseOn, cw, `${responseOn} 12:00:00+01`],
    );
    await ds.query(`INSERT INTO response_answer (response_id, item_id, value_numeric) VALUES ($1, 'phq9_1', 2), ($1, 'phq9_2', 1)`, [response.id]);
    await ds.query(`INSERT INTO scale_score (response_id, scale_id, raw, valid) VALUES ($1, 'phq9_total', 13, true)`, [response.id]);
    const [goal] = await ds.query(
      `INSERT INTO goal (municipality_id, episode_id, text, created_by, created_at) VALUES ($1, $2, 'Sova bättre', $3, $4) RETURNING id`,
      [m, episode.id, cw, ts],
    );
    await ds.query(`INSERT INTO goal_attainment (goal_id, occasion_id, achieved, recorded_by, recorded_at) VALUES ($1, $2, true, $3, $4)`, [goal.id, occasion.id, cw, ts]);
    await ds.query(
      `INSERT INTO follow_up_note (municipality_id, kind, occasion_id, text, details, held_on, created_by, created_at)
       VALUES ($1, 'discussed_with_client', $2, 'Pratade om svaren', '{"withWhom":"client"}', $3::date - 30, $4, $5)`,
      [m, occasion.id, on, cw, ts],
    );
    this.groupId ??= (
      await ds.query(`INSERT INTO client_group (municipality_id, org_unit_id, name) VALUES ($1, $2, $3) RETURNING id`, [m, unit, `Grupp ${randomUUID().slice(0, 8)}`])
    )[0].id;
    await ds.query(`INSERT INTO group_membership (group_id, episode_id, joined_on, left_on) VALUES ($1, $2, $3::date - 30, $3)`, [this.groupId, episode.id, on]);
    await ds.query(`INSERT INTO import_client_ref (municipality_id, ref_index, client_id, created_at) VALUES ($1, $2, $3, $4)`, [m, randomUUID(), client.id, ts]);
    await ds.query(
      `INSERT INTO idempotency_record (user_id, key, route, body_hash, status_code, response_body, created_at, completed_at)
       VALUES ($1, $2, 'POST /occasions/x/responses', 'h', 201, $3::jsonb, $4, $4)`,
      [cw, randomUUID(), JSON.stringify({ id: response.id, clientId: client.id, clientPseudonym: pseudonym }), ts],
    );
    return { id: client.id, pseudonym, episodeId: episode.id };
  }

  /** Rows per client-level table for these clients. */
  async rowsOf(clientIds: string[]): Promise<Record<string, number>> {
    const [r] = await this.ds.query(
      `WITH ep AS (SELECT id FROM episode WHERE client_id = ANY($1::uuid[]))
       SELECT (SELECT count(*) FROM client WHERE id = ANY($1::uuid[]))::int AS client,
              (SELECT count(*) FROM ep)::int AS episode,
              (SELECT count(*) FROM occasion WHERE episode_id IN (SELECT id FROM ep))::int AS occasion,
              (SELECT count(*) FROM response WHERE client_id = ANY($1::uuid[]))::int AS response,
              (SELECT count(*) FROM goal WHERE episode_id IN (SELECT id FROM ep))::int AS goal,
              (SELECT count(*) FROM group_membership WHERE episode_id IN (SELECT id FROM ep))::int AS group_membership,
              (SELECT count(*) FROM import_client_ref WHERE client_id = ANY($1::uuid[]))::int AS import_client_ref,
              (SELECT count(*) FROM idempotency_record WHERE response_body->>'clientId' = ANY($1::text[]))::int AS idempotency_record`,
      [clientIds],
    );
    return r;
  }
}
