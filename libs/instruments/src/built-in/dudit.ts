import type { InstrumentDefinition, ItemOption } from '../definition.types.js';
import { BERMAN_2005 } from './citations.js';
import { en, englishPlaceholderNote, options } from './common.js';

const USE_FREQUENCY = options(['Never', 'Once a month or less often', '2–4 times a month', '2–3 times a week', '4 times a week or more often']);
const PAST_YEAR_FREQUENCY = options(['Never', 'Less often than once a month', 'Every month', 'Every week', 'Daily or almost daily']);
// Items 10 and 11 have three answers scored 0, 2 and 4; the printed scores are the stored values.
const HARM_OPTIONS: ItemOption[] = [
  { value: 0, label: en('No') },
  { value: 2, label: en('Yes, but not over the past year') },
  { value: 4, label: en('Yes, over the past year') },
];

const ITEMS: Array<[string, ItemOption[]]> = [
  ['How often do you use drugs other than alcohol?', USE_FREQUENCY],
  ['Do you use more than one type of drug on the same occasion?', USE_FREQUENCY],
  ['How many times do you take drugs on a typical day when you use drugs?', options(['0', '1–2', '3–4', '5–6', '7 or more'])],
  ['How often are you influenced heavily by drugs?', PAST_YEAR_FREQUENCY],
  ['Over the past year, have you felt that your longing for drugs was so strong that you could not resist it?', PAST_YEAR_FREQUENCY],
  ['Has it happened, over the past year, that you have not been able to stop taking drugs once you started?', PAST_YEAR_FREQUENCY],
  ['How often over the past year have you taken drugs and then neglected to do something you should have done?', PAST_YEAR_FREQUENCY],
  ['How often over the past year have you needed to take a drug the morning after heavy drug use the day before?', PAST_YEAR_FREQUENCY],
  ['How often over the past year have you had guilt feelings or a bad conscience because you used drugs?', PAST_YEAR_FREQUENCY],
  ['Have you or anyone else been hurt (mentally or physically) because you used drugs?', HARM_OPTIONS],
  ['Has a relative or a friend, a doctor or a nurse, or anyone else, been worried about your drug use or said to you that you should stop using drugs?', HARM_OPTIONS],
];

/** DUDIT (Berman et al. 2005): drug-related problems, 0–44, with sex-specific cut-offs. */
export const DUDIT: InstrumentDefinition = {
  code: 'dudit',
  version: 1,
  name: { sv: 'DUDIT – drogvanor', en: 'DUDIT – Drug Use Disorders Identification Test' },
  description: {
    sv: 'Elva frågor om droganvändning. Summa 0–44; högre är sämre. Drogrelaterade problem: kvinnor ≥ 2, män ≥ 6.',
    en: 'Eleven questions on drug use. Sum 0–44; higher is worse. Drug-related problems: women ≥ 2, men ≥ 6.',
  },
  licence: {
    kind: 'attribution',
    text: en('DUDIT © Anne H. Berman, Hans Bergman, Tom Palmstierna and Frans Schlyter, Karolinska Institutet. Free to use with attribution.'),
  },
  languageNote: englishPlaceholderNote({
    sv:
      'DUDIT skrevs på svenska; originalet är inte inlagt här eftersom ordalydelsen inte har kunnat kontrolleras. ' +
      'Även den engelska texten ska stämmas av mot den publicerade engelska versionen (Berman m.fl.).',
    en:
      'DUDIT was written in Swedish; the original is not bundled because its wording could not be checked. ' +
      'The English text should also be checked against the published English version (Berman et al.).',
  }),
  purpose: 'outcome',
  items: ITEMS.map(([text, opts], i) => ({ id: `dudit_${i + 1}`, text: en(text), type: 'likert' as const, required: true, options: opts })),
  scales: [
    {
      id: 'dudit_total',
      name: { sv: 'DUDIT totalpoäng', en: 'DUDIT total score' },
      items: ITEMS.map((_, i) => `dudit_${i + 1}`),
      scoring: 'sum',
      // No published prorating rule: a missing item makes the score invalid.
      maxMissing: 0,
      direction: 'higher_is_worse',
      cutoff: { inclusive: true, bySex: { female: 2, male: 6 }, source: BERMAN_2005.id },
    },
  ],
  citations: [BERMAN_2005],
};
