/* global process, console, setTimeout */
// Aggregation benchmark (docs/benchmarks.md): run on demand, not in CI.
//   npm run build && node test/bench/aggregation.mjs [--episodes 220000] [--skip-generate] [--skip-rebuild] [--seconds 60] [--rate 100]
// Generates a synthetic large-city municipality in the database matpunkt_bench on 127.0.0.1:5432 (user postgres),
// times a full rebuild against one plain GROUP BY scan of response_answer, then measures freshness under sustained
// writes with a worker running (its own throwaway redis-server) and the unit dashboard query.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import pg from 'pg';
import 'reflect-metadata';
import { createDataSource, migrate } from '../../dist/libs/persistence/src/index.js';
import { AggregationEngine } from '../../dist/libs/aggregation/src/index.js';
import { AggregatesService } from '../../dist/apps/api/src/aggregates/aggregates.service.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? true : dflt;
};
const EPISODES = Number(arg('episodes', 220000));
const SECONDS = Number(arg('seconds', 60));
const RATE = Number(arg('rate', 100));
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const URL_ = 'postgres://postgres@127.0.0.1:5432/matpunkt_bench';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const log = (...a) => console.log(new Date().toISOString().slice(11, 19), ...a);

async function generate() {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS matpunkt_bench WITH (FORCE)`);
  await admin.query(`CREATE DATABASE matpunkt_bench`);
  await admin.end();
  const ds = createDataSource(URL_, { poolSize: 2 });
  await ds.initialize();
  await migrate(ds);
  await ds.destroy();
  const db = new pg.Client({ connectionString: URL_ });
  await db.connect();
  const q = async (label, sql, params) => {
    const t = Date.now();
    const r = await db.query(sql, params);
    log(`${label}: ${((Date.now() - t) / 1000).toFixed(1)} s${r.rowCount ? ` (${r.rowCount} rows)` : ''}`);
    return r;
  };
  await db.query(`SET synchronous_commit = off; SET maintenance_work_mem = '1GB'; SET work_mem = '256MB'`);
  const [{ id: mun }] = (await db.query(`INSERT INTO municipality (code, name, client_code_prefix) VALUES ('0180', 'Storstad', 'S') RETURNING id`)).rows;
  // Org tree: one administration, 10 units, 8 teams each (91 units).
  const unit = async (parent, kind, code) =>
    (await db.query(
      `WITH n AS (SELECT gen_random_uuid() AS id) INSERT INTO org_unit (id, municipality_id, parent_id, kind, code, name, path)
       SELECT n.id, $1, $2, $3, $4, $4, coalesce((SELECT path FROM org_unit WHERE id = $2), '/') || n.id || '/' FROM n RETURNING id`,
      [mun, parent, kind, code],
    )).rows[0].id;
  const root = await unit(null, 'administration', 'SOC');
  const teams = [];
  for (let u = 0; u < 10; u++) {
    const uid = await unit(root, 'unit', `U${u}`);
    for (let t = 0; t < 8; t++) teams.push(await unit(uid, 'team', `U${u}T${t}`));
  }
  const [{ id: user }] = (await db.query(`INSERT INTO app_user (municipality_id, username, display_name) VALUES ($1, 'bench', 'Bench') RETURNING id`, [mun])).rows;
  const inst = (await db.query(`SELECT i.code, i.id, v.id AS version_id FROM instrument i JOIN instrument_version v ON v.instrument_id = i.id WHERE i.municipality_id IS NULL`)).rows;
  const by = Object.fromEntries(inst.map((r) => [r.code, r]));
  const methods = [];
  for (let m = 0; m < 20; m++) {
    const [{ id }] = (await db.query(`INSERT INTO method (municipality_id, code, name) VALUES ($1, $2, $2) RETURNING id`, [mun, `M${m}`])).rows;
    const [{ id: plan }] = (await db.query(`INSERT INTO measurement_plan (method_id) VALUES ($1) RETURNING id`, [id])).rows;
    const set = m % 2 ? ['phq9', 'gad7', 'who5'] : ['audit', 'dudit', 'who5'];
    for (const k of ['start', 'follow_up', 'close']) for (const c of set) await db.query(`INSERT INTO measurement_plan_instrument VALUES ($1, $2, $3)`, [plan, k, by[c].id]);
    methods.push({ id, plan, set });
  }
  await db.query(`CREATE TEMP TABLE b_team AS SELECT row_number() OVER () - 1 AS i, id FROM unnest($1::uuid[]) id`, [teams]);
  await db.query(`CREATE TEMP TABLE b_method AS SELECT row_number() OVER () - 1 AS i, id, plan, set FROM jsonb_to_recordset($1::jsonb) x(id uuid, plan uuid, set text[])`, [JSON.stringify(methods)]);
  await q('clients', `INSERT INTO client (municipality_id, pseudonym, home_unit_id, birth_year, sex)
    SELECT $1, 'S-' || lpad(g::text, 7, '0'), (SELECT id FROM b_team WHERE i = g % 80), 1940 + (g * 7919) % 70,
           (ARRAY['female','male','female','male','unknown'])[1 + g % 5]
      FROM generate_series(1, $2) g`, [mun, EPISODES]);
  await db.query(`UPDATE municipality SET next_client_number = $2 WHERE id = $1`, [mun, EPISODES + 1]);
  await q('episodes', `INSERT INTO episode (municipality_id, client_id, method_id, org_unit_id, plan_id, caseworker_user_id, start_date, close_date, close_reason)
    SELECT $1, c.id, m.id, c.home_unit_id, m.plan, $2, s.start, CASE WHEN n % 2 = 0 AND s.start + 400 < current_date THEN s.start + (200 + n % 300)::int END,
           CASE WHEN n % 2 = 0 AND s.start + 400 < current_date THEN 'completed_as_planned' END
      FROM (SELECT id, home_unit_id, row_number() OVER () AS n FROM client WHERE municipality_id = $1) c
      JOIN b_method m ON m.i = c.n % 20
      CROSS JOIN LATERAL (SELECT (date '2021-01-01' + ((c.n * 104729) % 1900)::int) AS start) s`, [mun, user]);
  await q('occasions', `INSERT INTO occasion (municipality_id, episode_id, kind, seq, due_date, window_start, window_end, state, done_on)
    SELECT $1, e.id, o.kind, o.seq, o.due, o.due - 30, o.due + 30,
           CASE WHEN o.due > current_date THEN 'planned' WHEN (hashtext(e.id::text || o.seq) & 15) < 14 THEN 'done' ELSE 'overdue' END,
           CASE WHEN o.due <= current_date AND (hashtext(e.id::text || o.seq) & 15) < 14 THEN o.due + (abs(hashtext(e.id::text)) % 40) - 5 END
      FROM episode e CROSS JOIN LATERAL (
        SELECT 'start' AS kind, 0 AS seq, e.start_date AS due
        UNION ALL SELECT 'follow_up', k, (e.start_date + make_interval(months => 6 * k))::date FROM generate_series(1, 4) k
          WHERE (e.start_date + make_interval(months => 6 * k))::date < coalesce(e.close_date, current_date + 200)
        UNION ALL SELECT 'close', 0, e.close_date WHERE e.close_date IS NOT NULL) o
     WHERE e.municipality_id = $1`, [mun]);
  await db.query(`UPDATE occasion SET done_on = least(done_on, current_date) WHERE done_on > current_date`);
  await db.query(`ALTER TABLE response_answer DROP CONSTRAINT response_answer_pkey, DROP CONSTRAINT response_answer_response_id_fkey`);
  await q('responses', `INSERT INTO response (municipality_id, occasion_id, episode_id, client_id, instrument_id, instrument_version_id, answered_on, respondent, mode, recorded_by)
    SELECT $1, o.id, e.id, e.client_id, i.id, i.version_id, o.done_on, 'client', 'with_caseworker', $2
      FROM occasion o JOIN episode e ON e.id = o.episode_id JOIN b_method m ON m.id = e.method_id
      JOIN LATERAL (SELECT i.id, v.id AS version_id FROM instrument i JOIN instrument_version v ON v.instrument_id = i.id
                     WHERE i.municipality_id IS NULL AND i.code = ANY(m.set)) i ON true
     WHERE o.state = 'done'`, [mun, user]);
  await q('scale scores', `INSERT INTO scale_score (response_id, scale_id, raw, valid)
    SELECT r.id, i.code || '_total', CASE i.code WHEN 'who5' THEN 4 * (abs(hashtext(r.id::text)) % 26) WHEN 'phq9' THEN greatest(0, 20 - o.seq * 3 - (abs(hashtext(r.id::text)) % 9))
                                             WHEN 'gad7' THEN greatest(0, 15 - o.seq * 2 - (abs(hashtext(r.id::text)) % 7)) ELSE abs(hashtext(r.id::text)) % 30 END, true
      FROM response r JOIN instrument i ON i.id = r.instrument_id JOIN occasion o ON o.id = r.occasion_id`);
  await q('answers (10 per response)', `INSERT INTO response_answer (response_id, item_id, value_numeric)
    SELECT r.id, i.code || '_' || k, (abs(hashtext(r.id::text)) + k) % 4 FROM response r JOIN instrument i ON i.id = r.instrument_id CROSS JOIN generate_series(1, 10) k`);
  await q('answer primary key', `ALTER TABLE response_answer ADD PRIMARY KEY (response_id, item_id)`);
  await q('answer foreign key', `ALTER TABLE response_answer ADD FOREIGN KEY (response_id) REFERENCES response(id) ON DELETE CASCADE NOT VALID`);
  await q('validate foreign key', `ALTER TABLE response_answer VALIDATE CONSTRAINT response_answer_response_id_fkey`);
  await q('vacuum analyze', `VACUUM ANALYZE`);
  await db.end();
}

async function freePort() {
  return new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => ok(p));
    });
  });
}

async function main() {
  if (!arg('skip-generate', false)) await generate();
  const ds = createDataSource(URL_, { poolSize: 8, applicationName: 'matpunkt-bench' });
  await ds.initialize();
  const [{ id: mun }] = await ds.query(`SELECT id FROM municipality WHERE code = '0180'`);
  const [counts] = await ds.query(`SELECT (SELECT count(*) FROM response)::int AS responses, (SELECT count(*) FROM response_answer)::int AS answers,
    (SELECT count(*) FROM episode)::int AS episodes, (SELECT count(*) FROM occasion)::int AS occasions, (SELECT count(*) FROM org_unit)::int AS units`);
  log('data', counts);
  await migrate(ds);
  const engine = new AggregationEngine(ds, async () => undefined);
  if (!arg('skip-rebuild', false)) await timeRebuilds(ds, engine, mun);
  if (SECONDS === 0) return ds.destroy();
  await measureFreshness(ds, mun);
  await ds.destroy();
}

async function timeRebuilds(ds, engine, mun) {
  // Warm both the same way: one untimed pass each, then the timed runs.
  await ds.query(`SELECT item_id, count(*), avg(value_numeric) FROM response_answer GROUP BY item_id`);
  const scans = [];
  for (let i = 0; i < 2; i++) {
    const t = Date.now();
    await ds.query(`SELECT item_id, count(*), avg(value_numeric) FROM response_answer GROUP BY item_id`);
    scans.push(Date.now() - t);
  }
  const scan = Math.min(...scans);
  // Cold: every derived table empty (first install, or after a restore without them) — everything is written.
  await ds.query(`TRUNCATE aggregate_client_scale, aggregate_client_episode, aggregate_cell, aggregate_figure, aggregate_reference`);
  await ds.query(`VACUUM ANALYZE aggregate_client_scale, aggregate_client_episode, aggregate_cell, aggregate_figure`);
  const cold = await engine.rebuild(mun);
  await ds.query(`VACUUM ANALYZE aggregate_client_scale, aggregate_client_episode, aggregate_cell, aggregate_figure`);
  // Warm: the nightly case — the same data recomputed from source and compared; only what differs is written.
  const warm = [];
  for (let i = 0; i < 2; i++) warm.push(await engine.rebuild(mun));
  const rebuild = Math.min(...warm.map((w) => w.ms));
  const [{ figures, cells }] = await ds.query(`SELECT (SELECT count(*) FROM aggregate_figure)::int AS figures, (SELECT count(*) FROM aggregate_cell)::int AS cells`);
  log(`GROUP BY scan of response_answer: ${scans.join(', ')} ms`);
  log(`cold rebuild (empty derived tables): ${cold.ms} ms, ratio ${(cold.ms / scan).toFixed(2)}x; rows written ${JSON.stringify(cold.changed)}`);
  log(`warm rebuild (same data): ${warm.map((w) => w.ms).join(', ')} ms, ratio ${(rebuild / scan).toFixed(2)}x; rows written ${JSON.stringify(warm.map((w) => w.changed))}`);
  log(`${figures} figure rows, ${cells} cells`);
  const checkT = Date.now();
  const check = await engine.check(mun);
  log(`aggregates:check: ${check.total} differences in ${Date.now() - checkT} ms`);
}

async function measureFreshness(ds, mun) {
  // Freshness: a worker (child process from dist/, own redis-server) and RATE acknowledged writes per second.
  const redisDir = resolve(`data/bench-redis-${process.pid}`);
  mkdirSync(redisDir, { recursive: true });
  const redisPort = await freePort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', redisDir], { stdio: 'ignore' });
  await sleep(500);
  const worker = spawn(process.execPath, [resolve('dist/apps/worker/src/main.js')], {
    env: { PATH: process.env.PATH, DATABASE_URL: URL_, REDIS_URL: `redis://127.0.0.1:${redisPort}`, LOG_LEVEL: 'warn' },
    stdio: 'inherit',
  });
  await sleep(4000);
  const targets = await ds.query(
    `SELECT r.id AS response_id, r.occasion_id, r.episode_id, r.client_id, r.instrument_id, r.instrument_version_id, r.revision, e.org_unit_id, s.scale_id
       FROM response r JOIN episode e ON e.id = r.episode_id JOIN scale_score s ON s.response_id = r.id
      WHERE r.is_current AND r.municipality_id = $1 ORDER BY hashtext(r.id::text) LIMIT $2`,
    [mun, SECONDS * RATE + 100],
  );
  const [{ uid }] = await ds.query(`SELECT id AS uid FROM app_user LIMIT 1`);
  const outstanding = new Map();
  const latencies = [];
  let written = 0;
  let polling = true;
  const poller = (async () => {
    while (polling || outstanding.size > 0) {
      if (outstanding.size > 0) {
        const units = [...new Set([...outstanding.values()].map((w) => w.unit))];
        const rows = await ds.query(`SELECT scope_key, computed_source_at FROM aggregate_scope_state WHERE scope_key = ANY($1)`, [units.map((u) => `unit:${u}`)]);
        const at = new Map(rows.map((r) => [r.scope_key, r.computed_source_at]));
        const now = Date.now();
        for (const [id, w] of outstanding) {
          const c = at.get(`unit:${w.unit}`);
          if (c && c.getTime() >= w.createdAt) {
            latencies.push(now - w.ackAt);
            outstanding.delete(id);
          } else if (now - w.ackAt > 120000) outstanding.delete(id);
        }
      }
      await sleep(20);
    }
  })();
  const started = Date.now();
  const writer = async (t) => {
    // A correction: a new current revision with a new score, its scale score and its outbox row, in one transaction.
    const res = await ds.transaction(async (m) => {
      await m.query(`UPDATE response SET is_current = false WHERE id = $1`, [t.response_id]);
      const [r] = await m.query(
        `INSERT INTO response (municipality_id, occasion_id, episode_id, client_id, instrument_id, instrument_version_id, revision, supersedes_id, correction_reason,
           answered_on, respondent, mode, recorded_by)
         SELECT municipality_id, occasion_id, episode_id, client_id, instrument_id, instrument_version_id, revision + 1, id, 'bench', answered_on, respondent, mode, $2
           FROM response WHERE id = $1 RETURNING id, revision`,
        [t.response_id, uid],
      );
      await m.query(`INSERT INTO scale_score (response_id, scale_id, raw, valid) VALUES ($1, $2, $3, true)`, [r.id, t.scale_id, Math.floor(Math.random() * 20)]);
      const [o] = await m.query(`INSERT INTO outbox (municipality_id, topic, payload) VALUES ($1, 'response.recorded', $2) RETURNING created_at`, [
        mun,
        JSON.stringify({ responseId: r.id, episodeId: t.episode_id }),
      ]);
      return o.created_at;
    });
    outstanding.set(`${t.response_id}`, { unit: t.org_unit_id, createdAt: res.getTime(), ackAt: Date.now() });
    written++;
  };
  const inflight = new Set();
  for (let i = 0; i < SECONDS * RATE; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const p = writer(targets[i]).finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all(inflight);
  const elapsed = (Date.now() - started) / 1000;
  polling = false;
  await poller;
  log(`freshness: ${written} writes in ${elapsed.toFixed(1)} s (${(written / elapsed).toFixed(1)}/s); measured ${latencies.length}; p50 ${pct(latencies, 50)} ms, p95 ${pct(latencies, 95)} ms, max ${Math.max(...latencies)} ms`);

  // Unit dashboard: the API service's getScope for a team and a unit, as a unit head at the root would call it.
  const units = await ds.query(`SELECT id, kind FROM org_unit WHERE municipality_id = $1 AND kind IN ('unit', 'team')`, [mun]);
  const [rootUnit] = await ds.query(`SELECT id, path FROM org_unit WHERE municipality_id = $1 AND parent_id IS NULL`, [mun]);
  const actor = { userId: uid, municipalityId: mun, username: 'bench', displayName: 'Bench', authMethod: 'session', memberships: [{ unitId: rootUnit.id, unitPath: rootUnit.path, role: 'unit_head' }] };
  const svc = new AggregatesService(ds);
  const times = [];
  for (let i = 0; i < 300; i++) {
    const u = units[i % units.length];
    const t = process.hrtime.bigint();
    await svc.getScope(actor, 'unit', u.id, { period: '2025', breakdown: i % 3 === 0 ? 'sex' : 'all' });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  log(`unit dashboard (AggregatesService.getScope, 300 calls): p50 ${pct(times, 50).toFixed(1)} ms, p95 ${pct(times, 95).toFixed(1)} ms`);
  worker.kill('SIGTERM');
  await sleep(2000);
  redis.kill('SIGTERM');
  rmSync(redisDir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
