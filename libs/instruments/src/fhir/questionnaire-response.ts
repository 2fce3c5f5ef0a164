import { invalid } from '#domain';
import type { Answers, AnswerValue, InstrumentDefinition, Item, Sex } from '../definition.types.js';
import { scoreResponse, validateAnswers, type ScaleScore } from '../scoring.js';
import { canonicalUrl, OPTION_VALUE_SYSTEM, type FhirAnswer, type FhirMappingIssue, type FhirQuestionnaireResponse, type FhirReference, type FhirResponseItem } from './fhir.types.js';
import type { Language } from './fhir-text.js';
import { optionCoding } from './questionnaire-export.js';

export interface ToFhirResponseMeta {
  id?: string;
  /** Canonical of the Questionnaire; defaults to Mätpunkt's `urn:matpunkt:questionnaire:<code>|<version>`. */
  questionnaire?: string;
  status?: 'in-progress' | 'completed' | 'amended';
  authored?: string;
  subject?: FhirReference;
  author?: FhirReference;
  language?: Language;
  /** Add each valid scale score as an answer to its read-only score item. Default true. */
  includeScores?: boolean;
  sex?: Sex;
}

/**
 * Exports a filled-in instrument as an HL7 FHIR R4 QuestionnaireResponse (plain JSON). Unanswered items are left out;
 * valid scale scores are added as the answers of the scales' score items. Malformed answers throw INSTRUMENT.INVALID_ANSWERS.
 */
export function toFhirQuestionnaireResponse(def: InstrumentDefinition, answers: Answers, meta: ToFhirResponseMeta = {}): FhirQuestionnaireResponse {
  const language = meta.language ?? 'sv';
  const scores = scoreResponse(def, answers, { sex: meta.sex });
  const items: FhirResponseItem[] = [];
  for (const item of def.items) {
    const value = answers[item.id];
    if (value === undefined || value === null || value === '') continue;
    items.push({ linkId: item.id, text: item.text[language], answer: [fhirAnswer(item, value, language)] });
  }
  if (meta.includeScores !== false) {
    for (const score of scores) {
      if (!score.valid || score.raw === null) continue;
      const scale = def.scales.find((s) => s.id === score.scaleId)!;
      items.push({ linkId: scale.id, text: scale.name[language], answer: [{ valueDecimal: score.raw }] });
    }
  }
  const response: FhirQuestionnaireResponse = {
    resourceType: 'QuestionnaireResponse',
    ...(meta.id ? { id: meta.id } : {}),
    questionnaire: meta.questionnaire ?? `${canonicalUrl(def.code)}|${def.version}`,
    status: meta.status ?? 'completed',
    ...(meta.subject ? { subject: meta.subject } : {}),
    ...(meta.authored ? { authored: meta.authored } : {}),
    ...(meta.author ? { author: meta.author } : {}),
    item: items,
  };
  return response;
}

function fhirAnswer(item: Item, value: AnswerValue, language: Language): FhirAnswer {
  switch (item.type) {
    case 'likert': {
      const option = item.options!.find((o) => o.value === value)!;
      return { valueCoding: { ...optionCoding(option), display: option.label[language] } };
    }
    case 'numeric':
      return Number.isInteger(value) ? { valueInteger: value as number } : { valueDecimal: value as number };
    case 'yes_no':
      return { valueBoolean: value as boolean };
    case 'free_text':
      return { valueString: value as string };
  }
}

export interface ScoreDiscrepancy {
  scaleId: string;
  stated: number;
  /** What the answers give; null when they do not give a valid score. */
  computed: number | null;
}

export interface FhirResponseImport {
  answers: Answers;
  /** Totals the response itself states, by scale id. Reported, never used as the score. */
  statedTotals: Record<string, number>;
  /** Scores recomputed from the answers. */
  scores: ScaleScore[];
  discrepancies: ScoreDiscrepancy[];
  problems: FhirMappingIssue[];
}

export interface FromFhirResponseOptions {
  /** Response linkId → item or scale id, e.g. `recognisedAs.linkIdMap` from fromFhirQuestionnaire. Unmapped linkIds are used as they are. */
  linkIdMap?: Record<string, string>;
  sex?: Sex;
}

/**
 * Imports an HL7 FHIR R4 QuestionnaireResponse against a definition. The scores are recomputed from the answers; a total
 * the response states that disagrees is reported in `discrepancies`, not trusted. Answers that cannot be read (unknown
 * items, unknown codes, out of range) are left out and reported in `problems`.
 */
export function fromFhirQuestionnaireResponse(json: unknown, def: InstrumentDefinition, options: FromFhirResponseOptions = {}): FhirResponseImport {
  const qr = json as FhirQuestionnaireResponse;
  if (typeof json !== 'object' || json === null || qr.resourceType !== 'QuestionnaireResponse') {
    throw invalid('INSTRUMENT.INVALID_FHIR', 'Resursen är inget FHIR QuestionnaireResponse.', 'The resource is not a FHIR QuestionnaireResponse.', [
      { field: 'resourceType', sv: 'måste vara QuestionnaireResponse', en: 'must be QuestionnaireResponse' },
    ]);
  }
  const problems: FhirMappingIssue[] = [];
  const problem = (code: string, path: string, sv: string, en: string) => problems.push({ code, path, sv, en });
  const itemsById = new Map(def.items.map((i) => [i.id, i]));
  const scaleIds = new Set(def.scales.map((s) => s.id));

  const ownCanonical = canonicalUrl(def.code);
  if (qr.questionnaire?.startsWith('urn:matpunkt:questionnaire:') && qr.questionnaire !== `${ownCanonical}|${def.version}`) {
    problem(
      'QUESTIONNAIRE_MISMATCH',
      'questionnaire',
      `Svaret gäller ${qr.questionnaire}, inte ${ownCanonical}|${def.version}.`,
      `The response is to ${qr.questionnaire}, not ${ownCanonical}|${def.version}.`,
    );
  }

  const answers: Answers = {};
  const statedTotals: Record<string, number> = {};
  const walk = (items: FhirResponseItem[] | undefined) => {
    for (const ri of items ?? []) {
      walk(ri.item);
      if (!ri.answer || ri.answer.length === 0) continue;
      const path = `item[${ri.linkId}]`;
      const id = options.linkIdMap?.[ri.linkId] ?? ri.linkId;
      if (ri.answer.length > 1) {
        problem('MULTIPLE_ANSWERS', path, 'Frågan har flera svar; inget av dem används.', 'The item has several answers; none is used.');
        continue;
      }
      const answer = ri.answer[0];
      if (scaleIds.has(id)) {
        const stated = answer.valueQuantity?.value ?? answer.valueDecimal ?? answer.valueInteger;
        if (typeof stated === 'number') statedTotals[id] = stated;
        else problem('UNREADABLE_TOTAL', path, 'Den angivna poängen är inget tal.', 'The stated score is not a number.');
        continue;
      }
      const item = itemsById.get(id);
      if (!item) {
        problem('UNKNOWN_ITEM', path, `Frågan ${ri.linkId} finns inte i formuläret.`, `Item ${ri.linkId} is not in the instrument.`);
        continue;
      }
      const value = readAnswer(item, answer);
      if (value === undefined) {
        problem('UNREADABLE_ANSWER', path, 'Svaret matchar inget svarsalternativ eller har fel typ.', 'The answer matches no option or has the wrong type.');
        continue;
      }
      const errors = validateAnswers(def, { [item.id]: value }).filter((e) => e.field === `answers.${item.id}`);
      if (errors.length > 0) {
        errors.forEach((e) => problem('INVALID_ANSWER', path, e.sv, e.en));
        continue;
      }
      answers[item.id] = value;
    }
  };
  walk(qr.item);

  for (const e of validateAnswers(def, answers)) problem('MISSING_ANSWER', e.field, e.sv, e.en);

  const scores = scoreResponse(def, answers, { sex: options.sex });
  const discrepancies: ScoreDiscrepancy[] = [];
  for (const [scaleId, stated] of Object.entries(statedTotals)) {
    const computed = scores.find((s) => s.scaleId === scaleId)!.raw;
    if (computed === null || Math.abs(computed - stated) > 1e-6) discrepancies.push({ scaleId, stated, computed });
  }
  return { answers, statedTotals, scores, discrepancies, problems };
}

/** Reads one FHIR answer as the item's stored value, or undefined when it cannot be read. */
function readAnswer(item: Item, answer: FhirAnswer): AnswerValue | undefined {
  const number = answer.valueInteger ?? answer.valueDecimal ?? answer.valueQuantity?.value;
  switch (item.type) {
    case 'likert': {
      if (typeof number === 'number') return number;
      const coding = answer.valueCoding;
      if (!coding) return undefined;
      const options = item.options ?? [];
      const byCode = options.find((o) => {
        const own = optionCoding(o);
        return coding.code === own.code && (!coding.system || coding.system === own.system);
      });
      if (byCode) return byCode.value;
      if (coding.system === OPTION_VALUE_SYSTEM && coding.code !== undefined) return Number(coding.code);
      // Foreign responses sometimes carry only the display text.
      const byDisplay = options.find((o) => coding.display !== undefined && (o.label.en === coding.display || o.label.sv === coding.display));
      return byDisplay?.value;
    }
    case 'numeric':
      return typeof number === 'number' ? number : undefined;
    case 'yes_no':
      return typeof answer.valueBoolean === 'boolean' ? answer.valueBoolean : undefined;
    case 'free_text':
      return typeof answer.valueString === 'string' ? answer.valueString : undefined;
  }
}
