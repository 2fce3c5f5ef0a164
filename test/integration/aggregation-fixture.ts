import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { Role } from '#domain';
import { writeOutbox } from '#jobs';
import { WorldFactory } from '../factories/world.factory.js';

/** A custom outcome instrument with an RCI criterion (SD 10.5, r 0.961 → threshold 5.747681) and a cut-off of 20. */
export const RCI_DEFINITION = (code: string) => ({
  code,
  version: 1,
  name: { sv: 'Testskala', en: 'Test scale' },
  description: { sv: 'Test', en: 'Test' },
  licence: { kind: 'customer_supplied' },
  languageNote: { swedishText: 'validated_translation', note: { sv: 'x', en: 'x' } },
  purpose: 'outcome',
  items: [{ id: 'q1', text: { sv: 'F1', en: 'Q1' }, type: 'numeric', required: true, min: 0, max: 60 }],
  scales: [
    {
      id: 'total',
      name: { sv: 'Total', en: 'Total' },
      items: ['q1'],
      scoring: 'sum',
      maxMissing: 0,
      direction: 'higher_is_worse',
      cutoff: { value: 20, inclusive: false, source: 'c' },
      reliableChange: { kind: 'rci', sdRef: 10.5, reliability: 0.961, reliabilityKind: 'internal_consistency', source: 'c' },
    },
  ],
  citations: [{ id: 'c', text: 'Test' }],
});

export const EXPERIENCE_DEFINITION = (code: string) => ({
  code,
  version: 1,
  name: { sv: 'Brukarupplevelse', en: 'Client experience' },
  description: { sv: 'Test', en: 'Test' },
  licence: { kind: 'customer_supplied' },
  languageNote: { swedishText: 'validated_translation', note: { sv: 'x', en: 'x' } },
  purpose: 'client_experience',
  items: [
    {
      id: 'helped',
      text: { sv: 'Fick du hjälp?', en: 'Were you helped?' },
      type: 'likert',
      required: true,
      options: [1, 2, 3].map((v) => ({ value: v, label: { sv: String(v), en: String(v) } })),
    },
  ],
  scales: [],
  citations: [],
});

export type World = Awaited<ReturnType<WorldFactory['create']>>;

/** Writes source rows the way the services do (row + outbox row in one transaction), for aggregation tests. */
export class CohortBuilder {
  world!: World;
  caseworker!: { id: string; username: string };
  methodId!: string;
  planId!: string;
  phq9!: { id: string; versionId: string };
  custom!: { id: string; versionId: string };
  experience!: { id: string; versionId: string };
  private clientNumber = 0;

  constructor(readonly ds: DataSource) {}

  async setup(): Promise<this> {
    const f = new WorldFactory(this.ds);
    this.world = await f.create();
    this.caseworker = await f.user(this.world.municipalityId, Role.UnitHead, this.world.root);
    this.methodId = await this.method('M');
    const [phq] = await this.ds.query(
      `SELECT i.id, v.id AS version_id FROM instrument i JOIN instrument_version v ON v.instrument_id = i.id WHERE i.code = 'phq9' AND i.municipality_id IS NULL ORDER BY v.version DESC LIMIT 1`,
    );
    this.phq9 = { id: phq.id, versionId: phq.version_id };
    this.custom = await this.instrument(RCI_DEFINITION(`rci-${randomUUID().slice(0, 6)}`));
    this.experience = await this.instrument(EXPERIENCE_DEFINITION(`exp-${randomUUID().slice(0, 6)}`));
    return this;
  }

  async method(code: string): Promise<string> {
    const [m] = await this.ds.query(`INSERT INTO method (municipality_id, code, name) VALUES ($1, $2, $3) RETURNING id`, [
      this.world.municipalityId,
      `${code}-${randomUUID().slice(0, 6)}`,
      `Metod ${code}`,
    ]);
    const [p] = await this.ds.query(`INSERT INTO measurement_plan (method_id) VALUES ($1) RETURNING id`, [m.id]);
    if (!this.planId) this.planId = p.id;
    await this.ds.query(`INSERT INTO measurement_plan_instrument (plan_id, occasion_kind, instrument_id)
      SELECT $1, k, i.id FROM unnest(ARRAY['start','follow_up','close']) k, instrument i WHERE i.code = 'phq9' AND i.municipality_id IS NULL`, [p.id]);
    return m.id;
  }

  async instrument(def: Record<string, unknown>): Promise<{ id: string; versionId: string }> {
    const [i] = await this.ds.query(`INSERT INTO instrument (municipality_id, code, licence_kind) VALUES ($1, $2, 'customer_supplied') RETURNING id`, [
      this.world.municipalityId,
      def.code,
    ]);
    const [v] = await this.ds.query(`INSERT INTO instrument_version (instrument_id, version, definition, definition_hash) VALUES ($1, 1, $2, 'h') RETURNING id`, [
      i.id,
      JSON.stringify(def),
    ]);
    return { id: i.id, versionId: v.id };
  }

  async client(opts: { unitId: string; sex?: string; birthYear?: number | null }): Promise<string> {
    this.clientNumber++;
    return this.ds.transaction(async (m) => {
      const [c] = await m.query(
        `INSERT INTO client (municipality_id, pseudonym, home_unit_id, birth_year, sex) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [this.world.municipalityId, `K-${randomUUID().replace(/\D/g, '').slice(0, 6).padEnd(6, '0')}${this.clientNumber}`, opts.unitId, opts.birthYear ?? null, opts.sex ?? 'unknown'],
      );
      await writeOutbox(m, this.world.municipalityId, [{ topic: 'client.changed', payload: { clientId: c.id } }]);
      return c.id as string;
    });
  }

  async episode(opts: { clientId: string; unitId: string; methodId?: string; start: string; close?: string | null }): Promise<string> {
    return this.ds.transaction(async (m) => {
      const [e] = await m.query(
        `INSERT INTO episode (municipality_id, client_id, method_id, org_unit_id, plan_id, caseworker_user_id, start_date, close_date, close_reason)
         VALUES ($1, $2, $3, $4, (SELECT id FROM measurement_plan WHERE method_id = $3 LIMIT 1), $5, $6, $7, $8) RETURNING id`,
        [this.world.municipalityId, opts.clientId, opts.methodId ?? this.methodId, opts.unitId, this.caseworker.id, opts.start, opts.close ?? null, opts.close ? 'completed_as_planned' : null],
      );
      await writeOutbox(m, this.world.municipalityId, [{ topic: 'episode.changed', payload: { episodeId: e.id, clientId: opts.clientId } }]);
      return e.id as string;
    });
  }

  async occasion(m: EntityManager, episodeId: string, kind: string, seq: number, due: string, done: string | null, window = 30): Promise<string> {
    const [o] = await m.query(
      `INSERT INTO occasion (municipality_id, episode_id, kind, seq, due_date, window_start, window_end, state, done_on)
       VALUES ($1, $2, $3, $4, $5::date, $5::date - $7::int, $5::date + $7::int, $8, $6)
       ON CONFLICT (episode_id, kind, seq) DO UPDATE SET state = excluded.state, done_on = excluded.done_on RETURNING id`,
      [this.world.municipalityId, episodeId, kind, seq, due, done, window, done ? 'done' : 'planned'],
    );
    return o.id;
  }

  /** A scored response at an occasion (creates the occasion, done on `on`), announced on the outbox. */
  async measure(
    episodeId: string,
    kind: 'start' | 'follow_up' | 'close',
    seq: number,
    on: string,
    score: number | null,
    instrument: 'phq9' | 'custom' = 'phq9',
    due?: string,
  ): Promise<string> {
    const inst = instrument === 'phq9' ? this.phq9 : this.custom;
    const scaleId = instrument === 'phq9' ? 'phq9_total' : 'total';
    return this.ds.transaction(async (m) => {
      const occasionId = await this.occasion(m, episodeId, kind, seq, due ?? on, on);
      const [e] = await m.query(`SELECT client_id FROM episode WHERE id = $1`, [episodeId]);
      const [prev] = await m.query(`SELECT id, revision FROM response WHERE occasion_id = $1 AND instrument_id = $2 AND is_current`, [occasionId, inst.id]);
      if (prev) await m.query(`UPDATE response SET is_current = false WHERE id = $1`, [prev.id]);
      const [r] = await m.query(
        `INSERT INTO response (municipality_id, occasion_id, episode_id, client_id, instrument_id, instrument_version_id, revision, supersedes_id,
           correction_reason, answered_on, respondent, mode, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'client', 'with_caseworker', $11) RETURNING id`,
        [this.world.municipalityId, occasionId, episodeId, e.client_id, inst.id, inst.versionId, prev ? prev.revision + 1 : 1, prev?.id ?? null,
          prev ? 'Rättelse' : null, on, this.caseworker.id],
      );
      await m.query(`INSERT INTO scale_score (response_id, scale_id, raw, valid, invalid_reason) VALUES ($1, $2, $3, $4, $5)`, [
        r.id, scaleId, score, score !== null, score === null ? 'too_many_missing' : null,
      ]);
      await writeOutbox(m, this.world.municipalityId, [{ topic: 'response.recorded', payload: { responseId: r.id, episodeId } }]);
      return r.id as string;
    });
  }

  /** A client-experience answer (no scale). */
  async experienceAnswer(episodeId: string, on: string, value: number): Promise<void> {
    await this.ds.transaction(async (m) => {
      const occasionId = await this.occasion(m, episodeId, 'close', 0, on, on);
      const [e] = await m.query(`SELECT client_id FROM episode WHERE id = $1`, [episodeId]);
      const [r] = await m.query(
        `INSERT INTO response (municipality_id, occasion_id, episode_id, client_id, instrument_id, instrument_version_id, answered_on, respondent, mode, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'client', 'with_caseworker', $8) RETURNING id`,
        [this.world.municipalityId, occasionId, episodeId, e.client_id, this.experience.id, this.experience.versionId, on, this.caseworker.id],
      );
      await m.query(`INSERT INTO response_answer (response_id, item_id, value_numeric) VALUES ($1, 'helped', $2)`, [r.id, value]);
      await writeOutbox(m, this.world.municipalityId, [{ topic: 'response.recorded', payload: { responseId: r.id, episodeId } }]);
    });
  }

  async goal(episodeId: string, on: string, gasLevel: number | null, achieved: boolean | null = null): Promise<void> {
    await this.ds.transaction(async (m) => {
      const [g] = await m.query(
        `INSERT INTO goal (municipality_id, episode_id, text, gas_levels, created_by) VALUES ($1, $2, 'Mål', $3, $4) RETURNING id`,
        [this.world.municipalityId, episodeId, gasLevel === null ? null : JSON.stringify({ '-2': 'a', '-1': 'b', '0': 'c', '1': 'd', '2': 'e' }), this.caseworker.id],
      );
      const occasionId = await this.occasion(m, episodeId, 'extra', Math.floor(Math.random() * 1e6) + 1, on, on);
      await m.query(`INSERT INTO goal_attainment (goal_id, occasion_id, gas_level, achieved, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6::date)`, [
        g.id, occasionId, gasLevel, achieved, this.caseworker.id, on,
      ]);
      await writeOutbox(m, this.world.municipalityId, [{ topic: 'goal.changed', payload: { goalId: g.id, episodeId } }]);
    });
  }
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** True when nothing is left to do: no unsent outbox row and no pending scope in the municipality. */
export async function quiescent(ds: DataSource, municipalityId: string): Promise<boolean> {
  const [r] = await ds.query(
    `SELECT (SELECT count(*) FROM outbox WHERE municipality_id = $1 AND sent_at IS NULL)::int AS unsent,
            (SELECT count(*) FROM aggregate_scope_state WHERE municipality_id = $1 AND requested_seq > computed_seq)::int AS pending`,
    [municipalityId],
  );
  return r.unsent === 0 && r.pending === 0;
}
