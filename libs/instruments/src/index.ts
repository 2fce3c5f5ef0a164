export * from './definition.types.js';
export { validateDefinition } from './definition-validator.js';
export { assertNewVersion, canonicalJson, definitionHash, definitionsEqual } from './definition-version.js';
export { itemRange, scaleRange, type Range } from './item-range.js';
export { isValidLoinc, LOINC_SYSTEM } from './loinc.js';
export { cutoffFor, findBand, scoreResponse, validateAnswers, type ScaleScore, type ScoreOptions, type ScoreProblem } from './scoring.js';
export { AUDIT, BUILT_IN_INSTRUMENTS, DUDIT, GAD7, PHQ9, WHO5 } from './built-in/index.js';
export * from './fhir/fhir.types.js';
export { toFhirQuestionnaire, INSTRUCTIONS_LINK_ID, type ToFhirQuestionnaireOptions } from './fhir/questionnaire-export.js';
export { fromFhirQuestionnaire, type FhirQuestionnaireImport, type RecognisedInstrument } from './fhir/questionnaire-import.js';
export {
  fromFhirQuestionnaireResponse,
  toFhirQuestionnaireResponse,
  type FhirResponseImport,
  type FromFhirResponseOptions,
  type ScoreDiscrepancy,
  type ToFhirResponseMeta,
} from './fhir/questionnaire-response.js';
