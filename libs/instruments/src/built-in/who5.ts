import type { InstrumentDefinition, ItemOption } from '../definition.types.js';
import { TOPP_2015 } from './citations.js';
import { en, englishPlaceholderNote } from './common.js';

const ITEMS = [
  'I have felt cheerful and in good spirits',
  'I have felt calm and relaxed',
  'I have felt active and vigorous',
  'I woke up feeling fresh and rested',
  'My daily life has been filled with things that interest me',
];

// Printed from "All of the time" (5) down to "At no time" (0), as on the form.
const OPTIONS: ItemOption[] = [
  { value: 5, label: en('All of the time') },
  { value: 4, label: en('Most of the time') },
  { value: 3, label: en('More than half of the time') },
  { value: 2, label: en('Less than half of the time') },
  { value: 1, label: en('Some of the time') },
  { value: 0, label: en('At no time') },
];

/** WHO-5 Well-Being Index (WHO 1998; Topp et al. 2015): raw 0–25 × 4 = 0–100, higher is better. */
export const WHO5: InstrumentDefinition = {
  code: 'who5',
  version: 1,
  name: { sv: 'WHO-5 – välbefinnande', en: 'WHO-5 Well-Being Index' },
  description: {
    sv: 'Fem påståenden om välbefinnande de senaste två veckorna. Råpoäng 0–25 gånger 4 ger 0–100; högre är bättre.',
    en: 'Five statements on wellbeing over the last two weeks. Raw score 0–25 times 4 gives 0–100; higher is better.',
  },
  instructions: en('Please indicate for each of the five statements which is closest to how you have been feeling over the last two weeks.'),
  licence: {
    kind: 'attribution',
    text: en('WHO-5 © Psychiatric Research Unit, WHO Collaborating Centre in Mental Health, Mental Health Centre North Zealand. Free to use without permission.'),
  },
  languageNote: englishPlaceholderNote({
    sv: 'Det finns en svensk version av WHO-5 men den är inte inlagd här eftersom ordalydelsen inte har kunnat kontrolleras mot originalet.',
    en: 'A Swedish version of the WHO-5 exists but is not bundled because its wording could not be checked against the source.',
  }),
  purpose: 'outcome',
  items: ITEMS.map((text, i) => ({ id: `who5_${i + 1}`, text: en(text), type: 'likert' as const, required: true, options: OPTIONS })),
  scales: [
    {
      id: 'who5_index',
      name: { sv: 'WHO-5 index (0–100)', en: 'WHO-5 index (0–100)' },
      items: ITEMS.map((_, i) => `who5_${i + 1}`),
      scoring: 'sum',
      // Topp et al. give no prorating rule, so every item must be answered.
      maxMissing: 0,
      transform: { multiply: 4 },
      direction: 'higher_is_better',
      bands: [
        { from: 0, to: 28, label: { sv: 'Trolig depression', en: 'Likely depression' } },
        { from: 29, to: 50, label: { sv: 'Nedsatt välbefinnande', en: 'Poor wellbeing' } },
        { from: 51, to: 100, label: { sv: 'Inget tecken på nedsatt välbefinnande', en: 'No sign of poor wellbeing' } },
      ],
      bandsSource: TOPP_2015.id,
      cutoff: { value: 50, inclusive: true, source: TOPP_2015.id },
    },
  ],
  citations: [TOPP_2015],
};
