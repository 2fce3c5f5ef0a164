import type { LocalizedText } from '../definition.types.js';
import { FHIR_EXT, type FhirElement } from './fhir.types.js';

export type Language = 'sv' | 'en';

/** The FHIR text in the primary language plus a translation extension carrying the other language. */
export function toFhirText(text: LocalizedText, primary: Language): { text: string; element: FhirElement } {
  const other: Language = primary === 'sv' ? 'en' : 'sv';
  return {
    text: text[primary],
    element: {
      extension: [
        {
          url: FHIR_EXT.translation,
          extension: [
            { url: 'lang', valueCode: other },
            { url: 'content', valueString: text[other] },
          ],
        },
      ],
    },
  };
}

/** Reads the translation for `lang` (matching `sv`, `sv-SE`, …) from an element's extensions. */
export function readTranslation(element: FhirElement | undefined, lang: Language): string | undefined {
  for (const ext of element?.extension ?? []) {
    if (ext.url !== FHIR_EXT.translation) continue;
    const code = ext.extension?.find((e) => e.url === 'lang')?.valueCode;
    const content = ext.extension?.find((e) => e.url === 'content')?.valueString;
    if (code && content && code.toLowerCase().split('-')[0] === lang) return content;
  }
  return undefined;
}

/**
 * Builds {sv, en} from a FHIR text and its translations; where the other language is missing the same text stands in both,
 * and `onMissingSwedish` is called so the importer can mark the Swedish text as a placeholder.
 */
export function fromFhirText(text: string, element: FhirElement | undefined, primary: Language, onMissingSwedish: () => void): LocalizedText {
  const other: Language = primary === 'sv' ? 'en' : 'sv';
  const translated = readTranslation(element, other);
  if (translated === undefined && other === 'sv') onMissingSwedish();
  const result = { [primary]: text, [other]: translated ?? text } as unknown as LocalizedText;
  return { sv: result.sv, en: result.en };
}
