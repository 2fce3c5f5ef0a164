import { describe, expect, it } from '@jest/globals';
import { DomainError } from '#domain';
import { GAD7 } from './built-in/index.js';
import { scoreResponse, validateAnswers } from './scoring.js';
import { MIXED_DEF } from './test-definitions.js';

describe(validateAnswers.name, () => {
  it('returns no errors for a complete, well-formed response', () => {
    expect(validateAnswers(MIXED_DEF, { mood: 2, nights: 3.5, housed: true, comment: 'ok' })).toEqual([]);
  });

  it('lists every problem at once: unknown item, non-option, out of range, wrong type, missing required', () => {
    const errors = validateAnswers(MIXED_DEF, { mood: 3, nights: 8, housed: 'yes', comment: 4, extra: 1 } as never);
    expect(errors.map((e) => [e.field, e.en])).toEqual([
      ['answers.extra', 'unknown item extra'],
      ['answers.mood', '3 is not an option (allowed: 0, 1, 2)'],
      ['answers.nights', 'the answer must lie between 0 and 7'],
      ['answers.housed', 'the answer must be yes or no (true/false)'],
      ['answers.comment', 'the answer must be a text'],
    ]);
    expect(validateAnswers(MIXED_DEF, { mood: null, nights: '3' as never, housed: false })).toEqual([
      { field: 'answers.mood', sv: 'svar krävs', en: 'an answer is required' },
      { field: 'answers.nights', sv: 'svaret måste vara ett tal', en: 'the answer must be a number' },
    ]);
  });
});

describe(scoreResponse.name, () => {
  it('throws INSTRUMENT.INVALID_ANSWERS for malformed answers, listing each', () => {
    let error: DomainError | undefined;
    try {
      scoreResponse(MIXED_DEF, { mood: 5, nights: -1, housed: true });
    } catch (e) {
      error = e as DomainError;
    }
    expect(error?.code).toBe('INSTRUMENT.INVALID_ANSWERS');
    expect(error?.fields.map((f) => f.field)).toEqual(['answers.mood', 'answers.nights']);
  });

  it('scores a yes as 1 and tolerates a missing required answer within maxMissing: (2 + 1) / 2 × 3 = 4.5', () => {
    expect(scoreResponse(MIXED_DEF, { mood: 2, housed: true })[0]).toMatchObject({ raw: 4.5, prorated: true, missingItems: 1 });
  });

  it('does not prorate GAD-7 (no published rule): one missing item invalidates it; complete 8 is a case', () => {
    const six = { gad7_1: 2, gad7_2: 2, gad7_3: 1, gad7_4: 1, gad7_5: 0, gad7_6: 1 };
    expect(scoreResponse(GAD7, six)[0]).toMatchObject({ raw: null, valid: false, isCase: null });
    expect(scoreResponse(GAD7, { ...six, gad7_7: 1 })[0]).toMatchObject({ raw: 8, isCase: true });
    expect(scoreResponse(GAD7, { ...six, gad7_7: 1 })[0].band?.label.en).toBe('Mild');
  });
});
