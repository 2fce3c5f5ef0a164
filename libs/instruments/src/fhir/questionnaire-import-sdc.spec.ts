import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { PHQ9 } from '../built-in/index.js';
import { fromFhirQuestionnaire } from './questionnaire-import.js';
import { fromFhirQuestionnaireResponse } from './questionnaire-response.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

// The official SDC PHQ-9 example: no item codes, ordinals 0–3 in a contained ValueSet, total H1/TS (LOINC 44261-6).
// Its response answers 0,0,0,1,2,1,3,2,1 (sum 10) but states a total of 13.
describe('SDC PHQ-9 example import', () => {
  const imported = fromFhirQuestionnaire(fixture('Questionnaire-sdc-example-PHQ9.json'));

  it('recognises a complete PHQ-9, matched by position because the items carry no codes', () => {
    expect(imported.recognisedAs).toMatchObject({ code: 'phq9', version: 1, complete: true, missingItemIds: [] });
    expect(imported.recognisedAs!.linkIdMap).toMatchObject({ 'H1/T1/Q1': 'phq9_1', 'H1/T1/Q9': 'phq9_9', 'H1/TS': 'phq9_total' });
    expect(imported.warnings.map((w) => w.code)).toEqual(['LANGUAGE_ASSUMED', 'MATCHED_BY_POSITION', 'VERSION_RENUMBERED']);
  });

  it("keeps the example's own linkIds and answer codes, and takes PHQ-9's scoring onto its total item H1/TS", () => {
    const def = imported.definition;
    expect(def.items).toHaveLength(9);
    expect(def.instructions?.en).toBe('Over the last two weeks, how often have you been bothered by any of the following problems?');
    expect(def.items[0].options![1]).toEqual({
      value: 1,
      label: { sv: 'Several days', en: 'Several days' },
      coding: { system: 'http://hl7.org/fhir/uv/sdc/CodeSystem/CSPHQ9', code: 'Several-days' },
    });
    expect(def.scales[0]).toMatchObject({ id: 'H1/TS', loinc: '44261-6', maxMissing: 2, cutoff: PHQ9.scales[0].cutoff });
    expect(def.languageNote.swedishText).toBe('english_placeholder');
  });

  it('recomputes the response total as 10 and reports the stated 13 as a discrepancy', () => {
    const result = fromFhirQuestionnaireResponse(fixture('QuestionnaireResponse-sdc-example-PHQ9.json'), imported.definition);
    expect(Object.values(result.answers)).toEqual([0, 0, 0, 1, 2, 1, 3, 2, 1]);
    expect(result.statedTotals).toEqual({ 'H1/TS': 13 });
    expect(result.scores[0]).toMatchObject({ scaleId: 'H1/TS', raw: 10, valid: true, isCase: true });
    expect(result.discrepancies).toEqual([{ scaleId: 'H1/TS', stated: 13, computed: 10 }]);
    expect(result.problems).toEqual([]);
  });

  it('reads the same response as the built-in PHQ-9 through the recognised linkId map', () => {
    const result = fromFhirQuestionnaireResponse(fixture('QuestionnaireResponse-sdc-example-PHQ9.json'), PHQ9, {
      linkIdMap: imported.recognisedAs!.linkIdMap,
    });
    expect(result.answers).toMatchObject({ phq9_1: 0, phq9_7: 3, phq9_9: 1 });
    expect(result.discrepancies).toEqual([{ scaleId: 'phq9_total', stated: 13, computed: 10 }]);
    // The example lacks the optional difficulty item; nothing else is missing.
    expect(result.problems).toEqual([]);
  });
});
