import type { InstrumentDefinition } from '../definition.types.js';
import { NHS_TALKING_THERAPIES_MANUAL, SPITZER_2006 } from './citations.js';
import { en, englishPlaceholderNote, PHQ_FREQUENCY_OPTIONS } from './common.js';

const ITEMS: Array<[string, string]> = [
  ['69725-0', 'Feeling nervous, anxious or on edge'],
  ['68509-9', 'Not being able to stop or control worrying'],
  ['69733-4', 'Worrying too much about different things'],
  ['69734-2', 'Trouble relaxing'],
  ['69735-9', 'Being so restless that it is hard to sit still'],
  ['69689-8', 'Becoming easily annoyed or irritable'],
  ['69736-7', 'Feeling afraid as if something awful might happen'],
];

/** GAD-7 (Spitzer et al. 2006): anxiety symptoms over the last two weeks, 0–21. */
export const GAD7: InstrumentDefinition = {
  code: 'gad7',
  version: 1,
  name: { sv: 'GAD-7 – ångestsymtom', en: 'GAD-7 – Generalized Anxiety Disorder 7-item scale' },
  description: {
    sv: 'Sju frågor om ångestsymtom de senaste två veckorna. Summa 0–21; högre är sämre.',
    en: 'Seven questions on anxiety symptoms over the last two weeks. Sum 0–21; higher is worse.',
  },
  instructions: en('Over the last 2 weeks, how often have you been bothered by the following problems?'),
  licence: {
    kind: 'attribution',
    text: en('Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute.'),
    url: 'https://www.phqscreeners.com/',
  },
  languageNote: englishPlaceholderNote({
    sv: 'En svensk översättning finns fritt på phqscreeners.com men är inte inlagd här eftersom ordalydelsen inte har kunnat kontrolleras mot originalet.',
    en: 'A Swedish translation is freely available from phqscreeners.com but is not bundled because its wording could not be checked against the source.',
  }),
  loinc: '69737-5',
  purpose: 'outcome',
  items: ITEMS.map(([loinc, text], i) => ({
    id: `gad7_${i + 1}`,
    text: en(text),
    type: 'likert' as const,
    required: true,
    options: PHQ_FREQUENCY_OPTIONS,
    loinc,
  })),
  scales: [
    {
      id: 'gad7_total',
      name: { sv: 'GAD-7 totalpoäng', en: 'GAD-7 total score' },
      items: ITEMS.map((_, i) => `gad7_${i + 1}`),
      scoring: 'sum',
      // No published prorating rule was found for GAD-7, so a missing item makes the score invalid.
      maxMissing: 0,
      direction: 'higher_is_worse',
      bands: [
        { from: 0, to: 4, label: { sv: 'Minimala', en: 'Minimal' } },
        { from: 5, to: 9, label: { sv: 'Lindriga', en: 'Mild' } },
        { from: 10, to: 14, label: { sv: 'Måttliga', en: 'Moderate' } },
        { from: 15, to: 21, label: { sv: 'Svåra', en: 'Severe' } },
      ],
      bandsSource: SPITZER_2006.id,
      cutoff: { value: 8, inclusive: true, source: NHS_TALKING_THERAPIES_MANUAL.id },
      reliableChange: { kind: 'threshold', points: 4, source: NHS_TALKING_THERAPIES_MANUAL.id },
      loinc: '70274-6',
    },
  ],
  citations: [SPITZER_2006, NHS_TALKING_THERAPIES_MANUAL],
};
