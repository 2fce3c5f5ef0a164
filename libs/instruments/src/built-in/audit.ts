import type { InstrumentDefinition, ItemOption } from '../definition.types.js';
import { BABOR_2001, BERGMAN_KALLMEN_2002 } from './citations.js';
import { en, englishPlaceholderNote, options } from './common.js';

const FREQUENCY = ['Never', 'Less than monthly', 'Monthly', 'Weekly', 'Daily or almost daily'];

// Items 9 and 10 have three answers scored 0, 2 and 4; the printed scores are the stored values.
const INJURY_OPTIONS: ItemOption[] = [
  { value: 0, label: en('No') },
  { value: 2, label: en('Yes, but not in the last year') },
  { value: 4, label: en('Yes, during the last year') },
];

const ITEMS: Array<[string, ItemOption[]]> = [
  ['How often do you have a drink containing alcohol?', options(['Never', 'Monthly or less', '2 to 4 times a month', '2 to 3 times a week', '4 or more times a week'])],
  ['How many drinks containing alcohol do you have on a typical day when you are drinking?', options(['1 or 2', '3 or 4', '5 or 6', '7, 8, or 9', '10 or more'])],
  ['How often do you have six or more drinks on one occasion?', options(FREQUENCY)],
  ['How often during the last year have you found that you were not able to stop drinking once you had started?', options(FREQUENCY)],
  ['How often during the last year have you failed to do what was normally expected from you because of drinking?', options(FREQUENCY)],
  ['How often during the last year have you needed a first drink in the morning to get yourself going after a heavy drinking session?', options(FREQUENCY)],
  ['How often during the last year have you had a feeling of guilt or remorse after drinking?', options(FREQUENCY)],
  ['How often during the last year have you been unable to remember what happened the night before because you had been drinking?', options(FREQUENCY)],
  ['Have you or someone else been injured as a result of your drinking?', INJURY_OPTIONS],
  ['Has a relative or friend or a doctor or another health worker been concerned about your drinking or suggested you cut down?', INJURY_OPTIONS],
];

/** AUDIT (WHO; Babor et al. 2001), with the sex-specific cut-offs used in Sweden (Bergman & Källmén 2002). */
export const AUDIT: InstrumentDefinition = {
  code: 'audit',
  version: 1,
  name: { sv: 'AUDIT – alkoholvanor', en: 'AUDIT – Alcohol Use Disorders Identification Test' },
  description: {
    sv: 'Tio frågor om alkoholvanor. Summa 0–40; högre är sämre. Riskbruk: kvinnor ≥ 6, män ≥ 8.',
    en: 'Ten questions on alcohol use. Sum 0–40; higher is worse. Hazardous use: women ≥ 6, men ≥ 8.',
  },
  licence: {
    kind: 'free',
    text: en('AUDIT © World Health Organization (Babor et al. 2001). The WHO publishes the test for free use.'),
  },
  languageNote: englishPlaceholderNote({
    sv:
      'Den svenska versionen (Bergman & Källmén) räknar i svenska standardglas (12 g alkohol); den engelska WHO-texten räknar i "drinks" om 10 g. ' +
      'Den svenska versionen är inte inlagd här eftersom ordalydelsen inte har kunnat kontrolleras mot originalet.',
    en:
      'The Swedish version (Bergman & Källmén) counts Swedish standard drinks (12 g alcohol); the English WHO text counts 10 g drinks. ' +
      'The Swedish version is not bundled because its wording could not be checked against the source.',
  }),
  purpose: 'outcome',
  items: ITEMS.map(([text, opts], i) => ({ id: `audit_${i + 1}`, text: en(text), type: 'likert' as const, required: true, options: opts })),
  scales: [
    {
      id: 'audit_total',
      name: { sv: 'AUDIT totalpoäng', en: 'AUDIT total score' },
      items: ITEMS.map((_, i) => `audit_${i + 1}`),
      scoring: 'sum',
      // No published prorating rule: a missing item makes the score invalid.
      maxMissing: 0,
      direction: 'higher_is_worse',
      bands: [
        { from: 0, to: 7, label: { sv: 'Riskzon I: låg risk', en: 'Risk zone I: low risk' } },
        { from: 8, to: 15, label: { sv: 'Riskzon II: riskbruk', en: 'Risk zone II: hazardous use' } },
        { from: 16, to: 19, label: { sv: 'Riskzon III: skadligt bruk', en: 'Risk zone III: harmful use' } },
        { from: 20, to: 40, label: { sv: 'Riskzon IV: möjligt beroende', en: 'Risk zone IV: possible dependence' } },
      ],
      bandsSource: BABOR_2001.id,
      cutoff: { inclusive: true, bySex: { female: 6, male: 8 }, source: BERGMAN_KALLMEN_2002.id },
    },
  ],
  citations: [BABOR_2001, BERGMAN_KALLMEN_2002],
};
