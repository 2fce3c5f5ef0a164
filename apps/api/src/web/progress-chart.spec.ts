import { describe, expect, it } from '@jest/globals';
import type { ScaleReference } from '../responses/response-reads.service.js';
import { translator } from './i18n/i18n.js';
import { type ProgressPoint, sentences } from './progress-chart.js';

const t = translator('sv');
const phq9: ScaleReference = {
  instrument: { code: 'phq9', version: 1 },
  scaleId: 'phq9_total',
  name: { sv: 'PHQ-9', en: 'PHQ-9' },
  direction: 'higher_is_worse',
  range: { min: 0, max: 27 },
  bands: [],
  cutoff: { value: 10, inclusive: true },
  reliableChange: { kind: 'threshold', points: 6 },
};
const who5: ScaleReference = { ...phq9, scaleId: 'who5_index', direction: 'higher_is_better', cutoff: null, reliableChange: { kind: 'rci', points: 10.2 } };
const point = (score: number, change: number | null, isCase: boolean | null = null): ProgressPoint => ({ occasionId: 'o', label: 'x', answeredOn: '2026-01-01', score, band: null, isCase, change });

describe('progress sentences', () => {
  it('PHQ-9 down 7 (threshold 6): more than the measurement error, and better', () => {
    expect(sentences(t, 'sv', phq9, [point(18, null, true), point(11, -7, true)], 18)).toEqual([
      'Din skattning har sjunkit med 7 poäng sedan starten, mer än mätfelet.',
      'Enligt formuläret mår du alltså bättre nu.',
      'Poängen ligger på den sida av gränsvärdet 10 där det är vanligt att behöva stöd.',
    ]);
  });

  it('PHQ-9 down exactly 6: the published threshold counts inclusively', () => {
    expect(sentences(t, 'sv', phq9, [point(15, null), point(9, -6, false)], 15)[0]).toContain('mer än mätfelet');
  });

  it('PHQ-9 up 3: less than the measurement error', () => {
    expect(sentences(t, 'sv', phq9, [point(8, null), point(11, 3)], 8)).toEqual(['Din skattning har ändrats med 3 poäng sedan starten, mindre än mätfelet.']);
  });

  it('WHO-5 up 12 (RCI 10.2): higher is better, so it is an improvement', () => {
    expect(sentences(t, 'sv', who5, [point(40, null), point(52, 12)], 40)).toEqual([
      'Din skattning har stigit med 12 poäng sedan starten, mer än mätfelet.',
      'Enligt formuläret mår du alltså bättre nu.',
    ]);
  });

  it('WHO-5 down 12: a reliable deterioration', () => {
    expect(sentences(t, 'sv', who5, [point(52, null), point(40, -12)], 52)[1]).toBe('Enligt formuläret mår du alltså sämre nu.');
  });

  it('a first rating is the baseline to compare with next time', () => {
    expect(sentences(t, 'sv', phq9, [point(18, null, true)], 18)[0]).toBe('Det här är din första skattning: 18 poäng. Nästa gång jämför vi med den.');
  });
});
