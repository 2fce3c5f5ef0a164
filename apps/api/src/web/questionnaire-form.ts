import type { AnswerValue, InstrumentDefinition, Item } from '#instruments';
import type { FormFields } from './form.js';

/** At most this many questions per screen, so a step fits a tablet held upright. */
export const ITEMS_PER_STEP = 3;

/** The form field of an item's answer. */
export const answerField = (itemId: string) => `a_${itemId}`;

function sameResponseFormat(a: Item, b: Item): boolean {
  return a.type === b.type && JSON.stringify(a.options ?? null) === JSON.stringify(b.options ?? null) && a.min === b.min && a.max === b.max;
}

/**
 * The instrument's items in steps: consecutive items with the same response format share a step, up to
 * ITEMS_PER_STEP, so each screen asks one kind of question.
 */
export function itemSteps(def: InstrumentDefinition): Item[][] {
  const steps: Item[][] = [];
  for (const item of def.items) {
    const last = steps[steps.length - 1];
    if (last && last.length < ITEMS_PER_STEP && sameResponseFormat(last[0]!, item)) last.push(item);
    else steps.push([item]);
  }
  return steps;
}

/** The answer an item's form field holds, typed for the instrument; undefined when left empty or not a valid value. */
export function parseAnswer(item: Item, raw: string | undefined): AnswerValue | undefined {
  const v = raw?.trim() ?? '';
  if (v === '') return undefined;
  switch (item.type) {
    case 'likert': {
      const n = Number(v);
      return item.options?.some((o) => o.value === n) ? n : undefined;
    }
    case 'yes_no':
      return v === 'true' ? true : v === 'false' ? false : undefined;
    case 'numeric':
      return /^-?\d+([.,]\d+)?$/.test(v) ? Number(v.replace(',', '.')) : undefined;
    case 'free_text':
      return v.slice(0, 4000);
  }
}

/** Every answered item of the form, keyed by item id (unanswered items are left out). */
export function answersFromFields(def: InstrumentDefinition, fields: FormFields): Record<string, AnswerValue> {
  const out: Record<string, AnswerValue> = {};
  for (const item of def.items) {
    const raw = fields[answerField(item.id)];
    const value = parseAnswer(item, Array.isArray(raw) ? raw[0] : raw);
    if (value !== undefined) out[item.id] = value;
  }
  return out;
}

/** The text of an answer as the summary shows it (the option's label, yes/no, the number or the text). */
export function answerText(item: Item, value: AnswerValue | undefined, locale: 'sv' | 'en', yesNo: { yes: string; no: string }): string | null {
  if (value === undefined || value === null) return null;
  if (item.type === 'likert') {
    const option = item.options?.find((o) => o.value === value);
    return option ? option.label[locale] || option.label.sv : String(value);
  }
  if (item.type === 'yes_no') return value === true ? yesNo.yes : yesNo.no;
  return String(value);
}
