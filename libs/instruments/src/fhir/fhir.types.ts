// The small slice of HL7 FHIR R4 this library reads and writes, as plain JSON shapes (no FHIR library).

export interface FhirExtension {
  url: string;
  valueString?: string;
  valueCode?: string;
  valueDecimal?: number;
  valueInteger?: number;
  valueBoolean?: boolean;
  valueExpression?: { language?: string; expression?: string; description?: string; name?: string };
  extension?: FhirExtension[];
}

export interface FhirElement {
  extension?: FhirExtension[];
}

export interface FhirCoding {
  system?: string;
  code?: string;
  display?: string;
  _display?: FhirElement;
  extension?: FhirExtension[];
}

export interface FhirAnswerOption {
  valueCoding?: FhirCoding;
  valueInteger?: number;
  valueString?: string;
  extension?: FhirExtension[];
}

export interface FhirQuestionnaireItem {
  linkId: string;
  text?: string;
  _text?: FhirElement;
  type: string;
  required?: boolean;
  readOnly?: boolean;
  code?: FhirCoding[];
  answerOption?: FhirAnswerOption[];
  answerValueSet?: string;
  extension?: FhirExtension[];
  item?: FhirQuestionnaireItem[];
}

export interface FhirQuestionnaire {
  resourceType: 'Questionnaire';
  id?: string;
  language?: string;
  extension?: FhirExtension[];
  url?: string;
  version?: string;
  name?: string;
  title?: string;
  _title?: FhirElement;
  status: string;
  description?: string;
  _description?: FhirElement;
  copyright?: string;
  _copyright?: FhirElement;
  code?: FhirCoding[];
  contained?: unknown[];
  item?: FhirQuestionnaireItem[];
}

export interface FhirAnswer {
  valueCoding?: FhirCoding;
  valueInteger?: number;
  valueDecimal?: number;
  valueBoolean?: boolean;
  valueString?: string;
  valueQuantity?: { value?: number; unit?: string };
}

export interface FhirResponseItem {
  linkId: string;
  text?: string;
  answer?: FhirAnswer[];
  item?: FhirResponseItem[];
}

export interface FhirReference {
  reference?: string;
  display?: string;
}

export interface FhirQuestionnaireResponse {
  resourceType: 'QuestionnaireResponse';
  id?: string;
  questionnaire?: string;
  status: string;
  subject?: FhirReference;
  author?: FhirReference;
  authored?: string;
  item?: FhirResponseItem[];
}

/** A note about something the mapping could not carry over exactly, in Swedish and English. */
export interface FhirMappingIssue {
  code: string;
  /** Where in the input, e.g. `item[H1/T1/Q1]`. */
  path: string;
  sv: string;
  en: string;
}

export const FHIR_EXT = {
  ordinalValue: 'http://hl7.org/fhir/StructureDefinition/ordinalValue',
  itemWeight: 'http://hl7.org/fhir/StructureDefinition/itemWeight',
  translation: 'http://hl7.org/fhir/StructureDefinition/translation',
  minValue: 'http://hl7.org/fhir/StructureDefinition/minValue',
  maxValue: 'http://hl7.org/fhir/StructureDefinition/maxValue',
  calculatedExpression: 'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression',
  cqfExpression: 'http://hl7.org/fhir/StructureDefinition/cqf-expression',
  /** Mätpunkt: the scoring metadata FHIR has no place for (scales, licence, citations, language note), as JSON. */
  scoring: 'urn:matpunkt:fhir:extension:instrument-scoring',
  /** Mätpunkt: the stored option value, when an option carries an external coding and a separate weight. */
  optionValue: 'urn:matpunkt:fhir:extension:option-value',
} as const;

/** Code system of Mätpunkt's own option codes: the code is the option value as text. */
export const OPTION_VALUE_SYSTEM = 'urn:matpunkt:option-value';

/** The canonical URL of a definition exported by Mätpunkt. */
export function canonicalUrl(code: string): string {
  return `urn:matpunkt:questionnaire:${code}`;
}
