import { describe, expect, it } from '@jest/globals';
import { OccasionKind } from '#domain';
import { parseCsv } from './csv.js';
import { parseOccasion } from './import-format.js';
import { parseRows } from './import-rows.js';

const TODAY = '2026-06-15';
const HEADER = 'client_ref,personnummer,birth_year,sex,unit_code,method_code,episode_start,episode_close,close_reason,occasion,answered_on,instrument,instrument_version,phq9_1';

describe(parseOccasion.name, () => {
  it('reads start, close, follow_up:N and extra:N', () => {
    expect(parseOccasion('start')).toEqual({ kind: OccasionKind.Start, seq: 0 });
    expect(parseOccasion(' Follow_up:2 ')).toEqual({ kind: OccasionKind.FollowUp, seq: 2 });
    expect(parseOccasion('extra:1')).toEqual({ kind: OccasionKind.Extra, seq: 1 });
    expect(parseOccasion('close')).toEqual({ kind: OccasionKind.Close, seq: 0 });
    for (const bad of ['follow_up', 'follow_up:0', 'extra:-1', 'uppföljning:1', '']) expect(parseOccasion(bad)).toBeNull();
  });
});

describe(parseRows.name, () => {
  it('types a valid row, accepting Swedish headers and values', () => {
    const csv = 'klientreferens;kön;enhetskod;metodkod;insats_start;mättillfälle;svarsdatum;formulär;formulärversion;phq9_1\nR1;kvinna;U;M;2025-01-10;start;2025-01-12;PHQ9;1;2\n';
    const parsed = parseRows(parseCsv(csv), TODAY);
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows[0]).toMatchObject({ row: 2, clientRef: 'R1', sex: 'female', instrumentCode: 'phq9', instrumentVersion: 1, occasion: { kind: 'start', seq: 0 } });
    expect(parsed.rows[0]!.items.get('phq9_1')).toBe('2');
  });

  it('reports every problem of every row, with row, column and a reason in both languages', () => {
    const csv = [
      HEADER,
      'R1,19811218-9877,1990,x,U,M,2025-02-30,,,follow_up,2030-01-01,phq9,0,1',
      'R2,,,,U,M,2025-01-10,2025-01-01,,start,2025-01-12,phq9,1,1',
    ].join('\n');
    const parsed = parseRows(parseCsv(csv), TODAY);
    expect(parsed.rows).toEqual([]);
    const cells = parsed.errors.map((e) => `${e.row}:${e.column}`);
    expect(cells).toEqual([
      '2:personnummer',
      '2:sex',
      '2:episode_start',
      '2:occasion',
      '2:answered_on',
      '2:instrument_version',
      '3:episode_close',
      '3:close_reason',
    ]);
    for (const e of parsed.errors) {
      expect(e.reason.sv.length).toBeGreaterThan(3);
      expect(e.reason.en.length).toBeGreaterThan(3);
    }
    // The personnummer itself is never echoed.
    expect(JSON.stringify(parsed.errors)).not.toContain('9877');
  });

  it('reports missing required columns once, on the header row', () => {
    const parsed = parseRows(parseCsv('client_ref,phq9_1\nR1,1\n'), TODAY);
    expect(parsed.header).toBeNull();
    expect(parsed.total).toBe(1);
    expect(parsed.errors.map((e) => e.column)).toEqual(['unit_code', 'method_code', 'episode_start', 'occasion', 'answered_on', 'instrument', 'instrument_version']);
    expect(parsed.errors.every((e) => e.row === 1)).toBe(true);
  });
});
