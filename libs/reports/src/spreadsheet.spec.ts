import { describe, expect, it } from '@jest/globals';
import { readSheet } from 'read-excel-file/node';
import { neutraliseCell, toCsv, toXlsx } from './spreadsheet.js';

describe(neutraliseCell.name, () => {
  it.each(['=SUM(A1:A9)', '+1', '-2+3', '@cmd', '\tx', '\rx', "=cmd|' /C calc'!A0"])('prefixes %j with an apostrophe', (v) => {
    expect(neutraliseCell(v)).toBe(`'${v}`);
  });
  it.each(['Vuxenenheten', 'Återfallsprevention', '5', ''])('leaves %j alone', (v) => expect(neutraliseCell(v)).toBe(v));
});

describe(toCsv.name, () => {
  it('writes UTF-8 with a BOM, ; as separator, quotes where needed, neutralised text and ".." for suppressed', () => {
    const csv = toCsv({ name: 'x', header: ['enhet', 'antal'], rows: [['Äldreomsorg; Öst', 12], ['=1+1', null], ['-5', -5]] });
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toBe('\uFEFFenhet;antal\r\n"Äldreomsorg; Öst";12\r\n\'=1+1;..\r\n\'-5;-5\r\n');
  });
});

describe(toXlsx.name, () => {
  it('writes numbers as numbers and text neutralised', async () => {
    const file = await toXlsx({ name: 'Data', header: ['a', 'b'], rows: [['@SUM(1)', 7], ['Örebro', null]] });
    const rows = await readSheet(file);
    expect(rows).toEqual([
      ['a', 'b'],
      ["'@SUM(1)", 7],
      ['Örebro', '..'],
    ]);
  });
});
