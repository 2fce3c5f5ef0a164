import { invalid } from '#domain';
import { BUILT_IN_INSTRUMENTS } from '../built-in/index.js';
import { validateDefinition } from '../definition-validator.js';
import type { InstrumentDefinition, Item, ItemOption, LanguageNote, LocalizedText, Scale } from '../definition.types.js';
import { LOINC_SYSTEM } from '../loinc.js';
import { fromFhirText, type Language } from './fhir-text.js';
import {
  FHIR_EXT,
  OPTION_VALUE_SYSTEM,
  type FhirAnswerOption,
  type FhirExtension,
  type FhirMappingIssue,
  type FhirQuestionnaire,
  type FhirQuestionnaireItem,
} from './fhir.types.js';
import type { ScoringExtension } from './questionnaire-export.js';

/** What an import recognised: a built-in instrument, whether all its scored items are present, and how linkIds map onto it. */
export interface RecognisedInstrument {
  code: string;
  version: number;
  complete: boolean;
  /** Built-in item ids (of scored items) the Questionnaire lacks. */
  missingItemIds: string[];
  /** Imported linkId → built-in item or scale id; pass it to fromFhirQuestionnaireResponse to read answers as the built-in. */
  linkIdMap: Record<string, string>;
}

export interface FhirQuestionnaireImport {
  definition: InstrumentDefinition;
  warnings: FhirMappingIssue[];
  recognisedAs?: RecognisedInstrument;
}

interface RawItem {
  fhir: FhirQuestionnaireItem;
  path: string;
  isScore: boolean;
}

const CHOICE_TYPES = ['choice', 'open-choice', 'coding'];

function ext(extensions: FhirExtension[] | undefined, url: string): FhirExtension | undefined {
  return extensions?.find((e) => e.url === url);
}

function loincOf(item: { code?: Array<{ system?: string; code?: string }> }): string | undefined {
  return item.code?.find((c) => c.system === LOINC_SYSTEM)?.code;
}

function slug(text: string): string {
  const s = text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const code = /^[a-z]/.test(s) ? s : `q_${s}`;
  return code.slice(0, 40).replace(/_+$/, '') || 'imported';
}

/**
 * Imports an HL7 FHIR R4 Questionnaire as a definition, with warnings for everything that could not be carried over.
 * A Mätpunkt export comes back whole. A foreign Questionnaire that matches a built-in instrument (by LOINC codes, or by
 * position when it has no item codes) gets the built-in's scales only when every scored item is present; otherwise it is
 * imported unscored and the warning `INSTRUMENT_INCOMPLETE` says why. The result passes validateDefinition.
 */
export function fromFhirQuestionnaire(json: unknown): FhirQuestionnaireImport {
  const q = json as FhirQuestionnaire;
  if (typeof json !== 'object' || json === null || q.resourceType !== 'Questionnaire') {
    throw invalid('INSTRUMENT.INVALID_FHIR', 'Resursen är inget FHIR Questionnaire.', 'The resource is not a FHIR Questionnaire.', [
      { field: 'resourceType', sv: 'måste vara Questionnaire', en: 'must be Questionnaire' },
    ]);
  }
  const warnings: FhirMappingIssue[] = [];
  const warn = (code: string, path: string, sv: string, en: string) => warnings.push({ code, path, sv, en });

  let language: Language = 'en';
  if (q.language?.toLowerCase().startsWith('sv')) language = 'sv';
  else if (!q.language) warn('LANGUAGE_ASSUMED', 'language', 'Språk saknas; texterna antas vara på engelska.', 'No language given; the texts are taken to be English.');
  let swedishMissing = false;
  const localized = (text: string | undefined, element: FhirQuestionnaireItem['_text']): LocalizedText =>
    fromFhirText(text ?? '', element, language, () => (swedishMissing = true));

  const scoring = readScoringExtension(q, warn);
  const scoringScaleIds = new Set(scoring?.scales.map((s) => s.id) ?? []);

  // Flatten groups: the format is a flat list; the first group or display text becomes the instructions.
  let instructions: LocalizedText | undefined;
  const raw: RawItem[] = [];
  const walk = (items: FhirQuestionnaireItem[] | undefined, prefix: string) => {
    for (const item of items ?? []) {
      const path = `item[${item.linkId}]`;
      if (item.type === 'group' || item.type === 'display') {
        if (item.text && !instructions && raw.length === 0) {
          instructions = localized(item.text, item._text);
        } else if (item.text) {
          warn('TEXT_DROPPED', path, `Texten i ${item.type}-posten förs inte över.`, `The text of the ${item.type} item is not carried over.`);
        }
        if (item.type === 'group') walk(item.item, `${prefix}${item.linkId}/`);
        continue;
      }
      const isScore =
        item.readOnly === true ||
        ext(item.extension, FHIR_EXT.calculatedExpression) !== undefined ||
        ext(item.extension, FHIR_EXT.cqfExpression) !== undefined ||
        scoringScaleIds.has(item.linkId);
      raw.push({ fhir: item, path, isScore });
      if (item.item?.length) warn('NESTED_ITEMS_DROPPED', path, 'Underfrågor till en fråga förs inte över.', 'Items nested under a question are not carried over.');
    }
  };
  walk(q.item, '');

  const questions = raw.filter((r) => !r.isScore);
  const scoreItems = raw.filter((r) => r.isScore);
  const recognition = scoring ? undefined : recognise(q, questions, scoreItems);

  const items: Item[] = [];
  for (const r of questions) {
    const item = importItem(r, q, localized, warn, recognition?.itemFor(r.fhir.linkId));
    if (item) items.push(item);
  }

  let scales: Scale[] = [];
  let citations = scoring?.citations ?? [];
  let licence = scoring?.licence;
  let recognisedAs: RecognisedInstrument | undefined;
  if (scoring) {
    scales = scoring.scales;
    for (const s of scoreItems) {
      if (!scoringScaleIds.has(s.fhir.linkId)) warn('SCORE_ITEM_IGNORED', s.path, 'Poängposten hör inte till någon skala och förs inte över.', 'The score item belongs to no scale and is not carried over.');
    }
  } else if (recognition) {
    recognisedAs = recognition.result;
    const builtIn = recognition.builtIn;
    const name = builtIn.name.en;
    if (recognition.matchedByPosition) {
      warn(
        'MATCHED_BY_POSITION',
        'item',
        `Frågorna saknar koder och har kopplats till ${builtIn.code} efter ordning och antal; kontrollera texterna.`,
        `The items carry no codes and were matched to ${builtIn.code} by order and count; check the texts.`,
      );
    }
    if (!recognition.result.complete) {
      const missing = recognition.missingDescriptions.join(', ');
      warn(
        'INSTRUMENT_INCOMPLETE',
        'item',
        `Formuläret liknar ${name} men saknar ${missing}. Det importeras utan poängsättning och kan inte poängsättas som ${builtIn.code}.`,
        `The Questionnaire resembles ${name} but lacks ${missing}. It is imported without scoring and cannot be scored as ${builtIn.code}.`,
      );
    } else if (!recognition.optionsMatch) {
      warn(
        'OPTIONS_DIFFER',
        'item',
        `Formuläret liknar ${name} men svarsalternativens poäng skiljer sig; det importeras utan poängsättning.`,
        `The Questionnaire resembles ${name} but its option scores differ; it is imported without scoring.`,
      );
    } else {
      scales = builtIn.scales.map((scale) => {
        const mapped = mapScale(scale, recognition, scoreItems, items);
        recognition.result.linkIdMap[mapped.id] = scale.id;
        return mapped;
      });
      citations = builtIn.citations;
      licence = builtIn.licence;
    }
  } else if (scoreItems.length > 0 || questions.length > 0) {
    warn('NO_SCORING', 'item', 'Formuläret har ingen poängsättning som kan läsas; lägg till skalor innan det används.', 'The Questionnaire carries no readable scoring; add scales before use.');
  }

  if (!licence) {
    if (q.copyright) {
      const text = localized(q.copyright, q._copyright);
      licence = { kind: 'attribution', text };
    } else {
      licence = { kind: 'customer_supplied' };
      warn('LICENCE_UNKNOWN', 'copyright', 'Licens saknas; kommunen måste själv säkerställa rätten att använda formuläret.', 'No licence given; the municipality must itself make sure it may use the instrument.');
    }
  }

  let version = scoring?.version ?? 1;
  if (!scoring) {
    if (q.version && /^\d+$/.test(q.version) && Number(q.version) >= 1) {
      version = Number(q.version);
    } else if (q.version) {
      warn('VERSION_RENUMBERED', 'version', `Versionen "${q.version}" är inget heltal; den importerade definitionen får version 1.`, `Version "${q.version}" is not an integer; the imported definition gets version 1.`);
    }
  }

  const title = q.title ?? q.name ?? q.id ?? 'Imported questionnaire';
  const definition: InstrumentDefinition = {
    code: scoring?.code ?? slug(q.name ?? q.title ?? q.id ?? 'imported'),
    version,
    name: localized(title, q._title),
    description: q.description ? localized(q.description, q._description) : localized(title, q._title),
    ...(instructions ? { instructions } : {}),
    licence,
    languageNote: scoring?.languageNote ?? importedLanguageNote(swedishMissing),
    ...(loincOf({ code: q.code }) ? { loinc: loincOf({ code: q.code }) } : {}),
    ...(scoring?.purpose ? { purpose: scoring.purpose } : {}),
    items,
    scales,
    citations,
  };
  return { definition: validateDefinition(definition), warnings, ...(recognisedAs ? { recognisedAs } : {}) };
}

function readScoringExtension(q: FhirQuestionnaire, warn: (code: string, path: string, sv: string, en: string) => void): ScoringExtension | undefined {
  const value = ext(q.extension, FHIR_EXT.scoring)?.valueString;
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as ScoringExtension;
  } catch {
    warn('SCORING_EXTENSION_UNREADABLE', 'extension', 'Mätpunkts poängsättningstillägg kunde inte läsas.', "Mätpunkt's scoring extension could not be read.");
    return undefined;
  }
}

function importedLanguageNote(swedishMissing: boolean): LanguageNote {
  if (swedishMissing) {
    return {
      swedishText: 'english_placeholder',
      note: {
        sv: 'Importerat formulär utan svensk text; den engelska texten står i båda språkfälten. Lägg in den validerade svenska formuleringen.',
        en: 'Imported questionnaire without Swedish text; the English text stands in both fields. Load the validated Swedish wording.',
      },
    };
  }
  return {
    swedishText: 'unvalidated_translation',
    note: {
      sv: 'Importerat formulär med svensk text; kontrollera om den är den validerade svenska versionen.',
      en: 'Imported questionnaire with Swedish text; check whether it is the validated Swedish version.',
    },
  };
}

interface ImportedOption {
  option: ItemOption;
}

function readOptions(fhir: FhirQuestionnaireItem, q: FhirQuestionnaire, localized: (t: string | undefined, e: FhirQuestionnaireItem['_text']) => LocalizedText): ItemOption[] | null {
  if (fhir.answerOption?.length) {
    const options: ItemOption[] = [];
    fhir.answerOption.forEach((ao, index) => {
      const o = optionFromAnswerOption(ao, index, localized);
      if (o) options.push(o.option);
    });
    return options;
  }
  if (fhir.answerValueSet?.startsWith('#')) {
    const vs = (q.contained ?? []).find((r) => (r as { id?: string }).id === fhir.answerValueSet!.slice(1)) as
      | { compose?: { include?: Array<{ system?: string; concept?: Array<{ code: string; display?: string; extension?: FhirExtension[] }> }> } }
      | undefined;
    if (!vs) return null;
    const options: ItemOption[] = [];
    for (const include of vs.compose?.include ?? []) {
      (include.concept ?? []).forEach((concept, index) => {
        const o = optionFromAnswerOption(
          { valueCoding: { system: include.system, code: concept.code, display: concept.display }, extension: concept.extension },
          index,
          localized,
        );
        if (o) options.push(o.option);
      });
    }
    return options;
  }
  return null;
}

function optionFromAnswerOption(ao: FhirAnswerOption, index: number, localized: (t: string | undefined, e: FhirQuestionnaireItem['_text']) => LocalizedText): ImportedOption | null {
  const ordinalExt = ext(ao.extension, FHIR_EXT.ordinalValue) ?? ext(ao.extension, FHIR_EXT.itemWeight) ?? ext(ao.valueCoding?.extension, FHIR_EXT.ordinalValue);
  const ordinal = ordinalExt?.valueDecimal ?? ordinalExt?.valueInteger;
  if (ao.valueInteger !== undefined) return { option: { value: ao.valueInteger, label: localized(String(ao.valueInteger), undefined) } };
  const coding = ao.valueCoding;
  if (!coding?.code) return null;
  const label = localized(coding.display ?? coding.code, coding._display);
  if (coding.system === OPTION_VALUE_SYSTEM && Number.isFinite(Number(coding.code))) {
    const value = Number(coding.code);
    return { option: { value, label, ...(ordinal !== undefined && ordinal !== value ? { weight: ordinal } : {}) } };
  }
  const storedValue = ext(ao.extension, FHIR_EXT.optionValue)?.valueDecimal;
  const value = storedValue ?? ordinal ?? index;
  const option: ItemOption = { value, label };
  if (storedValue !== undefined && ordinal !== undefined && ordinal !== storedValue) option.weight = ordinal;
  // A code without a system cannot be kept; answers to it are then matched by display text.
  if (coding.system) option.coding = { system: coding.system, code: coding.code };
  return { option };
}

function importItem(
  r: RawItem,
  q: FhirQuestionnaire,
  localized: (t: string | undefined, e: FhirQuestionnaireItem['_text']) => LocalizedText,
  warn: (code: string, path: string, sv: string, en: string) => void,
  builtInItem: Item | undefined,
): Item | null {
  const f = r.fhir;
  const base = { id: f.linkId, text: localized(f.text ?? f.linkId, f._text), required: f.required === true };
  const loinc = loincOf(f);
  const withLoinc = (item: Item): Item => (loinc ? { ...item, loinc } : item);
  if (CHOICE_TYPES.includes(f.type)) {
    if (f.type === 'open-choice') warn('OPEN_CHOICE', r.path, 'Fritt svar utöver alternativen förs inte över.', 'Free answers beyond the options are not carried over.');
    let options = readOptions(f, q, localized);
    if ((!options || options.length < 2) && builtInItem?.options) {
      warn(
        'OPTIONS_FROM_BUILT_IN',
        r.path,
        `Svarsalternativen (${f.answerValueSet ?? 'saknas'}) finns inte i resursen; den inbyggda frågans alternativ används.`,
        `The answer options (${f.answerValueSet ?? 'none'}) are not in the resource; the built-in item's options are used.`,
      );
      options = builtInItem.options;
    }
    if (!options || options.length < 2) {
      warn('ITEM_SKIPPED', r.path, `Svarsalternativen (${f.answerValueSet ?? 'saknas'}) kan inte läsas; frågan förs inte över.`, `The answer options (${f.answerValueSet ?? 'none'}) cannot be read; the item is not carried over.`);
      return null;
    }
    return withLoinc({ ...base, type: 'likert' as const, options });
  }
  if (f.type === 'integer' || f.type === 'decimal') {
    const min = ext(f.extension, FHIR_EXT.minValue);
    const max = ext(f.extension, FHIR_EXT.maxValue);
    const minV = min?.valueDecimal ?? min?.valueInteger;
    const maxV = max?.valueDecimal ?? max?.valueInteger;
    if (minV === undefined || maxV === undefined) {
      warn('ITEM_SKIPPED', r.path, 'Talfrågan saknar min- och maxvärde; frågan förs inte över.', 'The numeric item has no min and max value; the item is not carried over.');
      return null;
    }
    return withLoinc({ ...base, type: 'numeric' as const, min: minV, max: maxV });
  }
  if (f.type === 'boolean') return withLoinc({ ...base, type: 'yes_no' as const });
  if (f.type === 'string' || f.type === 'text') return withLoinc({ ...base, type: 'free_text' as const });
  warn('ITEM_SKIPPED', r.path, `Frågetypen ${f.type} stöds inte; frågan förs inte över.`, `Item type ${f.type} is not supported; the item is not carried over.`);
  return null;
}

interface Recognition {
  builtIn: InstrumentDefinition;
  matchedByPosition: boolean;
  result: RecognisedInstrument;
  optionsMatch: boolean;
  missingDescriptions: string[];
  itemFor(linkId: string): Item | undefined;
}

/** Finds the built-in instrument a foreign Questionnaire is, by LOINC codes; maps its items by code, or by position when it has none. */
function recognise(q: FhirQuestionnaire, questions: RawItem[], scoreItems: RawItem[]): Recognition | undefined {
  const panel = loincOf({ code: q.code });
  let best: { def: InstrumentDefinition; score: number } | undefined;
  for (const def of BUILT_IN_INSTRUMENTS) {
    const itemCodes = new Set(def.items.map((i) => i.loinc).filter(Boolean));
    const scaleCodes = new Set(def.scales.map((s) => s.loinc).filter(Boolean));
    let score = panel && panel === def.loinc ? 2 : 0;
    score += questions.filter((r) => itemCodes.has(loincOf(r.fhir))).length;
    score += scoreItems.filter((r) => scaleCodes.has(loincOf(r.fhir))).length * 2;
    if (score > 0 && (!best || score > best.score)) best = { def, score };
  }
  if (!best) return undefined;
  const builtIn = best.def;
  const scored = new Set(builtIn.scales.flatMap((s) => s.items));
  const linkIdMap: Record<string, string> = {};

  const anyCodes = questions.some((r) => loincOf(r.fhir));
  let matchedByPosition = false;
  if (anyCodes) {
    for (const r of questions) {
      const match = builtIn.items.find((i) => i.loinc && i.loinc === loincOf(r.fhir));
      if (match) linkIdMap[r.fhir.linkId] = match.id;
    }
  } else {
    // Without item codes, position is the only evidence; accept it only when the counts agree exactly.
    const choiceQuestions = questions.filter((r) => CHOICE_TYPES.includes(r.fhir.type));
    const targets = choiceQuestions.length === builtIn.items.length ? builtIn.items : builtIn.items.filter((i) => scored.has(i.id));
    if (choiceQuestions.length === targets.length) {
      choiceQuestions.forEach((r, k) => (linkIdMap[r.fhir.linkId] = targets[k].id));
      matchedByPosition = true;
    }
  }

  const mapped = new Set(Object.values(linkIdMap));
  const missing = builtIn.items.filter((i) => scored.has(i.id) && !mapped.has(i.id));
  const byId = new Map(builtIn.items.map((i) => [i.id, i]));
  const missingDescriptions = missing.map((i) => `${i.id}${i.loinc ? ` (LOINC ${i.loinc})` : ''}`);

  let optionsMatch = true;
  for (const r of questions) {
    const target = byId.get(linkIdMap[r.fhir.linkId]);
    if (!target?.options) continue;
    const own = readOptions(r.fhir, q, (t) => ({ sv: t ?? '', en: t ?? '' }));
    if (!own || own.length < 2) continue;
    const weights = (opts: ItemOption[]) => opts.map((o) => o.weight ?? o.value).sort((a, b) => a - b).join(',');
    if (weights(own) !== weights(target.options)) optionsMatch = false;
  }
  for (const r of scoreItems) {
    const scale = builtIn.scales.find((s) => s.loinc && s.loinc === loincOf(r.fhir));
    if (scale) linkIdMap[r.fhir.linkId] = scale.id;
  }

  return {
    builtIn,
    matchedByPosition,
    optionsMatch,
    missingDescriptions,
    result: { code: builtIn.code, version: builtIn.version, complete: missing.length === 0, missingItemIds: missing.map((i) => i.id), linkIdMap },
    itemFor: (linkId) => byId.get(linkIdMap[linkId]),
  };
}

/** The built-in scale rewritten onto the imported linkIds; it takes the id of the Questionnaire's own score item when there is one. */
function mapScale(scale: Scale, recognition: Recognition, scoreItems: RawItem[], items: Item[]): Scale {
  const toLinkId = new Map(Object.entries(recognition.result.linkIdMap).map(([linkId, id]) => [id, linkId]));
  const own = scoreItems.find((r) => scale.loinc && loincOf(r.fhir) === scale.loinc);
  let id = own?.fhir.linkId ?? scale.id;
  if (items.some((i) => i.id === id)) id = `${id}_score`;
  const mapped: Scale = { ...scale, id, items: scale.items.map((i) => toLinkId.get(i) ?? i) };
  if (scale.reverseItems) mapped.reverseItems = scale.reverseItems.map((i) => toLinkId.get(i) ?? i);
  return mapped;
}
