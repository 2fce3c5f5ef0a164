/**
 * A small RFC 4180 reader: quoted fields (with "" for a quote, and line breaks inside quotes),
 * CRLF or LF line ends, a UTF-8 byte-order mark dropped, and a comma or semicolon delimiter
 * (whichever occurs first outside quotes in the header line — Swedish Excel writes semicolons).
 * Returns every record as its fields; a record's line number is where it starts (1-based).
 */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly sv: string,
    readonly en: string,
  ) {
    super(`line ${line}: ${en}`);
    this.name = 'CsvSyntaxError';
  }
}

/** The delimiter of a CSV text: the first comma or semicolon outside quotes on the first line; comma when neither. */
export function detectDelimiter(text: string): ',' | ';' {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';')) return ch;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
  }
  return ',';
}

/** Parses CSV text into records; blank lines are skipped. Throws CsvSyntaxError on an unclosed quote or text after a closing quote. */
export function parseCsv(input: string, delimiter?: ',' | ';'): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const sep = delimiter ?? detectDelimiter(text);
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = text.length;
  const endRecord = () => {
    fields.push(field);
    // A blank line is one empty field: skip it rather than report an empty row.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  while (i < n) {
    const ch = text[i]!;
    if (ch === '"' && field === '') {
      // Quoted field: read to the closing quote; "" is a literal quote.
      const start = line;
      i++;
      let value = '';
      for (;;) {
        if (i >= n) throw new CsvSyntaxError(start, 'Ett citattecken stängs aldrig.', 'A quoted field is never closed.');
        const c = text[i]!;
        if (c === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') line++;
        value += c;
        i++;
      }
      field = value;
      const next = text[i];
      if (next !== undefined && next !== sep && next !== '\n' && next !== '\r') {
        throw new CsvSyntaxError(line, 'Text efter ett avslutande citattecken.', 'Text after a closing quote.');
      }
      // An empty quoted field must not look like "nothing read yet" to the check above.
      if (value === '') field = '';
      continue;
    }
    if (ch === sep) {
      fields.push(field);
      field = '';
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      if (ch === '\r' && text[i + 1] === '\n') i++;
      i++;
      line++;
      recordLine = line;
      continue;
    }
    // Unquoted run: slice up to the next delimiter or line end (much faster than char by char).
    let j = i;
    while (j < n) {
      const c = text[j];
      if (c === sep || c === '\n' || c === '\r') break;
      j++;
    }
    field += text.slice(i, j);
    i = j;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}
