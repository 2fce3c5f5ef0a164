import writeXlsxFile from 'write-excel-file/node';

/** One exported table: a header row and rows of cells (numbers stay numbers; null is a suppressed or missing value). */
export interface ExportTable {
  /** Sheet name (XLSX) — at most 31 characters, no []:*?/\ . */
  name: string;
  header: readonly string[];
  rows: readonly (readonly (string | number | null)[])[];
}

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Neutralises spreadsheet formula injection (OWASP "CSV injection"): a text cell that starts with `=`, `+`, `-`, `@`,
 * a tab or a carriage return is prefixed with `'`, so Excel and LibreOffice show it as text instead of evaluating it.
 * Numbers are written as numbers and never touched (a negative number is not a formula).
 */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

function csvField(value: string | number | null, suppressedText: string): string {
  const text = value === null ? suppressedText : typeof value === 'number' ? String(value) : neutraliseCell(value);
  return /[";\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * CSV as Swedish Excel opens it: UTF-8 with a byte-order mark (so å, ä, ö survive), `;` as separator (the Swedish
 * list separator: `,` is the decimal comma), CRLF line ends, RFC 4180 quoting. Suppressed cells are "..".
 */
export function toCsv(table: ExportTable, suppressedText = '..'): Buffer {
  const lines = [table.header.map((h) => csvField(h, suppressedText)), ...table.rows.map((r) => r.map((c) => csvField(c, suppressedText)))];
  return Buffer.from(`\uFEFF${lines.map((l) => l.join(';')).join('\r\n')}\r\n`, 'utf8');
}

/** XLSX with the same neutralised text cells; numbers as numeric cells; suppressed cells as the text "..". */
export async function toXlsx(table: ExportTable, suppressedText = '..'): Promise<Buffer> {
  const cell = (v: string | number | null) =>
    v === null ? { type: String, value: suppressedText } : typeof v === 'number' ? { type: Number, value: v } : { type: String, value: neutraliseCell(v) };
  const data = [table.header.map((h) => ({ type: String, value: neutraliseCell(h), fontWeight: 'bold' as const })), ...table.rows.map((r) => r.map(cell))];
  const sheet = table.name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || 'Data';
  return writeXlsxFile(data as never, { sheet }).toBuffer();
}
