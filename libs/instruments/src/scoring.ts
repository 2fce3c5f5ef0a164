import { invalid, type FieldError } from '#domain';
import type { Answers, AnswerValue, Band, InstrumentDefinition, Item, LocalizedText, Scale, Sex } from './definition.types.js';
import { itemRange } from './item-range.js';

export interface ScoreProblem {
  code: string;
  sv: string;
  en: string;
}

export interface ScaleScore {
  scaleId: string;
  /** The final score (prorated and transformed), or null when invalid. */
  raw: number | null;
  valid: boolean;
  invalidReason?: ScoreProblem;
  answeredItems: number;
  missingItems: number;
  /** True when missing items were filled in with the mean of the answered ones. */
  prorated: boolean;
  band?: Band;
  /**
   * On the clinical side of the cut-off; absent when the scale has no cut-off; null when the score is invalid,
   * or when the cut-off is sex-specific and the client's sex is not female or male (`caseNote` says which).
   */
  isCase?: boolean | null;
  /** The cut-off that was applied, when one was. */
  cutoffApplied?: number;
  caseNote?: LocalizedText;
}

export interface ScoreOptions {
  sex?: Sex;
}

interface AnswerIssue {
  error: FieldError;
  /** Missing answers are a form matter; scoring handles them through maxMissing. */
  missing: boolean;
}

function isMissing(value: AnswerValue | undefined): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function collectAnswerIssues(def: InstrumentDefinition, answers: Answers): AnswerIssue[] {
  const issues: AnswerIssue[] = [];
  const issue = (itemId: string, sv: string, en: string, missing = false) =>
    issues.push({ error: { field: `answers.${itemId}`, sv, en }, missing });
  const itemsById = new Map(def.items.map((item) => [item.id, item]));

  for (const itemId of Object.keys(answers)) {
    if (!itemsById.has(itemId)) issue(itemId, `okänd fråga ${itemId}`, `unknown item ${itemId}`);
  }
  for (const item of def.items) {
    const value = answers[item.id];
    if (isMissing(value)) {
      if (item.required) issue(item.id, 'svar krävs', 'an answer is required', true);
      continue;
    }
    switch (item.type) {
      case 'likert':
        if (typeof value !== 'number') {
          issue(item.id, 'svaret måste vara ett av svarsalternativens värden (ett tal)', 'the answer must be one of the option values (a number)');
        } else if (!(item.options ?? []).some((o) => o.value === value)) {
          const allowed = (item.options ?? []).map((o) => o.value).join(', ');
          issue(item.id, `${value} är inget svarsalternativ (tillåtna: ${allowed})`, `${value} is not an option (allowed: ${allowed})`);
        }
        break;
      case 'numeric':
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          issue(item.id, 'svaret måste vara ett tal', 'the answer must be a number');
        } else if (value < item.min! || value > item.max!) {
          issue(item.id, `svaret måste ligga mellan ${item.min} och ${item.max}`, `the answer must lie between ${item.min} and ${item.max}`);
        }
        break;
      case 'yes_no':
        if (typeof value !== 'boolean') issue(item.id, 'svaret måste vara ja eller nej (true/false)', 'the answer must be yes or no (true/false)');
        break;
      case 'free_text':
        if (typeof value !== 'string') issue(item.id, 'svaret måste vara en text', 'the answer must be a text');
        break;
    }
  }
  return issues;
}

/**
 * Checks a set of answers against a definition and returns every field error (field `answers.<itemId>`):
 * unknown item ids, wrong types, values that are not options or lie out of range, and missing required answers.
 * An empty list means the answers may be stored as a complete response.
 */
export function validateAnswers(def: InstrumentDefinition, answers: Answers): FieldError[] {
  return collectAnswerIssues(def, answers).map((i) => i.error);
}

/** The scored value of one answer before reversing: the option weight, the number, or 1/0 for yes/no. */
function scoredValue(item: Item, value: AnswerValue): number {
  if (item.type === 'likert') {
    const option = item.options!.find((o) => o.value === value)!;
    return option.weight ?? option.value;
  }
  if (item.type === 'yes_no') return value === true ? 1 : 0;
  return value as number;
}

// Prorated means can produce 11.249999999; ten decimals is far below any published precision.
function tidy(x: number): number {
  return Math.round(x * 1e10) / 1e10;
}

/** The band holding `score`: the one containing it, else (between integer bands, e.g. 4.5) the highest band starting at or below it. */
export function findBand(bands: Band[] | undefined, score: number): Band | undefined {
  if (!bands || bands.length === 0) return undefined;
  const exact = bands.find((b) => score >= b.from && score <= b.to);
  if (exact) return exact;
  const below = bands.filter((b) => b.from <= score && score <= bands[bands.length - 1].to);
  return below.length > 0 ? below[below.length - 1] : undefined;
}

function scoreScale(scale: Scale, itemsById: Map<string, Item>, answers: Answers, options: ScoreOptions): ScaleScore {
  const reverse = new Set(scale.reverseItems ?? []);
  const values: number[] = [];
  for (const itemId of scale.items) {
    const item = itemsById.get(itemId)!;
    const answer = answers[itemId];
    if (isMissing(answer ?? null)) continue;
    let v = scoredValue(item, answer!);
    if (reverse.has(itemId)) {
      const range = itemRange(item)!;
      v = range.min + range.max - v;
    }
    values.push(v);
  }
  const answeredItems = values.length;
  const missingItems = scale.items.length - answeredItems;
  const base = { scaleId: scale.id, answeredItems, missingItems };

  if (missingItems > scale.maxMissing || answeredItems === 0) {
    return {
      ...base,
      raw: null,
      valid: false,
      prorated: false,
      invalidReason: {
        code: 'TOO_MANY_MISSING',
        sv: `${missingItems} av ${scale.items.length} frågor saknar svar; högst ${scale.maxMissing} får saknas.`,
        en: `${missingItems} of ${scale.items.length} items are unanswered; at most ${scale.maxMissing} may be missing.`,
      },
      ...(scale.cutoff ? { isCase: null } : {}),
    };
  }

  const sum = values.reduce((a, b) => a + b, 0);
  // Prorating: the mean of the answered items stands in for each missing item (sum × k / n).
  let raw = scale.scoring === 'sum' ? (sum * scale.items.length) / answeredItems : sum / answeredItems;
  raw = tidy(raw * (scale.transform?.multiply ?? 1));

  const result: ScaleScore = { ...base, raw, valid: true, prorated: missingItems > 0 };
  const band = findBand(scale.bands, raw);
  if (band) result.band = band;
  if (scale.cutoff) Object.assign(result, caseness(scale, raw, options.sex));
  return result;
}

/**
 * The cut-off that applies to one client: the sex-specific one when the scale has them (null when sex is not female
 * or male), else the general one; null when the scale has no cut-off. Shaped for #statistics' CaseCutoff.
 */
export function cutoffFor(scale: Scale, sex: Sex | undefined): { value: number; inclusive: boolean } | null {
  const cutoff = scale.cutoff;
  if (!cutoff) return null;
  if (cutoff.bySex) {
    return sex === 'female' || sex === 'male' ? { value: cutoff.bySex[sex], inclusive: cutoff.inclusive } : null;
  }
  return cutoff.value === undefined ? null : { value: cutoff.value, inclusive: cutoff.inclusive };
}

function caseness(scale: Scale, raw: number, sex: Sex | undefined): Pick<ScaleScore, 'isCase' | 'cutoffApplied' | 'caseNote'> {
  const applied = cutoffFor(scale, sex);
  if (!applied) {
    // Guessing one sex's cut-off would misclassify the other (AUDIT: 6 for women, 8 for men), so say we cannot tell.
    return {
      isCase: null,
      caseNote: {
        sv: 'Gränsvärdet skiljer sig mellan kvinnor och män och brukarens kön är okänt; klinisk nivå kan inte avgöras.',
        en: "The cut-off differs between women and men and the client's sex is unknown; caseness cannot be decided.",
      },
    };
  }
  const { value: t, inclusive } = applied;
  const worse = scale.direction === 'higher_is_worse';
  const isCase = worse ? (inclusive ? raw >= t : raw > t) : inclusive ? raw <= t : raw < t;
  return { isCase, cutoffApplied: t };
}

/**
 * Scores every scale of a definition from a set of answers (pure).
 * Missing answers are prorated up to each scale's `maxMissing`; beyond it the scale is invalid with a reason.
 * Throws `INSTRUMENT.INVALID_ANSWERS` listing every malformed answer (unknown item, wrong type, out of range).
 */
export function scoreResponse(def: InstrumentDefinition, answers: Answers, options: ScoreOptions = {}): ScaleScore[] {
  const malformed = collectAnswerIssues(def, answers).filter((i) => !i.missing).map((i) => i.error);
  if (malformed.length > 0) {
    throw invalid(
      'INSTRUMENT.INVALID_ANSWERS',
      `Svaren kan inte poängsättas (${malformed.length} fel).`,
      `The answers cannot be scored (${malformed.length} errors).`,
      malformed,
    );
  }
  const itemsById = new Map(def.items.map((item) => [item.id, item]));
  return def.scales.map((scale) => scoreScale(scale, itemsById, answers, options));
}
