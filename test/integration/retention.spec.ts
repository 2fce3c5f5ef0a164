import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { verifyAuditChain } from '#audit';
import { AggregationEngine } from '#aggregation';
import { getConfig } from '#config';
import { JobName } from '#jobs';
import {
  birthDayOf,
  IdentityCrypto,
  retentionCutoff,
  retentionDryRun,
  retentionLegalDeadline,
  runRetention,
  type RetentionRunOptions,
  type RetentionRunRow,
} from '#persistence';
import { RetentionRunHandler } from '../../apps/worker/src/handlers/retention-run.handler.js';
import { SCHEDULES } from '../../apps/worker/src/worker-host.js';
import { openTestDataSource } from '../utils/database.js';
import { RetentionFixture } from '../factories/retention.factory.js';

const RULE = { years: 5, keepBirthDays: [5, 15, 25] };
// On 1 January 2026 every record last written in 2020 or earlier is due.
const ON = '2026-01-01';

let ds: DataSource;
let crypto: IdentityCrypto;

/** Runs retention for one municipality (files share the database), waiting out a parallel run's lock. */
async function run(municipalityId: string, opts: Partial<RetentionRunOptions> = {}): Promise<RetentionRunRow> {
  for (;;) {
    const r = await runRetention(ds, crypto, { rule: RULE, referenceDate: ON, trigger: 'manual', batchSize: 2, municipalityId, ...opts });
    if (!r.locked) return r.runs[0]!;
    await new Promise((res) => setTimeout(res, 200));
  }
}

beforeAll(async () => {
  ds = await openTestDataSource();
  const { pii } = getConfig();
  crypto = new IdentityCrypto(pii.encryptionKey, pii.indexKey);
});

afterAll(async () => {
  await ds?.destroy();
});

describe('the retention date rule', () => {
  it('is due from 1 January of (year of last entry + years + 1), which lies inside the legal window', () => {
    expect(retentionCutoff('2026-01-01', 5)).toBe('2021-01-01');
    expect(retentionCutoff('2026-12-31', 5)).toBe('2021-01-01');
    // Last entry 31 Dec 2020: 5 years end 31 Dec 2025; deleted 1 Jan 2026; the law's latest day is 31 Dec 2026.
    expect(retentionLegalDeadline('2020-12-31', 5)).toBe('2026-12-31');
    expect(retentionLegalDeadline('2020-01-01', 5)).toBe('2026-12-31');
  });

  it('reads the birth day from a personnummer and a samordningsnummer (day + 60)', () => {
    expect(birthDayOf('198503151234')).toBe(15);
    expect(birthDayOf('198503851234')).toBe(25);
    expect(birthDayOf('198503051234')).toBe(5);
  });
});

describe('a retention run', () => {
  let f: RetentionFixture;
  let c: Record<string, { id: string; pseudonym: string; episodeId: string }>;
  let first: RetentionRunRow;

  beforeAll(async () => {
    f = await RetentionFixture.create(ds);
    c = {
      lastDay: await f.client('2020-12-31'), // due: the last day of the year before the cutoff
      old: await f.client('2017-06-10', { identity: '198503141234' }), // due: born on the 14th
      old2: await f.client('2019-02-01'),
      old3: await f.client('2018-04-01'),
      boundary: await f.client('2021-01-01'), // not due: the first day of the cutoff year
      laterResponse: await f.client('2019-03-01', { responseOn: '2021-02-01' }), // a response written in 2021 keeps it
      research15: await f.client('2018-05-01', { identity: '198503151234' }), // kept: born on the 15th
      research25: await f.client('2018-05-01', { identity: '198503851234' }), // kept: samordningsnummer, born on the 25th
      open: await f.client('2015-05-01', { openEpisode: true }), // not due: an episode is still open
    };
    // Level-1 aggregate rows and recompute state for every client, as the aggregation engine leaves them.
    await ds.query(
      `INSERT INTO aggregate_client_episode (episode_id, municipality_id, client_id, org_unit_id, method_id, sex, age_band, start_date,
         n_goals, n_goals_measurable, n_goals_assessed, n_goals_attained, has_baseline, has_pair)
       SELECT e.id, e.municipality_id, e.client_id, e.org_unit_id, e.method_id, 'unknown', 'unknown', e.start_date, 0, 0, 0, 0, false, false
         FROM episode e WHERE e.client_id = ANY($1::uuid[])`,
      [Object.values(c).map((x) => x.id)],
    );
    await ds.query(
      `INSERT INTO aggregate_scope_state (scope_key, municipality_id) SELECT 'client:' || id, municipality_id FROM client WHERE id = ANY($1::uuid[])`,
      [Object.values(c).map((x) => x.id)],
    );
    await ds.query(
      `INSERT INTO aggregate_figure (scope_key, period_key, breakdown_key, figure, subject, municipality_id, stats, computed_seq, computed_at)
       VALUES ($1, '2019', 'all', 'episodes', 'all', $2, '{"n": 7}', 1, now())`,
      [`municipality:${f.municipalityId}`, f.municipalityId],
    );
  });

  it('reports in a dry run what it would delete and keep, by exception, without changing anything', async () => {
    const before = await f.rowsOf(Object.values(c).map((x) => x.id));
    const report = await retentionDryRun(ds.manager, crypto, { rule: RULE, referenceDate: ON, municipalityId: f.municipalityId });
    expect(report.cutoffDate).toBe('2021-01-01');
    expect(report.municipalities).toHaveLength(1);
    const m = report.municipalities[0]!;
    expect(m).toMatchObject({
      municipalityId: f.municipalityId,
      expected: 6,
      toDelete: 4,
      kept: 2,
      keptByReason: { research_birth_day: 2 },
      heldByOpenEpisode: 1,
      toDeleteByLastEntryYear: { '2017': 1, '2018': 1, '2019': 1, '2020': 1 },
    });
    expect(m.rows).toMatchObject({ client: 4, episode: 4, occasion: 4, response: 4, response_answer: 8, scale_score: 4, goal: 4, goal_attainment: 4, follow_up_note: 4, group_membership: 4, import_client_ref: 4, idempotency_record: 4 });
    expect(await f.rowsOf(Object.values(c).map((x) => x.id))).toEqual(before);
  });

  it('deletes every client-level row of the due clients, keeps the rest, audits each deletion and reconciles to 0', async () => {
    const auditBefore: number = (await ds.query(`SELECT max(id)::int AS id FROM audit_event`))[0].id ?? 0;
    first = await run(f.municipalityId);
    expect(first).toMatchObject({
      state: 'succeeded',
      referenceDate: ON,
      cutoffDate: '2021-01-01',
      rule: RULE,
      expected: 6,
      deleted: 4,
      kept: 2,
      keptByReason: { research_birth_day: 2 },
      skipped: 0,
      difference: 0,
      remainingDue: 0,
      heldByOpenEpisode: 1,
    });
    expect(first.deletedRows).toMatchObject({ client: 4, episode: 4, response: 4, response_answer: 8, idempotency_record: 4 });

    const gone = [c.lastDay!, c.old!, c.old2!, c.old3!].map((x) => x.id);
    expect(await f.rowsOf(gone)).toEqual({
      client: 0, episode: 0, occasion: 0, response: 0, goal: 0, group_membership: 0, import_client_ref: 0, idempotency_record: 0,
    });
    for (const k of ['boundary', 'laterResponse', 'research15', 'research25', 'open']) {
      expect((await f.rowsOf([c[k]!.id])).client).toBe(1);
      expect((await f.rowsOf([c[k]!.id])).response).toBe(1);
    }
    // Per-client (level-1) aggregate rows are individual-level data: none survive for the deleted clients.
    const perClient = await ds.query(
      `SELECT (SELECT count(*) FROM aggregate_client_scale WHERE client_id = ANY($1::uuid[]))::int AS scale,
              (SELECT count(*) FROM aggregate_client_episode WHERE client_id = ANY($1::uuid[]))::int AS episode,
              (SELECT count(*) FROM aggregate_scope_state WHERE scope_key = ANY($2::text[]))::int AS state`,
      [gone, gone.map((id) => `client:${id}`)],
    );
    expect(perClient).toEqual([{ scale: 0, episode: 0, state: 0 }]);
    expect(first.deletedRows).toMatchObject({ aggregate_client_episode: 4, aggregate_scope_state: 4 });
    const keptLevel1 = await ds.query(`SELECT count(*)::int AS n FROM aggregate_client_episode WHERE client_id = $1`, [c.research15!.id]);
    expect(keptLevel1[0].n).toBe(1);
    // The base world's client (created now) and the anonymous aggregate are untouched.
    expect((await f.rowsOf([f.base.client.id])).client).toBe(1);
    const [figure] = await ds.query(`SELECT stats FROM aggregate_figure WHERE scope_key = $1`, [`municipality:${f.municipalityId}`]);
    expect(figure.stats).toEqual({ n: 7 });

    const audit = await ds.query(
      `SELECT client_id, client_pseudonym, actor_user_id, actor_role, action, resource, purpose, request_id, org_unit_id
         FROM audit_event WHERE id > $1 AND municipality_id = $2 ORDER BY client_pseudonym`,
      [auditBefore, f.municipalityId],
    );
    expect(audit).toEqual(
      [c.lastDay!, c.old!, c.old2!, c.old3!]
        .sort((a, b) => a.pseudonym.localeCompare(b.pseudonym))
        .map((x) => ({
          client_id: x.id,
          client_pseudonym: x.pseudonym,
          actor_user_id: null,
          actor_role: null,
          action: 'delete',
          resource: 'client',
          purpose: 'administration',
          request_id: `retention-run:${first.id}`,
          org_unit_id: f.base.world.unitA.id,
        })),
    );
    expect((await verifyAuditChain(ds)).ok).toBe(true);
  });

  it('is idempotent: a second run finds only the kept clients and deletes nothing', async () => {
    const second = await run(f.municipalityId);
    expect(second).toMatchObject({ state: 'succeeded', expected: 2, deleted: 0, kept: 2, difference: 0, remainingDue: 0 });
    expect(second.id).not.toBe(first.id);
  });

  it('commits batches independently: a run that fails midway keeps what it did, and a re-run finishes the rest', async () => {
    const due = [await f.client('2016-01-10'), await f.client('2016-01-11'), await f.client('2016-01-12'), await f.client('2016-01-13')];
    // A crash stand-in: deleting the third client (second batch of two) raises.
    await ds.query(`CREATE OR REPLACE FUNCTION retention_spec_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF OLD.id = '${due[2]!.id}' THEN RAISE EXCEPTION 'simulated crash'; END IF; RETURN OLD; END $$`);
    await ds.query(`CREATE TRIGGER retention_spec_fail BEFORE DELETE ON client FOR EACH ROW EXECUTE FUNCTION retention_spec_fail()`);
    let error: unknown;
    try {
      await run(f.municipalityId);
    } catch (e) {
      error = e;
    } finally {
      await ds.query(`DROP TRIGGER retention_spec_fail ON client; DROP FUNCTION retention_spec_fail()`);
    }
    expect(String(error)).toMatch(/simulated crash/);
    const [failed] = await ds.query(`SELECT state, expected, deleted, kept, difference FROM retention_run WHERE municipality_id = $1 ORDER BY started_at DESC LIMIT 1`, [
      f.municipalityId,
    ]);
    expect(failed).toEqual({ state: 'failed', expected: 6, deleted: 2, kept: 2, difference: 2 });
    expect((await f.rowsOf(due.map((d) => d.id))).client).toBe(2);

    const rerun = await run(f.municipalityId);
    expect(rerun).toMatchObject({ state: 'succeeded', expected: 4, deleted: 2, kept: 2, difference: 0, remainingDue: 0 });
    expect((await f.rowsOf(due.map((d) => d.id))).client).toBe(0);
  });

  it('marks a run left running by a crashed process as abandoned', async () => {
    const [stale] = await ds.query(
      `INSERT INTO retention_run (municipality_id, trigger, reference_date, cutoff_date, rule, expected) VALUES ($1, 'manual', $2, '2021-01-01', '{}', 3) RETURNING id`,
      [f.municipalityId, ON],
    );
    await run(f.municipalityId);
    const [row] = await ds.query(`SELECT state, finished_at IS NOT NULL AS finished FROM retention_run WHERE id = $1`, [stale.id]);
    expect(row).toEqual({ state: 'abandoned', finished: true });
  });

  it('keeps nothing by exception when the rule has no birth days', async () => {
    const report = await retentionDryRun(ds.manager, crypto, { rule: { years: 5, keepBirthDays: [] }, referenceDate: ON, municipalityId: f.municipalityId });
    expect(report.municipalities[0]).toMatchObject({ expected: 2, toDelete: 2, kept: 0 });
  });

  it('keeps a client whose identity number cannot be decrypted, and says why', async () => {
    const other = new IdentityCrypto(Buffer.alloc(32, 7), 'another-index-key-of-at-least-32-chars');
    const report = await retentionDryRun(ds.manager, other, { rule: RULE, referenceDate: ON, municipalityId: f.municipalityId });
    expect(report.municipalities[0]).toMatchObject({ expected: 2, toDelete: 0, kept: 2, keptByReason: { identity_unreadable: 2 } });
  });
});

describe('the nightly job', () => {
  it('is scheduled nightly', () => {
    expect(SCHEDULES.find((s) => s.item.name === JobName.RetentionRun)).toMatchObject({ pattern: '45 2 * * *', item: { data: { trigger: 'schedule' } } });
  });

  it('runs every municipality and reconciles each (a day on which nothing in the test database is due)', async () => {
    const handler = new RetentionRunHandler(ds, new AggregationEngine(ds, async () => undefined));
    let result = await handler.handle({ trigger: 'manual', today: '2001-06-01' });
    while (result.locked) {
      await new Promise((res) => setTimeout(res, 200));
      result = await handler.handle({ trigger: 'manual', today: '2001-06-01' });
    }
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM municipality`);
    expect(result.runs.length).toBeGreaterThanOrEqual(1);
    expect(result.runs.length).toBeLessThanOrEqual(n);
    for (const r of result.runs) expect(r).toMatchObject({ state: 'succeeded', expected: 0, deleted: 0, difference: 0, remainingDue: 0, cutoffDate: '1996-01-01' });
  });
});
