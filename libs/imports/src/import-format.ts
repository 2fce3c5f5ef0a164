import { EpisodeCloseReason, OccasionKind, Respondent, Sex } from '#domain';

/** One problem in an import file: the sheet row (header = 1), the column, and why, in Swedish and English. */
export interface RowError {
  row: number;
  column: string;
  reason: { sv: string; en: string };
}

/** The fixed columns of the format (docs/import.md); every other header is an item id. */
export const COLUMNS = {
  clientRef: 'client_ref',
  personnummer: 'personnummer',
  birthYear: 'birth_year',
  sex: 'sex',
  unitCode: 'unit_code',
  methodCode: 'method_code',
  episodeStart: 'episode_start',
  episodeClose: 'episode_close',
  closeReason: 'close_reason',
  occasion: 'occasion',
  answeredOn: 'answered_on',
  instrument: 'instrument',
  instrumentVersion: 'instrument_version',
  respondent: 'respondent',
} as const;

export type ColumnKey = keyof typeof COLUMNS;

export const REQUIRED_COLUMNS: readonly ColumnKey[] = [
  'clientRef',
  'unitCode',
  'methodCode',
  'episodeStart',
  'occasion',
  'answeredOn',
  'instrument',
  'instrumentVersion',
];

/** Swedish headers accepted as well (case and surrounding space ignored). */
export const SWEDISH_HEADERS: Readonly<Record<string, ColumnKey>> = {
  klientreferens: 'clientRef',
  brukarreferens: 'clientRef',
  födelseår: 'birthYear',
  kön: 'sex',
  enhetskod: 'unitCode',
  metodkod: 'methodCode',
  insats_start: 'episodeStart',
  insats_slut: 'episodeClose',
  avslutsorsak: 'closeReason',
  mättillfälle: 'occasion',
  svarsdatum: 'answeredOn',
  formulär: 'instrument',
  formulärversion: 'instrumentVersion',
  svarande: 'respondent',
};

export const SEX_VALUES: Readonly<Record<string, Sex>> = {
  female: Sex.Female,
  male: Sex.Male,
  other: Sex.Other,
  unknown: Sex.Unknown,
  kvinna: Sex.Female,
  man: Sex.Male,
  annat: Sex.Other,
  okänt: Sex.Unknown,
};

export const RESPONDENT_VALUES: Readonly<Record<string, Respondent>> = {
  client: Respondent.Client,
  relative: Respondent.Relative,
  staff: Respondent.Staff,
  brukare: Respondent.Client,
  anhörig: Respondent.Relative,
  personal: Respondent.Staff,
};

export const CLOSE_REASONS: ReadonlySet<string> = new Set(Object.values(EpisodeCloseReason));

export interface OccasionRef {
  kind: OccasionKind;
  seq: number;
}

/** `start`, `close`, `follow_up:N` (N ≥ 1) or `extra:N` (N ≥ 1); null when malformed. */
export function parseOccasion(value: string): OccasionRef | null {
  const v = value.trim().toLowerCase();
  if (v === 'start') return { kind: OccasionKind.Start, seq: 0 };
  if (v === 'close') return { kind: OccasionKind.Close, seq: 0 };
  const m = /^(follow_up|extra):([1-9][0-9]{0,2})$/.exec(v);
  if (!m) return null;
  return { kind: m[1] === 'follow_up' ? OccasionKind.FollowUp : OccasionKind.Extra, seq: Number(m[2]) };
}

export function occasionLabel(o: OccasionRef): string {
  return o.kind === OccasionKind.Start || o.kind === OccasionKind.Close ? o.kind : `${o.kind}:${o.seq}`;
}

/** A calendar date YYYY-MM-DD that exists. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}
