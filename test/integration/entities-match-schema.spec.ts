import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource, type EntityMetadata, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { EpisodeCloseReason, EvidenceStatus, OrgUnitKind, Sex } from '#domain';
import { openTestDataSource } from '../utils/database.js';
import {
  AppUserEntity,
  ClientEntity,
  ENTITIES,
  EpisodeEntity,
  GoalEntity,
  InstrumentEntity,
  InstrumentVersionEntity,
  MeasurementPlanEntity,
  MethodEntity,
  MunicipalityEntity,
  OrgUnitEntity,
  OutboxEntity,
} from '../../libs/persistence/src/entities/index.js';

/** information_schema.columns.data_type for each TypeORM column type the entities use. */
const DATA_TYPE: { [typeormType: string]: string } = {
  uuid: 'uuid',
  text: 'text',
  integer: 'integer',
  smallint: 'smallint',
  bigint: 'bigint',
  boolean: 'boolean',
  date: 'date',
  timestamptz: 'timestamp with time zone',
  numeric: 'numeric',
  bytea: 'bytea',
  jsonb: 'jsonb',
};

interface DbColumn {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: 'YES' | 'NO';
  column_default: string | null;
}

let ds: DataSource;
let columnsByTable: Map<string, DbColumn[]>;
let primaryKeysByTable: Map<string, string[]>;
let tables: string[];

beforeAll(async () => {
  // The app's own DataSource (same entities, same migrations), on the migrated test database.
  ds = await openTestDataSource();

  const columns: DbColumn[] = await ds.query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  columnsByTable = new Map();
  for (const c of columns) columnsByTable.set(c.table_name, [...(columnsByTable.get(c.table_name) ?? []), c]);

  const keys: { table_name: string; column_name: string }[] = await ds.query(
    `SELECT k.table_name, k.column_name
       FROM information_schema.table_constraints t
       JOIN information_schema.key_column_usage k
         ON k.constraint_schema = t.constraint_schema AND k.constraint_name = t.constraint_name
      WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = current_schema()`,
  );
  primaryKeysByTable = new Map();
  for (const k of keys)
    primaryKeysByTable.set(k.table_name, [...(primaryKeysByTable.get(k.table_name) ?? []), k.column_name]);

  const rows: { table_name: string }[] = await ds.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  tables = rows.map((r) => r.table_name);
});

afterAll(async () => {
  await ds?.destroy();
});

describe('entities match the migrated schema', () => {
  it('maps every table the migrations create, and nothing else', () => {
    const mapped = ds.entityMetadatas.map((m) => m.tableName).sort();
    expect(mapped).toHaveLength(ENTITIES.length);
    expect(tables.filter((t) => t !== 'schema_migration').sort()).toEqual(mapped);
  });

  describe.each(ENTITIES.map((entity) => [entity.name, entity] as const))('%s', (_name, entity) => {
    const meta = (): EntityMetadata => ds.getMetadata(entity);
    const dbColumns = (): DbColumn[] => columnsByTable.get(meta().tableName) ?? [];

    it('names an existing table', () => {
      expect(dbColumns().length).toBeGreaterThan(0);
    });

    it('maps every table column, each mapped column exists with a compatible type and the same nullability', () => {
      const actual = Object.fromEntries(
        dbColumns().map((c) => [c.column_name, { type: c.data_type, nullable: c.is_nullable === 'YES' }]),
      );
      const expected = Object.fromEntries(
        meta().columns.map((c) => [
          c.databaseName,
          { type: c.isArray ? 'ARRAY' : (DATA_TYPE[String(c.type)] ?? `unmapped ${String(c.type)}`), nullable: c.isNullable },
        ]),
      );
      expect(expected).toEqual(actual);
    });

    it('has the same primary key', () => {
      const expected = meta()
        .primaryColumns.map((c) => c.databaseName)
        .sort();
      expect(expected).toEqual((primaryKeysByTable.get(meta().tableName) ?? []).sort());
    });

    it('declares a default (or generation) exactly where the table has one', () => {
      const withDefault = (c: { default?: unknown; isGenerated: boolean }) => c.default !== undefined || c.isGenerated;
      const expected = meta()
        .columns.filter(withDefault)
        .map((c) => c.databaseName)
        .sort();
      const actual = dbColumns()
        .filter((c) => c.column_default !== null)
        .map((c) => c.column_name)
        .sort();
      expect(expected).toEqual(actual);
    });
  });

  it('round-trips rows through the entities (dates as strings, numeric as numbers, jsonb, bigint ids)', async () => {
    const runner = ds.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      const m = runner.manager;
      const save = <T extends ObjectLiteral>(target: EntityTarget<T>, row: Partial<T>): Promise<T> =>
        m.getRepository(target).save(m.getRepository(target).create(row as T));

      const municipality = await save(MunicipalityEntity, { code: '9999', name: 'Testkommun', clientCodePrefix: 'TK' });
      expect(municipality.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(municipality.nextClientNumber).toBe(1);
      expect(municipality.createdAt).toBeInstanceOf(Date);

      const unit = await save(OrgUnitEntity, {
        municipalityId: municipality.id,
        kind: OrgUnitKind.Unit,
        code: 'U1',
        name: 'Enhet 1',
        path: `/entities-spec-${Date.now()}/`,
      });
      const user = await save(AppUserEntity, {
        municipalityId: municipality.id,
        username: 'entities.spec',
        displayName: 'Spec',
      });
      const method = await save(MethodEntity, {
        municipalityId: municipality.id,
        code: 'MI',
        name: 'MI',
        elementDescriptions: { theory: 'Teori och kunskap' },
      });
      expect(method.evidenceStatus).toBe(EvidenceStatus.NotAssessed);
      const plan = await save(MeasurementPlanEntity, { methodId: method.id });
      expect(plan.intervalMonths).toBe(6);
      const client = await save(ClientEntity, {
        municipalityId: municipality.id,
        pseudonym: 'TK-000001',
        homeUnitId: unit.id,
      });
      expect(client.sex).toBe(Sex.Unknown);
      const episode = await save(EpisodeEntity, {
        municipalityId: municipality.id,
        clientId: client.id,
        methodId: method.id,
        orgUnitId: unit.id,
        planId: plan.id,
        caseworkerUserId: user.id,
        startDate: '2025-01-15',
        closeDate: '2025-07-15',
        closeReason: EpisodeCloseReason.CompletedAsPlanned,
      });
      const goal = await save(GoalEntity, {
        municipalityId: municipality.id,
        episodeId: episode.id,
        text: 'Sova bättre',
        targetValue: 4.5,
        gasLevels: { '-2': 'a', '-1': 'b', '0': 'c', '1': 'd', '2': 'e' },
        createdBy: user.id,
      });
      const instrument = await save(InstrumentEntity, {
        code: 'spec-1',
        licenceKind: 'free',
        municipalityId: municipality.id,
      });
      const text = { sv: 'x', en: 'x' };
      await save(InstrumentVersionEntity, {
        instrumentId: instrument.id,
        version: 1,
        definitionHash: 'h',
        definition: {
          code: 'spec-1',
          version: 1,
          name: text,
          description: text,
          licence: { kind: 'free' },
          languageNote: { swedishText: 'english_placeholder', note: text },
          items: [],
          scales: [],
          citations: [],
        },
      });
      const outbox = await save(OutboxEntity, {
        municipalityId: municipality.id,
        topic: 'spec',
        payload: { episodeId: episode.id, n: [1, 2] },
      });
      expect(typeof outbox.id).toBe('string');

      const episodeBack = await m.findOneByOrFail(EpisodeEntity, { id: episode.id });
      expect(episodeBack.startDate).toBe('2025-01-15');
      expect(episodeBack.closeDate).toBe('2025-07-15');
      const goalBack = await m.findOneByOrFail(GoalEntity, { id: goal.id });
      expect(goalBack.targetValue).toBe(4.5);
      expect(goalBack.gasWeight).toBe(1);
      expect(goalBack.gasLevels?.['2']).toBe('e');
      const methodBack = await m.findOneByOrFail(MethodEntity, { id: method.id });
      expect(methodBack.elementDescriptions).toEqual({ theory: 'Teori och kunskap' });
      const outboxBack = await m.findOneByOrFail(OutboxEntity, { id: outbox.id });
      expect(outboxBack.payload).toEqual({ episodeId: episode.id, n: [1, 2] });
      expect(outboxBack.attempts).toBe(0);
      expect(outboxBack.sentAt).toBeNull();

      // insert() typing with a jsonb column (TypeORM's QueryDeepPartialEntity) and the numeric transformer on write.
      await m
        .createQueryBuilder()
        .insert()
        .into(GoalEntity)
        .values({
          municipalityId: municipality.id,
          episodeId: episode.id,
          text: 'Andra målet',
          gasWeight: 2.25,
          gasLevels: null,
          createdBy: user.id,
        })
        .execute();
      const [{ gas_weight }] = await m.query(`SELECT gas_weight FROM goal WHERE text = 'Andra målet'`);
      expect(gas_weight).toBe('2.25');
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
