import type { InstrumentDefinition } from '../definition.types.js';
import { KROENKE_2001, NHS_DATA_DICTIONARY_PHQ9, NHS_TALKING_THERAPIES_MANUAL } from './citations.js';
import { en, englishPlaceholderNote, options, PHQ_FREQUENCY_OPTIONS } from './common.js';

const ITEMS: Array<[string, string]> = [
  ['44250-9', 'Little interest or pleasure in doing things'],
  ['44255-8', 'Feeling down, depressed, or hopeless'],
  ['44259-0', 'Trouble falling or staying asleep, or sleeping too much'],
  ['44254-1', 'Feeling tired or having little energy'],
  ['44251-7', 'Poor appetite or overeating'],
  ['44258-2', 'Feeling bad about yourself — or that you are a failure or have let yourself or your family down'],
  ['44252-5', 'Trouble concentrating on things, such as reading the newspaper or watching television'],
  ['44253-3', 'Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual'],
  ['44260-8', 'Thoughts that you would be better off dead or of hurting yourself in some way'],
];

/** PHQ-9 (Kroenke, Spitzer & Williams 2001): depressive symptoms over the last two weeks, 0–27. */
export const PHQ9: InstrumentDefinition = {
  code: 'phq9',
  version: 1,
  name: { sv: 'PHQ-9 – depressionssymtom', en: 'PHQ-9 – Patient Health Questionnaire, depression' },
  description: {
    sv: 'Nio frågor om depressionssymtom de senaste två veckorna. Summa 0–27; högre är sämre.',
    en: 'Nine questions on depressive symptoms over the last two weeks. Sum 0–27; higher is worse.',
  },
  instructions: en('Over the last 2 weeks, how often have you been bothered by any of the following problems?'),
  licence: {
    kind: 'attribution',
    text: en('Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute.'),
    url: 'https://www.phqscreeners.com/',
  },
  languageNote: englishPlaceholderNote({
    sv: 'En svensk översättning finns fritt på phqscreeners.com men är inte inlagd här eftersom ordalydelsen inte har kunnat kontrolleras mot originalet.',
    en: 'A Swedish translation is freely available from phqscreeners.com but is not bundled because its wording could not be checked against the source.',
  }),
  loinc: '44249-1',
  purpose: 'outcome',
  items: [
    ...ITEMS.map(([loinc, text], i) => ({
      id: `phq9_${i + 1}`,
      text: en(text),
      type: 'likert' as const,
      required: true,
      options: PHQ_FREQUENCY_OPTIONS,
      loinc,
    })),
    {
      id: 'phq9_difficulty',
      text: en('If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?'),
      type: 'likert',
      required: false,
      options: options(['Not difficult at all', 'Somewhat difficult', 'Very difficult', 'Extremely difficult']),
      loinc: '69722-7',
    },
  ],
  scales: [
    {
      id: 'phq9_total',
      name: { sv: 'PHQ-9 totalpoäng', en: 'PHQ-9 total score' },
      items: ITEMS.map((_, i) => `phq9_${i + 1}`),
      scoring: 'sum',
      maxMissing: 2,
      maxMissingSource: NHS_DATA_DICTIONARY_PHQ9.id,
      direction: 'higher_is_worse',
      bands: [
        { from: 0, to: 4, label: { sv: 'Inga eller minimala symtom', en: 'None–minimal' } },
        { from: 5, to: 9, label: { sv: 'Lindriga', en: 'Mild' } },
        { from: 10, to: 14, label: { sv: 'Måttliga', en: 'Moderate' } },
        { from: 15, to: 19, label: { sv: 'Medelsvåra', en: 'Moderately severe' } },
        { from: 20, to: 27, label: { sv: 'Svåra', en: 'Severe' } },
      ],
      bandsSource: KROENKE_2001.id,
      cutoff: { value: 10, inclusive: true, source: KROENKE_2001.id },
      reliableChange: { kind: 'threshold', points: 6, source: NHS_TALKING_THERAPIES_MANUAL.id },
      loinc: '44261-6',
    },
  ],
  citations: [KROENKE_2001, NHS_TALKING_THERAPIES_MANUAL, NHS_DATA_DICTIONARY_PHQ9],
};
