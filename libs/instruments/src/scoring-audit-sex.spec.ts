import { describe, expect, it } from '@jest/globals';
import { AUDIT, DUDIT, PHQ9 } from './built-in/index.js';
import { cutoffFor, scoreResponse, validateAnswers } from './scoring.js';

// Items 1–10: 2 + 1 + 2 + 0×5 + 2 (item 9 "yes, but not in the last year") + 0 = 7.
const audit7 = { audit_1: 2, audit_2: 1, audit_3: 2, audit_4: 0, audit_5: 0, audit_6: 0, audit_7: 0, audit_8: 0, audit_9: 2, audit_10: 0 };

describe('AUDIT sex-specific caseness (Bergman & Källmén 2002: women ≥ 6, men ≥ 8)', () => {
  it('scores 7 as a case for a woman', () => {
    expect(scoreResponse(AUDIT, audit7, { sex: 'female' })[0]).toMatchObject({ raw: 7, isCase: true, cutoffApplied: 6 });
  });

  it('scores 7 as not a case for a man, and 8 as a case', () => {
    expect(scoreResponse(AUDIT, audit7, { sex: 'male' })[0]).toMatchObject({ raw: 7, isCase: false, cutoffApplied: 8 });
    expect(scoreResponse(AUDIT, { ...audit7, audit_2: 2 }, { sex: 'male' })[0]).toMatchObject({ raw: 8, isCase: true });
  });

  it('leaves caseness undecided, and says why, when sex is unknown or other', () => {
    for (const sex of [undefined, 'unknown', 'other'] as const) {
      const score = scoreResponse(AUDIT, audit7, { sex })[0];
      expect(score.raw).toBe(7);
      expect(score.isCase).toBeNull();
      expect(score.cutoffApplied).toBeUndefined();
      expect(score.caseNote?.en).toBe("The cut-off differs between women and men and the client's sex is unknown; caseness cannot be decided.");
    }
  });

  it('still bands the score, since the WHO risk zones are not sex-specific: 7 is zone I', () => {
    expect(scoreResponse(AUDIT, audit7)[0].band?.label.en).toBe('Risk zone I: low risk');
  });

  it('accepts only 0, 2 or 4 on items 9 and 10', () => {
    expect(validateAnswers(AUDIT, { ...audit7, audit_9: 1 })).toEqual([
      { field: 'answers.audit_9', sv: '1 är inget svarsalternativ (tillåtna: 0, 2, 4)', en: '1 is not an option (allowed: 0, 2, 4)' },
    ]);
  });
});

describe('DUDIT sex-specific caseness (Berman et al. 2005: women ≥ 2, men ≥ 6)', () => {
  const dudit2 = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`dudit_${i + 1}`, i === 9 ? 2 : 0]));

  it('scores 2 (item 10 "yes, but not over the past year") as a case for a woman and not for a man', () => {
    expect(scoreResponse(DUDIT, dudit2, { sex: 'female' })[0]).toMatchObject({ raw: 2, isCase: true });
    expect(scoreResponse(DUDIT, dudit2, { sex: 'male' })[0]).toMatchObject({ raw: 2, isCase: false });
  });
});

describe(cutoffFor.name, () => {
  it("gives the client's own cut-off in #statistics' shape, or null when it cannot be chosen", () => {
    expect(cutoffFor(AUDIT.scales[0], 'female')).toEqual({ value: 6, inclusive: true });
    expect(cutoffFor(AUDIT.scales[0], 'unknown')).toBeNull();
    expect(cutoffFor(PHQ9.scales[0], undefined)).toEqual({ value: 10, inclusive: true });
  });
});
