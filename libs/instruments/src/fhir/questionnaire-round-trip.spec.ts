import { describe, expect, it } from '@jest/globals';
import { BUILT_IN_INSTRUMENTS, PHQ9 } from '../built-in/index.js';
import { LOINC_SYSTEM } from '../loinc.js';
import { FHIR_EXT, OPTION_VALUE_SYSTEM } from './fhir.types.js';
import { toFhirQuestionnaire } from './questionnaire-export.js';
import { fromFhirQuestionnaire } from './questionnaire-import.js';

describe('Questionnaire round trip', () => {
  for (const def of BUILT_IN_INSTRUMENTS) {
    it(`${def.code}: export → import → export keeps items, codes and scoring, in either primary language`, () => {
      for (const language of ['sv', 'en'] as const) {
        const exported = toFhirQuestionnaire(def, { language });
        const imported = fromFhirQuestionnaire(JSON.parse(JSON.stringify(exported)));
        expect(imported.warnings).toEqual([]);
        expect(imported.definition).toEqual(def);
        expect(toFhirQuestionnaire(imported.definition, { language })).toEqual(exported);
      }
    });
  }

  it('exports PHQ-9 with LOINC panel, item and total codes, ordinal values and LOINC answer codes', () => {
    const q = toFhirQuestionnaire(PHQ9);
    expect(q.code).toEqual([{ system: LOINC_SYSTEM, code: '44249-1' }]);
    expect(q.item![0]).toMatchObject({ linkId: '_instructions', type: 'display' });
    const item1 = q.item!.find((i) => i.linkId === 'phq9_1')!;
    expect(item1).toMatchObject({ type: 'choice', required: true, code: [{ system: LOINC_SYSTEM, code: '44250-9' }] });
    expect(item1.answerOption![2]).toMatchObject({
      valueCoding: { system: LOINC_SYSTEM, code: 'LA6570-1', display: 'More than half the days' },
      extension: [{ url: FHIR_EXT.ordinalValue, valueDecimal: 2 }],
    });
    const difficulty = q.item!.find((i) => i.linkId === 'phq9_difficulty')!;
    expect(difficulty.answerOption![1].valueCoding).toMatchObject({ system: OPTION_VALUE_SYSTEM, code: '1' });
    expect(q.item!.at(-1)).toMatchObject({ linkId: 'phq9_total', type: 'decimal', readOnly: true, code: [{ system: LOINC_SYSTEM, code: '44261-6' }] });
  });
});
