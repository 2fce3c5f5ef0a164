import type { DataSource } from 'typeorm';
import { addDays, addMonths, DEFAULT_PLAN_TIMING, EvidenceStatus, type IsoDate, luhnValid, OccasionKind, Role } from '#domain';
import { GAD7, PHQ9 } from '#instruments';
import { InstrumentRepository, MethodRepository } from '#persistence';
import { WorldFactory } from './world.factory.js';

/** The fixed columns of docs/import.md, in the order the generated files use. */
export const IMPORT_FIXED_COLUMNS = [
  'client_ref',
  'personnummer',
  'birth_year',
  'sex',
  'unit_code',
  'method_code',
  'episode_start',
  'episode_close',
  'close_reason',
  'occasion',
  'answered_on',
  'instrument',
  'instrument_version',
] as const;

const PHQ9_ITEMS = PHQ9.items.map((i) => i.id);
const GAD7_ITEMS = GAD7.items.map((i) => i.id);
export const IMPORT_ITEM_COLUMNS = [...PHQ9_ITEMS, ...GAD7_ITEMS];
/** Responses per generated client: start, two follow-ups and close, each with PHQ-9 and GAD-7. */
export const RESPONSES_PER_CLIENT = 8;

export interface ImportFileOptions {
  /** How many responses (rows); clients get 8 each, the last one fewer when it does not divide. */
  responses: number;
  unitCode: string;
  methodCode: string;
  /** The importing day: every date lies before it. */
  today: IsoDate;
  /** Makes references unique per test (a municipality sees references across its units). */
  refPrefix: string;
  /** Every n-th client carries a personnummer (0: none). */
  identityEvery?: number;
  seed?: number;
}

/** A valid personnummer for client number i (unique for i < 13 million), with its legal sex. */
export function personnummerFor(i: number): { pnr: string; sex: 'female' | 'male' } {
  const year = 1950 + (i % 50);
  const month = 1 + (Math.floor(i / 50) % 12);
  const day = 1 + (Math.floor(i / 600) % 28);
  const serial = Math.floor(i / 16_800) % 1000;
  const ten = `${String(year).slice(2)}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(serial).padStart(3, '0')}`;
  let check = 0;
  while (!luhnValid(`${ten}${check}`)) check++;
  return { pnr: `${year}${ten.slice(2, 6)}-${ten.slice(6)}${check}`, sex: Number(ten[8]) % 2 === 1 ? 'male' : 'female' };
}

/** A small deterministic generator (mulberry32), so a seed gives the same file every time. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Rows of a valid import file (header first): closed episodes of 13–17 months with start, two
 * follow-ups and close, each answered with PHQ-9 (with its difficulty item) and GAD-7.
 */
export function* importRows(o: ImportFileOptions): Generator<string[]> {
  const rand = random(o.seed ?? 42);
  yield [...IMPORT_FIXED_COLUMNS, ...IMPORT_ITEM_COLUMNS];
  const blankPhq = PHQ9_ITEMS.map(() => '');
  const blankGad = GAD7_ITEMS.map(() => '');
  let written = 0;
  for (let c = 0; written < o.responses; c++) {
    const start = addDays(o.today, -(760 + Math.floor(rand() * 365)));
    const close = addDays(addMonths(start, 13), Math.floor(rand() * 120));
    const withIdentity = o.identityEvery ? c % o.identityEvery === 0 : false;
    const identity = withIdentity ? personnummerFor(c) : null;
    const sex = identity ? '' : rand() < 0.55 ? 'female' : 'male';
    const birthYear = identity ? '' : String(1950 + Math.floor(rand() * 55));
    const severity = 0.3 + rand() * 0.6;
    const occasions: [string, IsoDate][] = [
      ['start', addDays(start, Math.floor(rand() * 10))],
      ['follow_up:1', addDays(addMonths(start, 6), Math.floor(rand() * 20) - 10)],
      ['follow_up:2', addDays(addMonths(start, 12), Math.floor(rand() * 20) - 10)],
      ['close', addDays(close, -Math.floor(rand() * 10))],
    ];
    for (const [k, [occasion, answeredOn]] of occasions.entries()) {
      const level = Math.max(0, severity - k * 0.1);
      const answer = () => String(Math.min(3, Math.max(0, Math.round(level * 3 + (rand() - 0.5) * 1.5))));
      const fixed = [
        `${o.refPrefix}-${c}`,
        identity?.pnr ?? '',
        birthYear,
        sex,
        o.unitCode,
        o.methodCode,
        start,
        close,
        'completed_as_planned',
        occasion,
        answeredOn,
      ];
      if (written++ >= o.responses) return;
      yield [...fixed, 'phq9', '1', ...PHQ9_ITEMS.map(answer), ...blankGad];
      if (written++ >= o.responses) return;
      yield [...fixed, 'gad7', '1', ...blankPhq, ...GAD7_ITEMS.map(answer)];
    }
  }
}

function csvField(value: string, delimiter: string): string {
  return value.includes(delimiter) || value.includes('"') || value.includes('\n') ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A CSV file (UTF-8, CRLF) of the rows. */
export function toCsv(rows: Iterable<string[]>, delimiter: ',' | ';' = ','): string {
  let out = '';
  for (const row of rows) out += row.map((v) => csvField(v, delimiter)).join(delimiter) + '\r\n';
  return out;
}

/**
 * A world to import into: the WorldFactory tree, a unit head of unit A (who may import there), a
 * caseworker and a politician, and a method whose plan asks for PHQ-9 and GAD-7 at start, follow-ups and close.
 */
export async function createImportWorld(ds: DataSource) {
  const factory = new WorldFactory(ds);
  const world = await factory.create();
  const unitHead = await factory.user(world.municipalityId, Role.UnitHead, world.unitA);
  const caseworker = await factory.user(world.municipalityId, Role.Caseworker, world.unitA);
  const politician = await factory.user(world.municipalityId, Role.Politician, world.root);
  const catalogue = new InstrumentRepository(ds);
  const planInstruments = [];
  for (const code of ['phq9', 'gad7']) {
    const version = (await catalogue.findVersion(world.municipalityId, code))!;
    for (const occasionKind of [OccasionKind.Start, OccasionKind.FollowUp, OccasionKind.Close]) planInstruments.push({ occasionKind, instrumentId: version.instrumentId });
  }
  const methods = new MethodRepository(ds);
  const methodCode = `IMP-${world.suffix}`;
  const methodId = (await methods.insertMethod(world.municipalityId, { code: methodCode, name: `Metod ${methodCode}`, description: '', evidenceStatus: EvidenceStatus.NotAssessed }))!;
  await methods.insertPlan(methodId, { ...DEFAULT_PLAN_TIMING, requiresAdjustmentDecision: true }, planInstruments);
  return { world, unitHead, caseworker, politician, methodId, methodCode };
}

/** Row counts of every table an import writes (to show that a dry run or a re-run adds nothing). */
export async function importTableCounts(ds: DataSource, municipalityId: string): Promise<Record<string, number>> {
  const [row] = await ds.query(
    `SELECT (SELECT count(*)::int FROM client WHERE municipality_id = $1) AS client,
            (SELECT count(*)::int FROM import_client_ref WHERE municipality_id = $1) AS import_client_ref,
            (SELECT count(*)::int FROM episode WHERE municipality_id = $1) AS episode,
            (SELECT count(*)::int FROM occasion WHERE municipality_id = $1) AS occasion,
            (SELECT count(*)::int FROM response WHERE municipality_id = $1) AS response,
            (SELECT count(*)::int FROM response_answer a JOIN response r ON r.id = a.response_id WHERE r.municipality_id = $1) AS response_answer,
            (SELECT count(*)::int FROM scale_score s JOIN response r ON r.id = s.response_id WHERE r.municipality_id = $1) AS scale_score,
            (SELECT count(*)::int FROM outbox WHERE municipality_id = $1) AS outbox,
            (SELECT next_client_number FROM municipality WHERE id = $1) AS next_client_number`,
    [municipalityId],
  );
  return row;
}
