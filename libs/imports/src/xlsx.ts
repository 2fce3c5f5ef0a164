import { readSheet } from 'read-excel-file/node';
import type { CsvRecord } from './csv.js';

/** The Office Open XML spreadsheet media type (what browsers send for .xlsx). */
export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  // Date cells come back as UTC midnight; the format's dates are calendar days.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  return String(value);
}

/**
 * Reads the first sheet of an XLSX file into the same shape as a CSV: one record per non-empty
 * row, every cell as text (numbers as written by String(), dates as YYYY-MM-DD), with its sheet row number.
 */
export async function readXlsx(file: Buffer): Promise<CsvRecord[]> {
  const rows = await readSheet(file, 1);
  const records: CsvRecord[] = [];
  rows.forEach((row, index) => {
    const fields = row.map(cellText);
    if (fields.some((f) => f.trim() !== '')) records.push({ line: index + 1, fields });
  });
  return records;
}
