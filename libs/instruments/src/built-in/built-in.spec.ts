import { describe, expect, it } from '@jest/globals';
import { validateDefinition } from '../definition-validator.js';
import { scaleRange } from '../item-range.js';
import { isValidLoinc } from '../loinc.js';
import { BUILT_IN_INSTRUMENTS } from './index.js';

const LICENSED = ['ors', 'srs', 'sdq', 'asi', 'oq45', 'outcomes_star', 'core10'];

describe('BUILT_IN_INSTRUMENTS', () => {
  it('holds PHQ-9, GAD-7, WHO-5, AUDIT and DUDIT and no licensed instrument', () => {
    const codes = BUILT_IN_INSTRUMENTS.map((d) => d.code);
    expect(codes).toEqual(['phq9', 'gad7', 'who5', 'audit', 'dudit']);
    expect(codes.some((c) => LICENSED.includes(c))).toBe(false);
    expect(BUILT_IN_INSTRUMENTS.every((d) => d.licence.kind !== 'customer_supplied')).toBe(true);
  });

  it('has the published score ranges: PHQ-9 0–27, GAD-7 0–21, WHO-5 0–100, AUDIT 0–40, DUDIT 0–44', () => {
    const ranges = BUILT_IN_INSTRUMENTS.map((d) => {
      const def = validateDefinition(d);
      return scaleRange(def.scales[0], new Map(def.items.map((i) => [i.id, i])));
    });
    expect(ranges).toEqual([
      { min: 0, max: 27 },
      { min: 0, max: 21 },
      { min: 0, max: 100 },
      { min: 0, max: 40 },
      { min: 0, max: 44 },
    ]);
  });

  it('carries only LOINC codes with valid check digits', () => {
    const codes = BUILT_IN_INSTRUMENTS.flatMap((d) => [d.loinc, ...d.items.map((i) => i.loinc), ...d.scales.map((s) => s.loinc)]).filter(
      (c): c is string => c !== undefined,
    );
    expect(codes).toHaveLength(1 + 10 + 1 + 1 + 7 + 1);
    expect(codes.filter((c) => !isValidLoinc(c))).toEqual([]);
  });

  it('marks the Swedish text as an English placeholder wherever sv and en item texts are equal', () => {
    for (const def of BUILT_IN_INSTRUMENTS) {
      const same = def.items.every((i) => i.text.sv === i.text.en);
      expect(def.languageNote.swedishText === 'english_placeholder').toBe(same);
    }
  });

  it('cites a source for every cut-off, band set and reliable-change parameter', () => {
    for (const def of BUILT_IN_INSTRUMENTS) {
      const ids = new Set(def.citations.map((c) => c.id));
      for (const s of def.scales) {
        if (s.cutoff) expect(ids.has(s.cutoff.source)).toBe(true);
        if (s.bands) expect(ids.has(s.bandsSource!)).toBe(true);
        if (s.reliableChange) expect(ids.has(s.reliableChange.source)).toBe(true);
      }
    }
  });
});
