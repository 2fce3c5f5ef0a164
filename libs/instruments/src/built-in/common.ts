import type { ItemOption, LanguageNote, LocalizedText } from '../definition.types.js';
import { LOINC_SYSTEM } from '../loinc.js';

/** Same text in both languages: used where the validated Swedish wording is not bundled. */
export function en(text: string): LocalizedText {
  return { sv: text, en: text };
}

/** Options scored 0, 1, 2… in the order given, labels in English only. */
export function options(labels: string[]): ItemOption[] {
  return labels.map((label, value) => ({ value, label: en(label) }));
}

/** The PHQ/GAD frequency answers with their LOINC answer codes (LOINC answer list LL358-3). */
export const PHQ_FREQUENCY_OPTIONS: ItemOption[] = [
  { value: 0, label: en('Not at all'), coding: { system: LOINC_SYSTEM, code: 'LA6568-5' } },
  { value: 1, label: en('Several days'), coding: { system: LOINC_SYSTEM, code: 'LA6569-3' } },
  { value: 2, label: en('More than half the days'), coding: { system: LOINC_SYSTEM, code: 'LA6570-1' } },
  { value: 3, label: en('Nearly every day'), coding: { system: LOINC_SYSTEM, code: 'LA6571-9' } },
];

/** The language note for built-ins whose validated Swedish wording is not bundled. */
export function englishPlaceholderNote(swedishVersion: LocalizedText): LanguageNote {
  return {
    swedishText: 'english_placeholder',
    note: {
      sv:
        `Fråge- och svarstexterna är den engelska originalversionen i båda språkfälten. ${swedishVersion.sv} ` +
        'Kommunen ska lägga in den validerade svenska formuleringen som en ny version innan formuläret används med svensktalande brukare.',
      en:
        `Item and option texts are the original English wording in both language fields. ${swedishVersion.en} ` +
        'The municipality should load the validated Swedish wording as a new version before using the instrument with Swedish-speaking clients.',
    },
  };
}
