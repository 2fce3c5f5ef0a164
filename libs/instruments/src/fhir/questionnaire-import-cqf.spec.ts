import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { scoreResponse } from '../scoring.js';
import { fromFhirQuestionnaire } from './questionnaire-import.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

// The FHIR core cqf example: PHQ-9 items 1–8 with LOINC codes and a total, but no item 9 (44260-8).
describe('FHIR core cqf PHQ-9 example import', () => {
  const imported = fromFhirQuestionnaire(fixture('Questionnaire-cqf-example-PHQ9.json'));

  it('says the instrument is incomplete and names the missing item', () => {
    expect(imported.recognisedAs).toMatchObject({ code: 'phq9', complete: false, missingItemIds: ['phq9_9'] });
    const warning = imported.warnings.find((w) => w.code === 'INSTRUMENT_INCOMPLETE');
    expect(warning?.en).toBe(
      'The Questionnaire resembles PHQ-9 – Patient Health Questionnaire, depression but lacks phq9_9 (LOINC 44260-8). It is imported without scoring and cannot be scored as phq9.',
    );
  });

  it('imports the eight items without scales, so nothing is ever scored as PHQ-9', () => {
    const def = imported.definition;
    expect(def.loinc).toBe('44249-1');
    expect(def.items.map((i) => i.loinc)).toEqual(['44250-9', '44255-8', '44259-0', '44254-1', '44251-7', '44258-2', '44252-5', '44253-3']);
    expect(def.scales).toEqual([]);
    const allThrees = Object.fromEntries(def.items.map((i) => [i.id, 3]));
    expect(scoreResponse(def, allThrees)).toEqual([]);
  });

  it('explains the external answer list and the unreadable difficulty item', () => {
    const codes = imported.warnings.map((w) => `${w.code} ${w.path}`);
    expect(codes).toContain('OPTIONS_FROM_BUILT_IN item[LittleInterest]');
    expect(codes).toContain('ITEM_SKIPPED item[Difficulty]');
    expect(imported.definition.items[0].options).toHaveLength(4);
  });
});
