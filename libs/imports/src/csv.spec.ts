import { describe, expect, it } from '@jest/globals';
import { CsvSyntaxError, detectDelimiter, parseCsv } from './csv.js';

describe(parseCsv.name, () => {
  it('reads comma-separated records with quoted fields, doubled quotes and line breaks inside quotes', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n1,,3\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'two\nlines'] },
      { line: 4, fields: ['1', '', '3'] },
    ]);
  });

  it('detects semicolons (Swedish Excel) and drops a byte-order mark', () => {
    const text = '\uFEFFclient_ref;answered_on\n"K;1";2024-01-02\n';
    expect(detectDelimiter(text.slice(1))).toBe(';');
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['client_ref', 'answered_on'] },
      { line: 2, fields: ['K;1', '2024-01-02'] },
    ]);
  });

  it('skips blank lines and keeps a last line without a line break', () => {
    expect(parseCsv('a\n\nb').map((r) => r.fields)).toEqual([['a'], ['b']]);
  });

  it('keeps empty quoted fields empty', () => {
    expect(parseCsv('"",a,""').map((r) => r.fields)).toEqual([['', 'a', '']]);
  });

  it('refuses an unclosed quote and text after a closing quote, naming the line', () => {
    expect(() => parseCsv('a\n"open')).toThrow(CsvSyntaxError);
    try {
      parseCsv('a\n"x"y,b');
    } catch (e) {
      expect((e as CsvSyntaxError).line).toBe(2);
    }
  });
});
