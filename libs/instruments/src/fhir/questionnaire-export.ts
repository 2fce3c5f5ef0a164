import type { InstrumentDefinition, Item, ItemOption } from '../definition.types.js';
import { LOINC_SYSTEM } from '../loinc.js';
import { toFhirText, type Language } from './fhir-text.js';
import {
  canonicalUrl,
  FHIR_EXT,
  OPTION_VALUE_SYSTEM,
  type FhirAnswerOption,
  type FhirCoding,
  type FhirExtension,
  type FhirQuestionnaire,
  type FhirQuestionnaireItem,
} from './fhir.types.js';

/** linkId of the display item carrying the instructions; the leading underscore cannot clash with an item id. */
export const INSTRUCTIONS_LINK_ID = '_instructions';

/** What FHIR has no element for travels in one Mätpunkt extension, so a Mätpunkt-to-Mätpunkt round trip loses nothing. */
export interface ScoringExtension {
  code: string;
  version: number;
  licence: InstrumentDefinition['licence'];
  languageNote: InstrumentDefinition['languageNote'];
  purpose?: InstrumentDefinition['purpose'];
  scales: InstrumentDefinition['scales'];
  citations: InstrumentDefinition['citations'];
}

export interface ToFhirQuestionnaireOptions {
  /** Language of the plain `text` fields; the other language goes in translation extensions. Default `sv`. */
  language?: Language;
}

/** The coding an option is exchanged as: its external coding if it has one, else Mätpunkt's value code. */
export function optionCoding(option: ItemOption): { system: string; code: string } {
  return option.coding ?? { system: OPTION_VALUE_SYSTEM, code: String(option.value) };
}

function answerOption(option: ItemOption, language: Language): FhirAnswerOption {
  const label = toFhirText(option.label, language);
  const coding: FhirCoding = { ...optionCoding(option), display: label.text, _display: label.element };
  const extension: FhirExtension[] = [{ url: FHIR_EXT.ordinalValue, valueDecimal: option.weight ?? option.value }];
  // With an external code and a separate weight neither the code nor the ordinal says what the stored value is.
  if (option.coding && option.weight !== undefined) extension.push({ url: FHIR_EXT.optionValue, valueDecimal: option.value });
  return { valueCoding: coding, extension };
}

function questionItem(item: Item, language: Language): FhirQuestionnaireItem {
  const text = toFhirText(item.text, language);
  const out: FhirQuestionnaireItem = { linkId: item.id, text: text.text, _text: text.element, type: fhirType(item), required: item.required };
  if (item.loinc) out.code = [{ system: LOINC_SYSTEM, code: item.loinc }];
  if (item.type === 'likert') out.answerOption = item.options!.map((o) => answerOption(o, language));
  if (item.type === 'numeric') {
    out.extension = [
      { url: FHIR_EXT.minValue, valueDecimal: item.min },
      { url: FHIR_EXT.maxValue, valueDecimal: item.max },
    ];
  }
  return out;
}

function fhirType(item: Item): string {
  switch (item.type) {
    case 'likert':
      return 'choice';
    case 'numeric':
      return 'decimal';
    case 'yes_no':
      return 'boolean';
    case 'free_text':
      return 'text';
  }
}

/**
 * Exports a definition as an HL7 FHIR R4 Questionnaire (plain JSON): items with LOINC codes, answer options as
 * `valueCoding` with `ordinalValue`, both languages via translation extensions, and each scale as a read-only score item.
 * Scoring rules travel in a Mätpunkt extension that other systems may ignore.
 */
export function toFhirQuestionnaire(def: InstrumentDefinition, options: ToFhirQuestionnaireOptions = {}): FhirQuestionnaire {
  const language = options.language ?? 'sv';
  const scoring: ScoringExtension = {
    code: def.code,
    version: def.version,
    licence: def.licence,
    languageNote: def.languageNote,
    ...(def.purpose ? { purpose: def.purpose } : {}),
    scales: def.scales,
    citations: def.citations,
  };
  const title = toFhirText(def.name, language);
  const description = toFhirText(def.description, language);
  const items: FhirQuestionnaireItem[] = [];
  if (def.instructions) {
    const instructions = toFhirText(def.instructions, language);
    items.push({ linkId: INSTRUCTIONS_LINK_ID, text: instructions.text, _text: instructions.element, type: 'display' });
  }
  items.push(...def.items.map((item) => questionItem(item, language)));
  for (const scale of def.scales) {
    const name = toFhirText(scale.name, language);
    const scoreItem: FhirQuestionnaireItem = { linkId: scale.id, text: name.text, _text: name.element, type: 'decimal', readOnly: true, required: false };
    if (scale.loinc) scoreItem.code = [{ system: LOINC_SYSTEM, code: scale.loinc }];
    items.push(scoreItem);
  }

  const questionnaire: FhirQuestionnaire = {
    resourceType: 'Questionnaire',
    id: `${def.code.replace(/_/g, '-')}-v${def.version}`,
    language,
    extension: [{ url: FHIR_EXT.scoring, valueString: JSON.stringify(scoring) }],
    url: canonicalUrl(def.code),
    version: String(def.version),
    name: def.code,
    title: title.text,
    _title: title.element,
    status: 'active',
    description: description.text,
    _description: description.element,
  };
  if (def.licence.text) {
    const copyright = toFhirText(def.licence.text, language);
    questionnaire.copyright = copyright.text;
    questionnaire._copyright = copyright.element;
  }
  if (def.loinc) questionnaire.code = [{ system: LOINC_SYSTEM, code: def.loinc }];
  questionnaire.item = items;
  return questionnaire;
}
