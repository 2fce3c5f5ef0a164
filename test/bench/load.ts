// Load benchmark (docs/benchmarks.md, "Load"; not in CI):
//   npm run bench:load [-- --seconds 25 --warmup 5 --connections 20 --episodes 12000 --keep]
// Builds a fresh database matpunkt_bench_load on 127.0.0.1:5432 (the demo municipality plus a PHQ-9 method with
// many open episodes, each with an unanswered start occasion), starts the API as a child process
// (dist/apps/api/src/main.js), signs in one caseworker and one unit head per connection, and drives it with
// autocannon over loopback:
//   1. mixed: per connection, one PHQ-9 recording then a unit head's dashboard (four aggregate reads), i.e. 1 : 4;
//   2. recording alone (and for 2b on one connection, the uncontended latency);
//   3. baseline: a bare NestJS + Fastify app (test/bench/load-baseline.ts, its own process) doing one INSERT.
// The figure is recording throughput / bare-insert throughput. The database is dropped at the end (--keep keeps it).
// No worker runs: recordings leave their outbox rows unsent, as while a worker is down or behind, and the dashboard
// reads pay for that in their freshness check (docs/benchmarks.md, "Load").
import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import autocannon, { type AutocannonRequest } from 'autocannon';
import pg from 'pg';
import { AggregationEngine } from '#aggregation';
import { verifyAuditChain } from '#audit';
import { createDataSource, migrate } from '#persistence';
import { DEMO_PASSWORD, seedDemo } from '../../apps/cli/src/demo-seed.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] && !process.argv[i + 1]!.startsWith('--') ? process.argv[i + 1]! : fallback;
};
const CONNECTIONS = Number(arg('connections', '20'));
const SECONDS = Number(arg('seconds', '25'));
const WARMUP = Number(arg('warmup', '5'));
const EPISODES = Number(arg('episodes', '12000'));
const KEEP = process.argv.includes('--keep');
const DB_URL = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/matpunkt_bench_load');
const DB_NAME = DB_URL.pathname.slice(1);
const ADMIN_URL = Object.assign(new URL(DB_URL), { pathname: '/postgres' }).toString();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
const iso = (d: Date) => d.toISOString().slice(0, 10);
const load1 = () => loadavg()[0]!.toFixed(2);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolvePort(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, seconds = 90): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

function start(script: string, env: Record<string, string>): ChildProcess {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  delete childEnv.REDIS_URL; // the API's queue on its PostgreSQL backend: no Redis involved
  return spawn(process.execPath, [script], { env: childEnv, stdio: ['ignore', 'inherit', 'inherit'] });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
}

/** CPU seconds (user + system) of a process from /proc, or NaN when it cannot be read. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

interface Session {
  cookie: string;
  csrf: string;
}

async function signIn(base: string, username: string): Promise<Session> {
  const res = await fetch(`${base}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  const body = (await res.json()) as { csrfToken?: string };
  if (res.status !== 200 || !body.csrfToken) throw new Error(`sign-in of ${username}: ${res.status} ${JSON.stringify(body)}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('mp_session='))!.split(';')[0]!;
  return { cookie, csrf: body.csrfToken };
}

/** A random, complete PHQ-9 (nine items 0–3 and the difficulty item). */
function phq9Body(answeredOn: string): string {
  const answers: Record<string, number> = {};
  for (let i = 1; i <= 9; i++) answers[`phq9_${i}`] = randomInt(0, 4);
  answers.phq9_difficulty = randomInt(0, 4);
  return JSON.stringify({ instrumentCode: 'phq9', answeredOn, respondent: 'client', mode: 'with_caseworker', answers });
}

interface KindStats {
  latencies: number[];
  statuses: Map<number, number>;
  samples: string[];
}

interface PhaseResult {
  name: string;
  seconds: number;
  load: string;
  kinds: Map<string, KindStats>;
  errors: number;
  timeouts: number;
  cpu: Record<string, number>;
  waits?: Map<string, number>;
  /** Samples in which an API backend held the audit chain lock, by what that backend was doing. */
  holder?: Map<string, number>;
  waitSamples?: number;
}

// Which request kind the next `response` event belongs to: autocannon calls the request's onResponse and then,
// synchronously, emits `response` with the latency, so this is always the kind of that very response.
let lastKind = '';

function tagged(kind: string, req: AutocannonRequest, stats: () => Map<string, KindStats>, after?: (ctx: Record<string, any>) => void): AutocannonRequest {
  return {
    ...req,
    onResponse: (status, body, ctx) => {
      lastKind = kind;
      if (status < 200 || status > 299) {
        const s = stats().get(kind);
        if (s && s.samples.length < 5) s.samples.push(`${status} ${body.slice(0, 300)}`);
      }
      after?.(ctx);
    },
  };
}

async function main(): Promise<void> {
  if (!DB_NAME.includes('bench')) throw new Error(`Refusing to recreate database "${DB_NAME}": its name must contain "bench".`);
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${DB_NAME}"`);
  const pgVersion = (await admin.query('SHOW server_version')).rows[0].server_version as string;

  const children: ChildProcess[] = [];
  try {
    // ── Data: the demo municipality (history for the dashboards), then the bench users, method and episodes.
    let t0 = Date.now();
    const ds = createDataSource(DB_URL.toString(), { poolSize: 4, applicationName: 'matpunkt-bench-load' });
    await ds.initialize();
    await migrate(ds);
    await seedDemo(ds);
    const [mun] = await ds.query(`SELECT id FROM municipality WHERE code = '0999'`);
    const unitIds: Record<string, string> = Object.fromEntries((await ds.query(`SELECT code, id FROM org_unit`)).map((r: any) => [r.code, r.id]));
    const [psy] = await ds.query(`SELECT id FROM method WHERE code = 'PSY'`);
    const [phq9] = await ds.query(`SELECT id FROM instrument WHERE code = 'phq9' AND municipality_id IS NULL`);
    const rebuilt = await new AggregationEngine(ds, async () => undefined).rebuild(mun.id);
    log(`demo municipality seeded and aggregates rebuilt (${rebuilt.scopes} scopes) in ${Date.now() - t0} ms`);

    t0 = Date.now();
    const [{ password_hash: hash }] = await ds.query(`SELECT password_hash FROM app_user WHERE username = 'admin'`);
    const users = async (prefix: string, role: string, unitId: string): Promise<{ id: string; username: string }[]> =>
      ds.query(
        `WITH u AS (
           INSERT INTO app_user (municipality_id, username, display_name, password_hash)
           SELECT $1, $2 || lpad(g::text, 3, '0'), 'Last ' || $2 || g, $3 FROM generate_series(1, $4::int) g RETURNING id, username)
         , m AS (INSERT INTO membership (user_id, org_unit_id, role) SELECT id, $5, $6 FROM u)
         SELECT id, username FROM u ORDER BY username`,
        [mun.id, prefix, hash, CONNECTIONS, unitId, role],
      );
    const caseworkers = await users('bench-hl-', 'caseworker', unitIds['VUX-PSY']!);
    const heads = await users('bench-ec-', 'unit_head', unitIds.VUX!);
    const [method] = await ds.query(
      `INSERT INTO method (municipality_id, code, name, description, evidence_status) VALUES ($1, 'LAST', 'Lastmätning PHQ-9', 'Bench', 'not_assessed') RETURNING id`,
      [mun.id],
    );
    const [plan] = await ds.query(`INSERT INTO measurement_plan (method_id) VALUES ($1) RETURNING id`, [method.id]);
    await ds.query(
      `INSERT INTO measurement_plan_instrument (plan_id, occasion_kind, instrument_id) SELECT $1, k, $2 FROM unnest(ARRAY['start', 'follow_up', 'close']) k`,
      [plan.id, phq9.id],
    );
    const startDate = iso(new Date(Date.now() - 10 * 86_400_000));
    const answeredOn = iso(new Date(Date.now() - 86_400_000)); // yesterday (UTC): never in the future in Sweden
    // Open episodes started ten days ago: a due start occasion and a planned first follow-up, as EpisodesService.start writes them.
    await ds.query(
      `WITH c AS (
         INSERT INTO client (municipality_id, pseudonym, home_unit_id, birth_year, sex)
         SELECT $1, 'K-' || lpad((100000 + g)::text, 6, '0'), $2, 1950 + g % 55, CASE WHEN g % 2 = 0 THEN 'female' ELSE 'male' END
           FROM generate_series(1, $3::int) g
         RETURNING id, pseudonym)
       , e AS (
         INSERT INTO episode (municipality_id, client_id, method_id, org_unit_id, plan_id, caseworker_user_id, start_date)
         SELECT $1, c.id, $4, $2, $5, ($6::uuid[])[1 + substring(c.pseudonym FROM 3)::int % array_length($6::uuid[], 1)], $7::date FROM c
         RETURNING id, start_date)
       INSERT INTO occasion (municipality_id, episode_id, kind, seq, due_date, window_start, window_end, state)
       SELECT $1, e.id, 'start', 0, e.start_date, e.start_date - 14, e.start_date + 30, 'due' FROM e
       UNION ALL
       SELECT $1, e.id, 'follow_up', 1, (e.start_date + interval '6 months')::date, (e.start_date + interval '6 months')::date - 30,
              (e.start_date + interval '6 months')::date + 30, 'planned' FROM e`,
      [mun.id, unitIds['VUX-PSY'], EPISODES, method.id, plan.id, caseworkers.map((c) => c.id), startDate],
    );
    await ds.query(`UPDATE municipality SET next_client_number = $2 WHERE id = $1`, [mun.id, 100000 + EPISODES + 1]);
    await ds.query(`CREATE TABLE bench_load_insert (id bigserial PRIMARY KEY, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
    const rows: { id: string; caseworker_user_id: string }[] = await ds.query(
      `SELECT o.id, e.caseworker_user_id FROM occasion o JOIN episode e ON e.id = o.episode_id WHERE e.method_id = $1 AND o.kind = 'start'`,
      [method.id],
    );
    const cwIndex = new Map(caseworkers.map((c, i) => [c.id, i]));
    const queues: string[][] = caseworkers.map(() => []);
    for (const r of rows) queues[cwIndex.get(r.caseworker_user_id)!]!.push(r.id);
    await ds.query(`VACUUM ANALYZE`);
    log(`${EPISODES} open episodes with a due start occasion, ${CONNECTIONS} caseworkers and ${CONNECTIONS} unit heads in ${Date.now() - t0} ms`);

    // ── The API, as production runs it.
    const apiPort = await freePort();
    const api = start('dist/apps/api/src/main.js', {
      DATABASE_URL: DB_URL.toString(),
      PORT: String(apiPort),
      LOG_LEVEL: 'warn',
      SIGN_IN_RATE_LIMIT_PER_IP: '1000000',
      SIGN_IN_RATE_LIMIT_PER_USERNAME: '1000000',
    });
    children.push(api);
    const base = `http://127.0.0.1:${apiPort}`;
    await waitFor(`${base}/health/ready`, api);
    const cwSessions: Session[] = [];
    for (const c of caseworkers) cwSessions.push(await signIn(base, c.username));
    const headSessions: Session[] = [];
    for (const h of heads) headSessions.push(await signIn(base, h.username));
    log(`API on ${base} (pid ${api.pid}); ${cwSessions.length + headSessions.length} sessions`);

    // A unit head opening the unit's dashboard: the unit's figures (rolling 12 months), by sex, the PHQ-9 trend, and evidence for the method.
    const vux = unitIds.VUX!;
    const dashboard = [
      { kind: 'read: unit figures', path: `/api/v1/aggregates/units/${vux}` },
      { kind: 'read: unit figures by sex', path: `/api/v1/aggregates/units/${vux}?breakdown=sex` },
      { kind: 'read: unit PHQ-9 trend', path: `/api/v1/aggregates/units/${vux}/trends?subject=${phq9.id}/phq9_total` },
      { kind: 'read: method evidence', path: `/api/v1/aggregates/evidence?methodId=${psy.id}&unitId=${vux}` },
    ];
    for (const d of dashboard) {
      const res = await fetch(`${base}${d.path}`, { headers: { cookie: headSessions[0]!.cookie } });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${d.path}: ${res.status} ${text.slice(0, 300)}`);
      log(`${d.kind}: 200, ${text.length} bytes`);
    }

    // Each connection holds a slot (one caseworker and one unit head, with their sessions) for a whole cycle of
    // its requests, so no two requests in flight share a session; a caseworker records on their own episodes.
    const freeSlots = Array.from({ length: CONNECTIONS }, (_, i) => i);
    let overflow = 0;
    const acquire = (ctx: Record<string, any>): number => {
      ctx.slot ??= freeSlots.pop() ?? overflow++ % CONNECTIONS;
      return ctx.slot as number;
    };
    const release = (ctx: Record<string, any>) => {
      if (ctx.slot !== undefined) freeSlots.push(ctx.slot as number);
      ctx.slot = undefined;
    };
    let exhausted = 0;
    const nextOccasion = (slot: number): string => {
      const own = queues[slot]!.pop();
      if (own) return own;
      exhausted++;
      const other = queues.find((q) => q.length > 0)?.pop();
      if (!other) throw new Error('out of unanswered occasions: raise --episodes');
      return other;
    };

    let current = new Map<string, KindStats>();
    const stats = () => current;
    const writeRequest = (last: boolean): AutocannonRequest =>
      tagged(
        'write: record PHQ-9',
        {
          method: 'POST',
          path: '/',
          setupRequest: (req, ctx) => {
            const slot = acquire(ctx);
            const s = cwSessions[slot]!;
            return {
              ...req,
              path: `/api/v1/occasions/${nextOccasion(slot)}/responses`,
              headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf, 'idempotency-key': randomUUID() },
              body: phq9Body(answeredOn),
            };
          },
        },
        stats,
        last ? release : undefined,
      );
    const readRequest = (d: { kind: string; path: string }, last: boolean): AutocannonRequest =>
      tagged(
        d.kind,
        {
          method: 'GET',
          path: d.path,
          setupRequest: (req, ctx) => ({ ...req, headers: { cookie: headSessions[acquire(ctx)]!.cookie } }),
        },
        stats,
        last ? release : undefined,
      );
    const mixed = [writeRequest(false), ...dashboard.map((d, i) => readRequest(d, i === dashboard.length - 1))];
    const recordingOnly = [writeRequest(true)];
    let acknowledgedWrites = 0;

    /** PostgreSQL backends of the API (by application name) in the bench database. */
    const apiBackends = async (): Promise<number[]> =>
      (await admin.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'matpunkt-%' AND pid <> pg_backend_pid()`, [DB_NAME])).rows.map(
        (r) => r.pid as number,
      );

    const runPhase = async (
      name: string,
      url: string,
      requests: AutocannonRequest[],
      seconds: number,
      opts: { serverPid: number; backends: (() => Promise<number[]>) | null; sampleWaits?: boolean; connections?: number },
    ): Promise<PhaseResult> => {
      current = new Map();
      const load = load1();
      const backendPids = opts.backends ? await opts.backends() : [];
      const db0 = new Map(backendPids.map((p) => [p, cpuSeconds(p)]));
      const cpu0 = { server: cpuSeconds(opts.serverPid), bench: process.cpuUsage() };
      const waits = new Map<string, number>();
      const holder = new Map<string, number>();
      let waitSamples = 0;
      let sampling = opts.sampleWaits ?? false;
      // Sampled every 50 ms: what the API's backends do, and whether the audit chain's advisory lock (key 7367876,
      // held from an audit INSERT to commit) is held, and by a backend doing what.
      const sampler = (async () => {
        while (sampling) {
          const { rows: act } = await admin.query(
            `SELECT a.state, a.wait_event_type, a.wait_event,
                    EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.objid = 7367876 AND l.granted) AS holds_chain
               FROM pg_stat_activity a WHERE a.datname = $1 AND a.application_name = 'matpunkt-api' AND a.pid <> pg_backend_pid()`,
            [DB_NAME],
          );
          waitSamples++;
          const what = (a: any) => (a.state === 'active' ? `active: ${a.wait_event_type ? `${a.wait_event_type}/${a.wait_event}` : 'on CPU'}` : a.state);
          for (const a of act) {
            waits.set(what(a), (waits.get(what(a)) ?? 0) + 1);
            if (a.holds_chain) holder.set(what(a), (holder.get(what(a)) ?? 0) + 1);
          }
          await sleep(50);
        }
      })();
      const t = Date.now();
      const instance = autocannon({ url, connections: opts.connections ?? CONNECTIONS, duration: seconds, pipelining: 1, timeout: 30, requests });
      instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
        let s = current.get(lastKind);
        if (!s) current.set(lastKind, (s = { latencies: [], statuses: new Map(), samples: [] }));
        s.latencies.push(ms);
        s.statuses.set(status, (s.statuses.get(status) ?? 0) + 1);
        if (lastKind.startsWith('write') && status === 201) acknowledgedWrites++;
      });
      const result = await instance;
      const elapsed = (Date.now() - t) / 1000;
      sampling = false;
      await sampler;
      const bench = process.cpuUsage(cpu0.bench);
      const cpu = {
        server: cpuSeconds(opts.serverPid) - cpu0.server,
        // A backend that ended during the phase (NaN) is left out.
        db: [...db0].reduce((a, [p, c0]) => a + (Number.isNaN(cpuSeconds(p) - c0) ? 0 : cpuSeconds(p) - c0), 0),
        bench: (bench.user + bench.system) / 1e6,
        wall: elapsed,
      };
      return { name, seconds: result.duration || elapsed, load, kinds: current, errors: result.errors, timeouts: result.timeouts, cpu, waits, holder, waitSamples };
    };

    const apiPid = api.pid!;
    log(`warm-up ${WARMUP} s (mixed, not reported) · load ${load1()}`);
    await runPhase('warm-up', base, mixed, WARMUP, { serverPid: apiPid, backends: null });
    log(`1. mixed ${SECONDS} s, ${CONNECTIONS} connections · load ${load1()}`);
    const phaseMixed = await runPhase('mixed', base, mixed, SECONDS, { serverPid: apiPid, backends: apiBackends, sampleWaits: true });
    log(`2. recording alone ${SECONDS} s · load ${load1()}`);
    const phaseRecord = await runPhase('recording alone', base, recordingOnly, SECONDS, { serverPid: apiPid, backends: apiBackends, sampleWaits: true });
    const singleSeconds = Math.max(5, Math.round(SECONDS / 2));
    log(`2b. recording alone on 1 connection (uncontended latency), ${singleSeconds} s · load ${load1()}`);
    const phaseSingle = await runPhase('recording, 1 connection', base, recordingOnly, singleSeconds, {
      serverPid: apiPid,
      backends: apiBackends,
      sampleWaits: true,
      connections: 1,
    });
    await stop(api);

    // Every acknowledged recording is stored exactly once, and the audit chain holds.
    const [{ n: stored }] = await ds.query(`SELECT count(*)::int AS n FROM response r JOIN episode e ON e.id = r.episode_id WHERE e.method_id = $1`, [method.id]);
    const [{ n: auditRows }] = await ds.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'create' AND resource = 'response'`);
    const [{ n: unsent }] = await ds.query(`SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL`);
    const chain = await verifyAuditChain(ds);
    log(`stored responses ${stored}, acknowledged ${acknowledgedWrites}, audit rows (create response) ${auditRows}, unsent outbox rows ${unsent}; audit chain ${chain.ok ? 'ok' : `BROKEN at ${chain.firstBrokenId}`} (${chain.checked} rows)`);

    // ── Baseline: bare NestJS + Fastify, one INSERT through pg, same connections and duration.
    const basePort = await freePort();
    const baseline = start('dist/test/bench/load-baseline.js', { DATABASE_URL: DB_URL.toString(), PORT: String(basePort) });
    children.push(baseline);
    const baseUrl = `http://127.0.0.1:${basePort}`;
    await waitFor(`${baseUrl}/ready`, baseline);
    const insert = [
      tagged(
        'bare INSERT',
        { method: 'POST', path: '/insert', setupRequest: (req) => ({ ...req, headers: { 'content-type': 'application/json' }, body: phq9Body(answeredOn) }) },
        stats,
      ),
    ];
    const baselineBackends = async (): Promise<number[]> =>
      (await admin.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'matpunkt-bench-baseline'`, [DB_NAME])).rows.map((r) => r.pid as number);
    log(`3. baseline warm-up ${WARMUP} s, then ${SECONDS} s · load ${load1()}`);
    await runPhase('baseline warm-up', baseUrl, insert, WARMUP, { serverPid: baseline.pid!, backends: null });
    const phaseBaseline = await runPhase('bare INSERT', baseUrl, insert, SECONDS, { serverPid: baseline.pid!, backends: baselineBackends });
    await stop(baseline);
    const [{ n: inserted }] = await ds.query(`SELECT count(*)::int AS n FROM bench_load_insert`);
    await ds.destroy();

    // ── Summary.
    const rowsOut: string[] = [];
    const summary: Record<string, unknown>[] = [];
    const rate = (p: PhaseResult, kinds?: (k: string) => boolean, ok = false) => {
      let n = 0;
      for (const [k, s] of p.kinds) if (!kinds || kinds(k)) n += ok ? [...s.statuses].filter(([c]) => c >= 200 && c < 300).reduce((a, [, c]) => a + c, 0) : s.latencies.length;
      return n / p.seconds;
    };
    const line = (p: PhaseResult, label: string, pick: (k: string) => boolean) => {
      const lat = [...p.kinds].filter(([k]) => pick(k)).flatMap(([, s]) => s.latencies).sort((a, b) => a - b);
      const non2xx = [...p.kinds].filter(([k]) => pick(k)).reduce((a, [, s]) => a + [...s.statuses].filter(([c]) => c < 200 || c > 299).reduce((x, [, c]) => x + c, 0), 0);
      const row = {
        phase: p.name,
        kind: label,
        requests: lat.length,
        rps: Number(rate(p, pick).toFixed(1)),
        p50: Number(percentile(lat, 50).toFixed(1)),
        p95: Number(percentile(lat, 95).toFixed(1)),
        p99: Number(percentile(lat, 99).toFixed(1)),
        non2xx,
        load: p.load,
      };
      summary.push(row);
      rowsOut.push(
        `| ${row.phase} | ${row.kind} | ${row.requests.toLocaleString('en')} | ${row.rps.toLocaleString('en')} | ${row.p50} | ${row.p95} | ${row.p99} | ${row.non2xx} | ${row.load} |`,
      );
    };
    for (const p of [phaseMixed, phaseRecord, phaseSingle, phaseBaseline]) {
      const kinds = [...p.kinds.keys()].sort();
      if (kinds.length > 1) for (const k of kinds) line(p, k, (x) => x === k);
      line(p, kinds.length > 1 ? 'all' : kinds[0]!, () => true);
    }
    const recordRps = rate(phaseRecord, undefined, true);
    const bareRps = rate(phaseBaseline, undefined, true);
    const cpuLine = (p: PhaseResult, server: string) =>
      `${p.name}: ${server} ${(p.cpu.server / p.cpu.wall).toFixed(2)} cores · its PostgreSQL backends ${(p.cpu.db / p.cpu.wall).toFixed(2)} · autocannon ${(p.cpu.bench / p.cpu.wall).toFixed(2)} (of 2)`;
    // What the API's backends did while recording alone (the audit chain lock shows up as Lock/advisory).
    const waits = [...(phaseRecord.waits ?? new Map<string, number>())].sort((a, b) => b[1] - a[1]);
    const waitTotal = waits.reduce((a, [, n]) => a + n, 0);
    const held = (p: PhaseResult) => [...(p.holder ?? new Map<string, number>())].sort((a, b) => b[1] - a[1]);
    const heldLine = (p: PhaseResult) => {
      const h = held(p);
      const n = h.reduce((a, [, c]) => a + c, 0);
      return `held in ${((100 * n) / (p.waitSamples ?? 1)).toFixed(0)}% of ${p.waitSamples} samples; its holder was ${h.map(([k, c]) => `${k} ${((100 * c) / n).toFixed(0)}%`).join(', ')}`;
    };
    const problems = [phaseMixed, phaseRecord, phaseSingle, phaseBaseline].flatMap((p) =>
      [...p.kinds].filter(([, s]) => s.samples.length > 0).map(([k, s]) => `${p.name} / ${k}: ${s.samples.join(' ‖ ')}`),
    );

    process.stdout.write(
      `\n| phase | kind | requests | req/s | p50 ms | p95 ms | p99 ms | non-2xx | load (1 min) at start |\n|---|---|---|---|---|---|---|---|---|\n${rowsOut.join('\n')}\n\n` +
        `ratio: recording ${recordRps.toFixed(1)} req/s / bare INSERT ${bareRps.toFixed(1)} req/s = ${(recordRps / bareRps).toFixed(3)} (bare is ${(bareRps / recordRps).toFixed(1)}×)\n` +
        `errors/timeouts: mixed ${phaseMixed.errors}/${phaseMixed.timeouts}, recording ${phaseRecord.errors}/${phaseRecord.timeouts} and ${phaseSingle.errors}/${phaseSingle.timeouts}, bare ${phaseBaseline.errors}/${phaseBaseline.timeouts}\n` +
        `CPU (cores busy on average): ${cpuLine(phaseMixed, 'API')}; ${cpuLine(phaseRecord, 'API')}; ${cpuLine(phaseSingle, 'API')}; ${cpuLine(phaseBaseline, 'bare app')}\n` +
        `API backends while recording alone (${phaseRecord.waitSamples} samples every 50 ms, share of backend-samples): ` +
        `${waits.map(([k, n]) => `${k} ${((100 * n) / waitTotal).toFixed(1)}%`).join(', ')}\n` +
        `audit chain lock, mixed: ${heldLine(phaseMixed)}\n` +
        `audit chain lock, recording alone: ${heldLine(phaseRecord)}\n` +
        `audit chain lock, recording on 1 connection: ${heldLine(phaseSingle)}\n` +
        `occasions taken from another caseworker's queue: ${exhausted}; bare rows inserted: ${inserted}\n` +
        (problems.length ? `non-2xx samples:\n  ${problems.join('\n  ')}\n` : '') +
        `\n${JSON.stringify({
          date: new Date().toISOString(),
          machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), postgres: pgVersion, node: process.version },
          connections: CONNECTIONS,
          seconds: SECONDS,
          episodes: EPISODES,
          summary,
          ratio: Number((recordRps / bareRps).toFixed(4)),
          cpu: Object.fromEntries([phaseMixed, phaseRecord, phaseSingle, phaseBaseline].map((p) => [p.name, p.cpu])),
          waits: Object.fromEntries(waits.map(([k, n]) => [k, Number(((100 * n) / waitTotal).toFixed(1))])),
          chainLock: Object.fromEntries([phaseMixed, phaseRecord, phaseSingle].map((p) => [p.name, { samples: p.waitSamples, holder: Object.fromEntries(held(p)) }])),
          stored,
          acknowledgedWrites,
          auditChainOk: chain.ok,
        })}\n`,
    );
    // A recording still in flight when a phase's time ran out is stored without its 201 being counted (≤ connections per phase).
    if (stored < acknowledgedWrites || stored > acknowledgedWrites + 4 * CONNECTIONS) {
      throw new Error(`stored ${stored} responses but ${acknowledgedWrites} were acknowledged`);
    }
  } finally {
    for (const c of children) await stop(c);
    if (!KEEP) {
      await admin.query(`DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`);
      log(`dropped ${DB_NAME}`);
    }
    await admin.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
