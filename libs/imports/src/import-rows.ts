import { type IsoDate, parseIdentityNumber, type Respondent, Respondent as R, type Sex, DomainError, type EpisodeCloseReason } from '#domain';
import type { CsvRecord } from './csv.js';
import {
  CLOSE_REASONS,
  COLUMNS,
  type ColumnKey,
  isCalendarDate,
  type OccasionRef,
  parseOccasion,
  REQUIRED_COLUMNS,
  RESPONDENT_VALUES,
  type RowError,
  SEX_VALUES,
  SWEDISH_HEADERS,
} from './import-format.js';

/** One data row that passed the syntax checks (values typed, not yet checked against the database). */
export interface ImportRow {
  row: number;
  clientRef: string;
  /** Twelve digits, normalised, when the row has one. */
  identity: { normalized: string; kind: 'personnummer' | 'samordningsnummer'; birthYear: number; legalSex: 'female' | 'male' } | null;
  birthYear: number | null;
  sex: Sex | null;
  unitCode: string;
  methodCode: string;
  episodeStart: IsoDate;
  episodeClose: IsoDate | null;
  closeReason: EpisodeCloseReason | null;
  occasion: OccasionRef;
  answeredOn: IsoDate;
  instrumentCode: string;
  instrumentVersion: number;
  respondent: Respondent;
  /** Non-empty item cells: item id → cell text. */
  items: Map<string, string>;
}

export interface ImportHeader {
  /** Column index of each fixed column present. */
  fixed: Partial<Record<ColumnKey, number>>;
  /** Item columns: index → item id. */
  items: { index: number; itemId: string }[];
}

export interface ParsedRows {
  header: ImportHeader | null;
  /** Data rows in the file (valid or not). */
  total: number;
  rows: ImportRow[];
  errors: RowError[];
}

const err = (row: number, column: string, sv: string, en: string): RowError => ({ row, column, reason: { sv, en } });

const ITEM_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** Maps the header row: fixed columns by English or Swedish name, every other column an item id. */
export function readHeader(record: CsvRecord): { header: ImportHeader; errors: RowError[] } {
  const byName = new Map<string, ColumnKey>();
  for (const [key, name] of Object.entries(COLUMNS) as [ColumnKey, string][]) byName.set(name, key);
  for (const [name, key] of Object.entries(SWEDISH_HEADERS)) byName.set(name, key);
  const header: ImportHeader = { fixed: {}, items: [] };
  const errors: RowError[] = [];
  const seen = new Set<string>();
  record.fields.forEach((raw, index) => {
    const name = raw.trim();
    if (name === '') return;
    const lower = name.toLowerCase();
    if (seen.has(lower)) {
      errors.push(err(record.line, name, 'Kolumnen förekommer två gånger.', 'The column appears twice.'));
      return;
    }
    seen.add(lower);
    const key = byName.get(lower);
    if (key) {
      if (header.fixed[key] !== undefined) {
        errors.push(err(record.line, name, `Kolumnen ${COLUMNS[key]} förekommer två gånger.`, `The column ${COLUMNS[key]} appears twice.`));
      } else header.fixed[key] = index;
    } else if (ITEM_ID.test(name)) {
      header.items.push({ index, itemId: name });
    } else {
      errors.push(err(record.line, name, 'Okänd kolumn: inget fast fält och inget giltigt fråge-id.', 'Unknown column: neither a fixed field nor a valid item id.'));
    }
  });
  for (const key of REQUIRED_COLUMNS) {
    if (header.fixed[key] === undefined) {
      errors.push(err(record.line, COLUMNS[key], 'Obligatorisk kolumn saknas.', 'A required column is missing.'));
    }
  }
  return { header, errors };
}

function cell(record: CsvRecord, header: ImportHeader, key: ColumnKey): string {
  const index = header.fixed[key];
  return index === undefined ? '' : (record.fields[index] ?? '').trim();
}

/**
 * Checks each data row on its own (required values, formats, dates, codes' shape, personnummer)
 * and types it. Every problem is reported; a row with any problem is left out of `rows`.
 * `today` bounds dates (answers and personnummer birth dates may not lie in the future).
 */
export function parseRows(records: CsvRecord[], today: IsoDate): ParsedRows {
  if (records.length === 0) {
    return { header: null, total: 0, rows: [], errors: [err(1, '', 'Filen är tom.', 'The file is empty.')] };
  }
  const { header, errors } = readHeader(records[0]!);
  const total = records.length - 1;
  if (errors.length > 0) return { header: null, total, rows: [], errors };
  const rows: ImportRow[] = [];
  const todayDate = new Date(`${today}T12:00:00Z`);
  const lastColumn = maxIndex(header);

  for (let r = 1; r < records.length; r++) {
    const record = records[r]!;
    const line = record.line;
    const rowErrors: RowError[] = [];
    const e = (key: ColumnKey, sv: string, en: string) => rowErrors.push(err(line, COLUMNS[key], sv, en));
    const required = (key: ColumnKey): string => {
      const v = cell(record, header, key);
      if (v === '') e(key, 'Värde saknas.', 'A value is required.');
      return v;
    };
    const date = (key: ColumnKey, optional = false): IsoDate | null => {
      const v = optional ? cell(record, header, key) : required(key);
      if (v === '') return null;
      if (!isCalendarDate(v)) {
        e(key, `Inget giltigt datum (ÅÅÅÅ-MM-DD): ${v.slice(0, 40)}`, `Not a valid date (YYYY-MM-DD): ${v.slice(0, 40)}`);
        return null;
      }
      if (v > today) {
        e(key, 'Datumet ligger i framtiden.', 'The date is in the future.');
        return null;
      }
      return v;
    };

    if (record.fields.length > lastColumn + 1 && record.fields.slice(lastColumn + 1).some((f) => f.trim() !== '')) {
      rowErrors.push(err(line, '', 'Raden har fler värden än rubrikraden har kolumner.', 'The row has more values than the header has columns.'));
    }

    const clientRef = required('clientRef');
    if (clientRef.length > 100) e('clientRef', 'Referensen är längre än 100 tecken.', 'The reference is longer than 100 characters.');

    let identity: ImportRow['identity'] = null;
    const pnr = cell(record, header, 'personnummer');
    if (pnr !== '') {
      try {
        const parsed = parseIdentityNumber(pnr, COLUMNS.personnummer, todayDate);
        identity = { normalized: parsed.normalized, kind: parsed.kind, birthYear: parsed.birthYear, legalSex: parsed.legalSex };
      } catch (error) {
        // Never echo the number itself: the reason says what is wrong, not what was written.
        if (error instanceof DomainError) e('personnummer', `Ogiltigt personnummer: ${error.sv}`, `Invalid personnummer: ${error.en}`);
        else throw error;
      }
    }

    let birthYear: number | null = null;
    const by = cell(record, header, 'birthYear');
    if (by !== '') {
      const n = Number(by);
      if (!/^\d{4}$/.test(by) || n < 1900 || n > Number(today.slice(0, 4))) {
        e('birthYear', 'Födelseåret ska vara ett årtal mellan 1900 och i år.', 'The birth year must be a year between 1900 and this year.');
      } else birthYear = n;
    }
    if (identity && birthYear !== null && birthYear !== identity.birthYear) {
      e('birthYear', 'Födelseåret stämmer inte med personnumret.', 'The birth year does not match the personnummer.');
    }

    let sex: Sex | null = null;
    const sx = cell(record, header, 'sex').toLowerCase();
    if (sx !== '') {
      sex = SEX_VALUES[sx] ?? null;
      if (!sex) e('sex', 'Kön ska vara female, male, other eller unknown (kvinna, man, annat, okänt).', 'Sex must be female, male, other or unknown.');
    }

    const unitCode = required('unitCode');
    const methodCode = required('methodCode');
    const episodeStart = date('episodeStart');
    const episodeClose = date('episodeClose', true);
    if (episodeStart && episodeClose && episodeClose < episodeStart) {
      e('episodeClose', 'Slutdatum ligger före startdatum.', 'The close date is before the start date.');
    }
    let closeReason: EpisodeCloseReason | null = null;
    const cr = cell(record, header, 'closeReason');
    if (cr !== '') {
      if (!CLOSE_REASONS.has(cr)) {
        e('closeReason', `Okänd avslutsorsak (tillåtna: ${[...CLOSE_REASONS].join(', ')}).`, `Unknown close reason (allowed: ${[...CLOSE_REASONS].join(', ')}).`);
      } else closeReason = cr as EpisodeCloseReason;
    }
    if (cell(record, header, 'episodeClose') !== '' && cr === '') e('closeReason', 'Avslutsorsak krävs när insatsen har ett slutdatum.', 'A close reason is required when the episode has a close date.');
    if (cell(record, header, 'episodeClose') === '' && cr !== '') e('episodeClose', 'Slutdatum krävs när avslutsorsak anges.', 'A close date is required when a close reason is given.');

    const occasionText = required('occasion');
    const occasion = occasionText === '' ? null : parseOccasion(occasionText);
    if (occasionText !== '' && !occasion) {
      e('occasion', 'Mättillfället ska vara start, follow_up:N, close eller extra:N.', 'The occasion must be start, follow_up:N, close or extra:N.');
    }
    const answeredOn = date('answeredOn');

    const instrumentCode = required('instrument').toLowerCase();
    const versionText = required('instrumentVersion');
    const instrumentVersion = Number(versionText);
    if (versionText !== '' && (!Number.isInteger(instrumentVersion) || instrumentVersion < 1)) {
      e('instrumentVersion', 'Versionen ska vara ett heltal ≥ 1.', 'The version must be an integer ≥ 1.');
    }

    let respondent: Respondent = R.Client;
    const rs = cell(record, header, 'respondent').toLowerCase();
    if (rs !== '') {
      const v = RESPONDENT_VALUES[rs];
      if (!v) e('respondent', 'Svarande ska vara client, relative eller staff (brukare, anhörig, personal).', 'The respondent must be client, relative or staff.');
      else respondent = v;
    }

    const items = new Map<string, string>();
    for (const { index, itemId } of header.items) {
      const v = (record.fields[index] ?? '').trim();
      if (v !== '') items.set(itemId, v);
    }

    if (rowErrors.length > 0) {
      errors.push(...rowErrors);
      continue;
    }
    rows.push({
      row: line,
      clientRef,
      identity,
      birthYear,
      sex,
      unitCode,
      methodCode,
      episodeStart: episodeStart!,
      episodeClose,
      closeReason,
      occasion: occasion!,
      answeredOn: answeredOn!,
      instrumentCode,
      instrumentVersion,
      respondent,
      items,
    });
  }
  return { header, total, rows, errors };
}

function maxIndex(header: ImportHeader): number {
  return Math.max(...Object.values(header.fixed).map((i) => i ?? -1), ...header.items.map((i) => i.index));
}
