import { describe, expect, it } from '@jest/globals';
import { DomainError } from '#domain';
import { AUDIT, PHQ9 } from '../built-in/index.js';
import { LOINC_SYSTEM } from '../loinc.js';
import { MIXED_DEF } from '../test-definitions.js';
import { fromFhirQuestionnaireResponse, toFhirQuestionnaireResponse } from './questionnaire-response.js';

const phq = { phq9_1: 1, phq9_2: 2, phq9_3: 0, phq9_4: 3, phq9_5: 1, phq9_6: 0, phq9_7: 2, phq9_8: 1, phq9_9: 0, phq9_difficulty: 1 };

describe('QuestionnaireResponse mapping', () => {
  it('exports answers as codings and the recomputed total (1+2+0+3+1+0+2+1+0 = 10), and reads them back unchanged', () => {
    const qr = toFhirQuestionnaireResponse(PHQ9, phq, { authored: '2025-03-01T10:00:00Z', subject: { reference: 'Patient/x' } });
    expect(qr.questionnaire).toBe('urn:matpunkt:questionnaire:phq9|1');
    expect(qr.item!.find((i) => i.linkId === 'phq9_4')!.answer).toEqual([{ valueCoding: { system: LOINC_SYSTEM, code: 'LA6571-9', display: 'Nearly every day' } }]);
    expect(qr.item!.at(-1)).toEqual({ linkId: 'phq9_total', text: 'PHQ-9 totalpoäng', answer: [{ valueDecimal: 10 }] });

    const back = fromFhirQuestionnaireResponse(JSON.parse(JSON.stringify(qr)), PHQ9);
    expect(back.answers).toEqual(phq);
    expect(back.statedTotals).toEqual({ phq9_total: 10 });
    expect(back.discrepancies).toEqual([]);
    expect(back.problems).toEqual([]);
  });

  it('round-trips numeric, yes/no and free-text answers and leaves unanswered items out', () => {
    const answers = { mood: 1, nights: 2.5, housed: false, comment: 'bra vecka' };
    const qr = toFhirQuestionnaireResponse(MIXED_DEF, { ...answers, comment: null });
    expect(qr.item!.map((i) => i.linkId)).toEqual(['mood', 'nights', 'housed', 'score']);
    expect(fromFhirQuestionnaireResponse(toFhirQuestionnaireResponse(MIXED_DEF, answers), MIXED_DEF).answers).toEqual(answers);
  });

  it('reports a tampered total, an unknown option code, an unknown item and a response to another questionnaire', () => {
    const qr = toFhirQuestionnaireResponse(PHQ9, phq);
    qr.questionnaire = 'urn:matpunkt:questionnaire:phq9|2';
    qr.item!.find((i) => i.linkId === 'phq9_total')!.answer = [{ valueDecimal: 12 }];
    qr.item!.find((i) => i.linkId === 'phq9_9')!.answer = [{ valueCoding: { system: LOINC_SYSTEM, code: 'LA9999-9' } }];
    qr.item!.push({ linkId: 'phq9_10', answer: [{ valueInteger: 1 }] });

    const result = fromFhirQuestionnaireResponse(qr, PHQ9);
    expect(result.problems.map((p) => `${p.code} ${p.path}`)).toEqual([
      'QUESTIONNAIRE_MISMATCH questionnaire',
      'UNREADABLE_ANSWER item[phq9_9]',
      'UNKNOWN_ITEM item[phq9_10]',
      'MISSING_ANSWER answers.phq9_9',
    ]);
    // Item 9 is now missing: 10 over 8 answered items × 9 = 11.25, prorated.
    expect(result.scores[0]).toMatchObject({ raw: 11.25, prorated: true });
    expect(result.discrepancies).toEqual([{ scaleId: 'phq9_total', stated: 12, computed: 11.25 }]);
  });

  it('reports a stated total when the answers give no valid score', () => {
    const qr = toFhirQuestionnaireResponse(AUDIT, { audit_1: 0, audit_2: 0, audit_3: 0, audit_4: 0, audit_5: 0, audit_6: 0, audit_7: 0, audit_8: 0, audit_9: 0, audit_10: 0 });
    qr.item = qr.item!.filter((i) => i.linkId !== 'audit_10');
    const result = fromFhirQuestionnaireResponse(qr, AUDIT);
    expect(result.discrepancies).toEqual([{ scaleId: 'audit_total', stated: 0, computed: null }]);
  });

  it('refuses to export malformed answers', () => {
    expect(() => toFhirQuestionnaireResponse(PHQ9, { phq9_1: 7 })).toThrow(DomainError);
  });
});
