import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { Role } from '#domain';
import { BUILT_IN_INSTRUMENTS, definitionHash, type InstrumentDefinition } from '#instruments';
import { createDataSource, InstrumentRepository, migrate } from '#persistence';
import { WorldFactory } from '../factories/world.factory.js';
import { testDatabaseUrl } from '../utils/database.js';

// These tests tamper with built-in rows, which every other test file relies on, so they run on a database of their own.
const dbName = `matpunkt_test_catalog_${randomUUID().slice(0, 8)}`;
const url = (() => {
  const u = new URL(testDatabaseUrl());
  u.pathname = `/${dbName}`;
  return u.toString();
})();

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const u = new URL(testDatabaseUrl());
  u.pathname = '/postgres';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

let ds: DataSource;
let migrated: string[];

beforeAll(async () => {
  await admin((c) => c.query(`CREATE DATABASE "${dbName}"`));
  ds = createDataSource(url, { poolSize: 2, applicationName: 'matpunkt-test-catalog' });
  await ds.initialize();
  migrated = await migrate(ds);
});

afterAll(async () => {
  await ds?.destroy();
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`));
});

async function builtInVersions(): Promise<Array<{ code: string; version: number; definition_hash: string; definition: InstrumentDefinition }>> {
  return ds.query(
    `SELECT i.code, v.version, v.definition_hash, v.definition
       FROM instrument i JOIN instrument_version v ON v.instrument_id = i.id
      WHERE i.municipality_id IS NULL ORDER BY i.code, v.version`,
  );
}

describe('installBuiltIns', () => {
  it('runs with the migrations, which still report the migrations they ran', async () => {
    expect(migrated).toContain('CreateFoundationSchema1764460800000');
    expect(await migrate(ds)).toEqual([]);
  });

  it('is idempotent: exactly one version row per built-in, holding the shipped definition and hash', async () => {
    const repo = new InstrumentRepository(ds);
    await repo.installBuiltIns();
    await repo.installBuiltIns();
    const rows = await builtInVersions();
    const expected = [...BUILT_IN_INSTRUMENTS].sort((a, b) => a.code.localeCompare(b.code));
    expect(rows.map((r) => `${r.code}@${r.version}`)).toEqual(expected.map((d) => `${d.code}@${d.version}`));
    rows.forEach((r, k) => {
      expect(r.definition_hash).toBe(definitionHash(expected[k]!));
      expect(r.definition).toEqual(JSON.parse(JSON.stringify(expected[k])));
    });
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM instrument WHERE municipality_id IS NULL`);
    expect(n).toBe(BUILT_IN_INSTRUMENTS.length);
  });

  it('fails loudly, and changes nothing, when a stored built-in version differs from the shipped one', async () => {
    const where = `instrument_id = (SELECT id FROM instrument WHERE municipality_id IS NULL AND code = 'who5') AND version = 1`;
    await ds.query(`UPDATE instrument_version SET definition_hash = 'tampered' WHERE ${where}`);
    try {
      await expect(new InstrumentRepository(ds).installBuiltIns()).rejects.toThrow(/who5 version 1 differs/);
      await expect(migrate(ds)).rejects.toThrow(/who5 version 1 differs/);
      const [row] = await ds.query(`SELECT definition_hash FROM instrument_version WHERE ${where}`);
      expect(row.definition_hash).toBe('tampered');
    } finally {
      await ds.query(`UPDATE instrument_version SET definition_hash = $1 WHERE ${where}`, [definitionHash(BUILT_IN_INSTRUMENTS.find((d) => d.code === 'who5')!)]);
    }
    await expect(new InstrumentRepository(ds).installBuiltIns()).resolves.toBeUndefined();
  });
});

describe('instrument_version_freeze trigger', () => {
  it('refuses to UPDATE or DELETE a version a response uses; an unused version is not frozen', async () => {
    const f = new WorldFactory(ds);
    const world = await f.create();
    const caseworker = await f.user(world.municipalityId, Role.Caseworker, world.unitA);
    const repo = new InstrumentRepository(ds);
    const base = BUILT_IN_INSTRUMENTS.find((d) => d.code === 'gad7')!;
    const instrument = (await repo.insertInstrument(world.municipalityId, { code: 'frozen_demo', licenceKind: 'customer_supplied' }))!;
    const used = (await repo.insertVersion(instrument.id, { ...base, code: 'frozen_demo', version: 1 }))!;
    const unused = (await repo.insertVersion(instrument.id, { ...base, code: 'frozen_demo', version: 2 }))!;

    // The minimal chain a response needs: method → plan, client → episode → occasion.
    const m = world.municipalityId;
    const [method] = await ds.query(`INSERT INTO method (municipality_id, code, name) VALUES ($1, 'm1', 'Metod') RETURNING id`, [m]);
    const [plan] = await ds.query(`INSERT INTO measurement_plan (method_id) VALUES ($1) RETURNING id`, [method.id]);
    const [client] = await ds.query(`INSERT INTO client (municipality_id, pseudonym, home_unit_id) VALUES ($1, 'K-000001', $2) RETURNING id`, [m, world.unitA.id]);
    const [episode] = await ds.query(
      `INSERT INTO episode (municipality_id, client_id, method_id, org_unit_id, plan_id, caseworker_user_id, start_date)
       VALUES ($1, $2, $3, $4, $5, $6, '2025-01-15') RETURNING id`,
      [m, client.id, method.id, world.unitA.id, plan.id, caseworker.id],
    );
    const [occasion] = await ds.query(
      `INSERT INTO occasion (municipality_id, episode_id, kind, seq, due_date, window_start, window_end)
       VALUES ($1, $2, 'start', 0, '2025-01-15', '2025-01-01', '2025-02-14') RETURNING id`,
      [m, episode.id],
    );
    await ds.query(
      `INSERT INTO response (municipality_id, occasion_id, episode_id, client_id, instrument_id, instrument_version_id, answered_on, respondent, mode, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, '2025-01-15', 'client', 'paper', $7)`,
      [m, occasion.id, episode.id, client.id, instrument.id, used.id, caseworker.id],
    );

    await expect(ds.query(`UPDATE instrument_version SET definition_hash = 'changed' WHERE id = $1`, [used.id])).rejects.toThrow(
      /is used by responses and cannot change/,
    );
    await expect(ds.query(`UPDATE instrument_version SET definition = definition || '{"version": 9}' WHERE id = $1`, [used.id])).rejects.toThrow(
      /cannot change/,
    );
    await expect(ds.query(`DELETE FROM instrument_version WHERE id = $1`, [used.id])).rejects.toThrow(/cannot change/);
    const [row] = await ds.query(`SELECT definition_hash FROM instrument_version WHERE id = $1`, [used.id]);
    expect(row.definition_hash).toBe(used.definitionHash);

    await ds.query(`UPDATE instrument_version SET created_at = created_at WHERE id = $1`, [unused.id]);
  });
});
