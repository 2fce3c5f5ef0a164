import { invalid, type FieldError } from '#domain';
import type { InstrumentDefinition, Item, Scale } from './definition.types.js';
import { itemRange, scaleRange } from './item-range.js';
import { isValidLoinc } from './loinc.js';

// Hand-written on purpose: no schema library, every rule explicit, and every error collected so an
// author sees the whole list at once instead of fixing one field per upload.

type Json = Record<string, unknown>;

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,63}$/;
const CODE_PATTERN = /^[a-z][a-z0-9_]{1,39}$/;

const DEFINITION_KEYS = [
  'code', 'version', 'name', 'description', 'instructions', 'licence', 'languageNote', 'loinc', 'purpose', 'items', 'scales', 'citations',
];
const ITEM_KEYS = ['id', 'text', 'type', 'required', 'options', 'min', 'max', 'loinc'];
const OPTION_KEYS = ['value', 'label', 'weight', 'coding'];
const SCALE_KEYS = [
  'id', 'name', 'items', 'scoring', 'reverseItems', 'maxMissing', 'maxMissingSource', 'transform', 'direction', 'bands', 'bandsSource',
  'cutoff', 'reliableChange', 'loinc',
];

class Collector {
  readonly errors: FieldError[] = [];

  add(field: string, sv: string, en: string): void {
    this.errors.push({ field, sv, en });
  }

  isObject(value: unknown, field: string): value is Json {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return true;
    this.add(field, 'måste vara ett objekt', 'must be an object');
    return false;
  }

  unknownKeys(obj: Json, allowed: string[], path: string): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.add(join(path, key), `okänt fält ${key}`, `unknown field ${key}`);
    }
  }

  string(value: unknown, field: string): value is string {
    if (typeof value === 'string' && value.trim() !== '') return true;
    this.add(field, 'måste vara en icke-tom text', 'must be a non-empty string');
    return false;
  }

  optionalString(value: unknown, field: string): void {
    if (value !== undefined) this.string(value, field);
  }

  number(value: unknown, field: string): value is number {
    if (typeof value === 'number' && Number.isFinite(value)) return true;
    this.add(field, 'måste vara ett tal', 'must be a finite number');
    return false;
  }

  boolean(value: unknown, field: string): value is boolean {
    if (typeof value === 'boolean') return true;
    this.add(field, 'måste vara true eller false', 'must be true or false');
    return false;
  }

  oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): value is T {
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return true;
    this.add(field, `måste vara ett av: ${allowed.join(', ')}`, `must be one of: ${allowed.join(', ')}`);
    return false;
  }

  localized(value: unknown, field: string): void {
    if (!this.isObject(value, field)) return;
    this.unknownKeys(value, ['sv', 'en'], field);
    this.string(value.sv, `${field}.sv`);
    this.string(value.en, `${field}.en`);
  }

  loinc(value: unknown, field: string): void {
    if (value === undefined) return;
    if (typeof value !== 'string' || !isValidLoinc(value)) {
      this.add(field, `ogiltig LOINC-kod ${String(value)} (form eller kontrollsiffra)`, `invalid LOINC code ${String(value)} (format or check digit)`);
    }
  }

  array(value: unknown, field: string): value is unknown[] {
    if (Array.isArray(value)) return true;
    this.add(field, 'måste vara en lista', 'must be an array');
    return false;
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Validates an instrument definition loaded from JSON (or written by a municipality) and returns it typed.
 * Throws `INSTRUMENT.INVALID_DEFINITION` listing every field-level error found, not just the first.
 */
export function validateDefinition(input: unknown): InstrumentDefinition {
  const c = new Collector();
  if (!c.isObject(input, 'definition')) throw definitionError(c.errors);
  const def = input;
  c.unknownKeys(def, DEFINITION_KEYS, '');

  if (typeof def.code !== 'string' || !CODE_PATTERN.test(def.code)) {
    c.add('code', 'måste vara 2–40 tecken: gemener, siffror och _ och börja med en bokstav', 'must be 2–40 characters of a–z, 0–9 and _, starting with a letter');
  }
  if (typeof def.version !== 'number' || !Number.isInteger(def.version) || def.version < 1) {
    c.add('version', 'måste vara ett heltal ≥ 1', 'must be an integer ≥ 1');
  }
  c.localized(def.name, 'name');
  c.localized(def.description, 'description');
  if (def.instructions !== undefined) c.localized(def.instructions, 'instructions');
  validateLicence(c, def.licence);
  if (c.isObject(def.languageNote, 'languageNote')) {
    c.unknownKeys(def.languageNote, ['swedishText', 'note'], 'languageNote');
    c.oneOf(def.languageNote.swedishText, ['validated_translation', 'unvalidated_translation', 'english_placeholder'] as const, 'languageNote.swedishText');
    c.localized(def.languageNote.note, 'languageNote.note');
  }
  c.loinc(def.loinc, 'loinc');
  if (def.purpose !== undefined) c.oneOf(def.purpose, ['outcome', 'client_experience'] as const, 'purpose');

  const citationIds = validateCitations(c, def.citations);
  const itemsById = validateItems(c, def.items);
  if (c.array(def.scales, 'scales')) {
    const scaleIds = new Set<string>();
    def.scales.forEach((scale, i) => validateScale(c, scale, `scales[${i}]`, itemsById, citationIds, scaleIds));
  }

  if (c.errors.length > 0) throw definitionError(c.errors);
  return input as unknown as InstrumentDefinition;
}

function definitionError(fields: FieldError[]) {
  return invalid(
    'INSTRUMENT.INVALID_DEFINITION',
    `Formulärdefinitionen är ogiltig (${fields.length} fel).`,
    `The instrument definition is invalid (${fields.length} errors).`,
    fields,
  );
}

function validateLicence(c: Collector, licence: unknown): void {
  if (!c.isObject(licence, 'licence')) return;
  c.unknownKeys(licence, ['kind', 'text', 'url'], 'licence');
  c.oneOf(licence.kind, ['free', 'attribution', 'customer_supplied'] as const, 'licence.kind');
  if (licence.text !== undefined) {
    c.localized(licence.text, 'licence.text');
  } else if (licence.kind === 'attribution') {
    c.add('licence.text', 'en licens med krav på erkännande måste ha en licenstext', 'an attribution licence must carry its notice text');
  }
  if (licence.url !== undefined && (typeof licence.url !== 'string' || !/^https?:\/\//.test(licence.url))) {
    c.add('licence.url', 'måste vara en http(s)-adress', 'must be an http(s) URL');
  }
}

function validateCitations(c: Collector, citations: unknown): Set<string> {
  const ids = new Set<string>();
  if (!c.array(citations, 'citations')) return ids;
  citations.forEach((citation, i) => {
    const path = `citations[${i}]`;
    if (!c.isObject(citation, path)) return;
    c.unknownKeys(citation, ['id', 'text', 'url', 'doi'], path);
    if (c.string(citation.id, `${path}.id`)) {
      if (ids.has(citation.id)) c.add(`${path}.id`, `källan ${citation.id} finns redan`, `duplicate citation id ${citation.id}`);
      ids.add(citation.id);
    }
    c.string(citation.text, `${path}.text`);
    c.optionalString(citation.url, `${path}.url`);
    c.optionalString(citation.doi, `${path}.doi`);
  });
  return ids;
}

function validateItems(c: Collector, items: unknown): Map<string, Item> {
  const byId = new Map<string, Item>();
  if (!c.array(items, 'items')) return byId;
  if (items.length === 0) c.add('items', 'formuläret måste ha minst en fråga', 'the instrument needs at least one item');
  items.forEach((item, i) => {
    const path = `items[${i}]`;
    if (!c.isObject(item, path)) return;
    c.unknownKeys(item, ITEM_KEYS, path);
    if (typeof item.id !== 'string' || !ID_PATTERN.test(item.id)) {
      c.add(`${path}.id`, 'måste vara 1–64 tecken (bokstäver, siffror, _ . - /)', 'must be 1–64 characters (letters, digits, _ . - /)');
    } else if (byId.has(item.id)) {
      c.add(`${path}.id`, `frågan ${item.id} finns redan`, `duplicate item id ${item.id}`);
    } else {
      byId.set(item.id, item as unknown as Item);
    }
    c.localized(item.text, `${path}.text`);
    const typeOk = c.oneOf(item.type, ['likert', 'numeric', 'yes_no', 'free_text'] as const, `${path}.type`);
    c.boolean(item.required, `${path}.required`);
    c.loinc(item.loinc, `${path}.loinc`);
    if (!typeOk) return;

    if (item.type === 'likert') {
      validateOptions(c, item.options, `${path}.options`);
    } else if (item.options !== undefined) {
      c.add(`${path}.options`, 'svarsalternativ är bara tillåtna för likert-frågor', 'options are only allowed on likert items');
    }
    if (item.type === 'numeric') {
      const minOk = c.number(item.min, `${path}.min`);
      const maxOk = c.number(item.max, `${path}.max`);
      if (minOk && maxOk && (item.min as number) >= (item.max as number)) {
        c.add(`${path}.max`, 'max måste vara större än min', 'max must be greater than min');
      }
    } else {
      if (item.min !== undefined) c.add(`${path}.min`, 'min är bara tillåtet för numeriska frågor', 'min is only allowed on numeric items');
      if (item.max !== undefined) c.add(`${path}.max`, 'max är bara tillåtet för numeriska frågor', 'max is only allowed on numeric items');
    }
  });
  return byId;
}

function validateOptions(c: Collector, options: unknown, path: string): void {
  if (!c.array(options, path)) return;
  if (options.length < 2) c.add(path, 'en likert-fråga behöver minst två svarsalternativ', 'a likert item needs at least two options');
  const values = new Set<number>();
  options.forEach((option, j) => {
    const optPath = `${path}[${j}]`;
    if (!c.isObject(option, optPath)) return;
    c.unknownKeys(option, OPTION_KEYS, optPath);
    if (option.value === undefined) {
      c.add(`${optPath}.value`, 'svarsalternativet saknar värde', 'option has no value');
    } else if (c.number(option.value, `${optPath}.value`)) {
      if (values.has(option.value)) c.add(`${optPath}.value`, `värdet ${option.value} finns redan`, `duplicate option value ${option.value}`);
      values.add(option.value);
    }
    c.localized(option.label, `${optPath}.label`);
    if (option.weight !== undefined) c.number(option.weight, `${optPath}.weight`);
    if (option.coding !== undefined && c.isObject(option.coding, `${optPath}.coding`)) {
      c.unknownKeys(option.coding, ['system', 'code'], `${optPath}.coding`);
      c.string(option.coding.system, `${optPath}.coding.system`);
      c.string(option.coding.code, `${optPath}.coding.code`);
    }
  });
}

function checkSource(c: Collector, source: unknown, field: string, citationIds: Set<string>): void {
  if (!c.string(source, field)) return;
  if (!citationIds.has(source)) c.add(field, `okänd källa ${source}`, `unknown citation ${source}`);
}

function validateScale(c: Collector, scale: unknown, path: string, itemsById: Map<string, Item>, citationIds: Set<string>, scaleIds: Set<string>): void {
  if (!c.isObject(scale, path)) return;
  c.unknownKeys(scale, SCALE_KEYS, path);
  if (typeof scale.id !== 'string' || !ID_PATTERN.test(scale.id)) {
    c.add(`${path}.id`, 'måste vara 1–64 tecken (bokstäver, siffror, _ . - /)', 'must be 1–64 characters (letters, digits, _ . - /)');
  } else if (scaleIds.has(scale.id)) {
    c.add(`${path}.id`, `skalan ${scale.id} finns redan`, `duplicate scale id ${scale.id}`);
  } else if (itemsById.has(scale.id)) {
    // Items and scales share one FHIR linkId namespace, so they must not collide.
    c.add(`${path}.id`, `skalans id ${scale.id} är redan en fråga`, `scale id ${scale.id} is already an item id`);
  } else {
    scaleIds.add(scale.id);
  }
  c.localized(scale.name, `${path}.name`);
  c.oneOf(scale.scoring, ['sum', 'mean'] as const, `${path}.scoring`);
  c.oneOf(scale.direction, ['higher_is_better', 'higher_is_worse'] as const, `${path}.direction`);
  c.loinc(scale.loinc, `${path}.loinc`);

  let itemsOk = false;
  const scaleItems: string[] = [];
  if (c.array(scale.items, `${path}.items`)) {
    itemsOk = scale.items.length > 0;
    if (!itemsOk) c.add(`${path}.items`, 'skalan måste ha minst en fråga', 'a scale needs at least one item');
    scale.items.forEach((id, k) => {
      const field = `${path}.items[${k}]`;
      const item = typeof id === 'string' ? itemsById.get(id) : undefined;
      if (!item) {
        c.add(field, `okänd fråga ${String(id)}`, `unknown item ${String(id)}`);
        itemsOk = false;
      } else if (scaleItems.includes(id as string)) {
        c.add(field, `frågan ${String(id)} finns redan i skalan`, `item ${String(id)} appears twice in the scale`);
        itemsOk = false;
      } else if (itemRange(item) === null) {
        c.add(field, `frågan ${String(id)} kan inte poängsättas (fritext eller saknar svarsintervall)`, `item ${String(id)} cannot be scored (free text or no answer range)`);
        itemsOk = false;
      }
      if (typeof id === 'string') scaleItems.push(id);
    });
  }

  if (scale.reverseItems !== undefined && c.array(scale.reverseItems, `${path}.reverseItems`)) {
    scale.reverseItems.forEach((id, k) => {
      if (typeof id !== 'string' || !scaleItems.includes(id)) {
        c.add(`${path}.reverseItems[${k}]`, `omvänd fråga ${String(id)} ingår inte i skalan`, `reverse item ${String(id)} is not in the scale`);
      }
    });
  }

  if (typeof scale.maxMissing !== 'number' || !Number.isInteger(scale.maxMissing) || scale.maxMissing < 0) {
    c.add(`${path}.maxMissing`, 'måste vara ett heltal ≥ 0', 'must be an integer ≥ 0');
  } else if (Array.isArray(scale.items) && scale.maxMissing >= scale.items.length) {
    c.add(`${path}.maxMissing`, `måste vara mindre än antalet frågor (${scale.items.length})`, `must be less than the item count (${scale.items.length})`);
  }
  if (scale.maxMissingSource !== undefined) checkSource(c, scale.maxMissingSource, `${path}.maxMissingSource`, citationIds);

  if (scale.transform !== undefined && c.isObject(scale.transform, `${path}.transform`)) {
    c.unknownKeys(scale.transform, ['multiply'], `${path}.transform`);
    if (c.number(scale.transform.multiply, `${path}.transform.multiply`) && scale.transform.multiply <= 0) {
      c.add(`${path}.transform.multiply`, 'måste vara större än 0', 'must be greater than 0');
    }
  }

  const range = itemsOk ? scaleRange(scale as unknown as Scale, itemsById) : null;
  if (scale.bands !== undefined) validateBands(c, scale.bands, `${path}.bands`, range);
  if (scale.bands !== undefined || scale.bandsSource !== undefined) checkSource(c, scale.bandsSource, `${path}.bandsSource`, citationIds);
  if (scale.cutoff !== undefined) validateCutoff(c, scale.cutoff, `${path}.cutoff`, citationIds, range);
  if (scale.reliableChange !== undefined) validateReliableChange(c, scale.reliableChange, `${path}.reliableChange`, citationIds);
}

function validateBands(c: Collector, bands: unknown, path: string, range: { min: number; max: number } | null): void {
  if (!c.array(bands, path)) return;
  if (bands.length === 0) {
    c.add(path, 'ange minst ett band eller utelämna fältet', 'give at least one band or leave the field out');
    return;
  }
  let previous: { from: number; to: number } | null = null;
  let allOk = true;
  bands.forEach((band, k) => {
    const bandPath = `${path}[${k}]`;
    if (!c.isObject(band, bandPath)) {
      allOk = false;
      return;
    }
    c.unknownKeys(band, ['from', 'to', 'label'], bandPath);
    c.localized(band.label, `${bandPath}.label`);
    const fromOk = c.number(band.from, `${bandPath}.from`);
    const toOk = c.number(band.to, `${bandPath}.to`);
    if (!fromOk || !toOk) {
      allOk = false;
      previous = null;
      return;
    }
    const from = band.from as number;
    const to = band.to as number;
    if (from > to) c.add(`${bandPath}.to`, 'to måste vara ≥ from', 'to must be ≥ from');
    if (previous) {
      if (from <= previous.to) {
        c.add(`${bandPath}.from`, `bandet överlappar föregående band (som slutar på ${previous.to})`, `band overlaps the previous band (which ends at ${previous.to})`);
      } else if (from - previous.to > 1) {
        // Integer bands leave the open interval between e.g. 4 and 5 to the lower band; more than one unit is a real gap.
        c.add(`${bandPath}.from`, `glapp mellan ${previous.to} och ${from}`, `gap between ${previous.to} and ${from}`);
      }
    }
    previous = { from, to };
  });
  if (allOk && range) {
    const first = bands[0] as { from: number };
    const last = bands[bands.length - 1] as { to: number };
    if (first.from > range.min || last.to < range.max) {
      c.add(path, `banden täcker inte skalans intervall ${range.min}–${range.max}`, `bands do not cover the scale range ${range.min}–${range.max}`);
    }
  }
}

function validateCutoff(c: Collector, cutoff: unknown, path: string, citationIds: Set<string>, range: { min: number; max: number } | null): void {
  if (!c.isObject(cutoff, path)) return;
  c.unknownKeys(cutoff, ['value', 'inclusive', 'bySex', 'source'], path);
  c.boolean(cutoff.inclusive, `${path}.inclusive`);
  checkSource(c, cutoff.source, `${path}.source`, citationIds);
  const values: Array<[unknown, string]> = [];
  if (cutoff.value !== undefined) values.push([cutoff.value, `${path}.value`]);
  if (cutoff.bySex !== undefined) {
    if (c.isObject(cutoff.bySex, `${path}.bySex`)) {
      c.unknownKeys(cutoff.bySex, ['female', 'male'], `${path}.bySex`);
      values.push([cutoff.bySex.female, `${path}.bySex.female`], [cutoff.bySex.male, `${path}.bySex.male`]);
    }
  } else if (cutoff.value === undefined) {
    c.add(`${path}.value`, 'ange ett gränsvärde eller gränsvärden per kön', 'give a cut-off value or cut-offs by sex');
  }
  for (const [value, field] of values) {
    if (c.number(value, field) && range && (value < range.min || value > range.max)) {
      c.add(field, `gränsvärdet ligger utanför skalans intervall ${range.min}–${range.max}`, `cut-off lies outside the scale range ${range.min}–${range.max}`);
    }
  }
}

function validateReliableChange(c: Collector, rc: unknown, path: string, citationIds: Set<string>): void {
  if (!c.isObject(rc, path)) return;
  if (!c.oneOf(rc.kind, ['rci', 'threshold'] as const, `${path}.kind`)) return;
  checkSource(c, rc.source, `${path}.source`, citationIds);
  if (rc.kind === 'threshold') {
    c.unknownKeys(rc, ['kind', 'points', 'source'], path);
    if (c.number(rc.points, `${path}.points`) && rc.points <= 0) c.add(`${path}.points`, 'måste vara större än 0', 'must be greater than 0');
    return;
  }
  c.unknownKeys(rc, ['kind', 'sdRef', 'reliability', 'reliabilityKind', 'z', 'source'], path);
  if (c.number(rc.sdRef, `${path}.sdRef`) && rc.sdRef <= 0) c.add(`${path}.sdRef`, 'måste vara större än 0', 'must be greater than 0');
  if (c.number(rc.reliability, `${path}.reliability`) && (rc.reliability <= 0 || rc.reliability >= 1)) {
    c.add(`${path}.reliability`, 'måste ligga mellan 0 och 1', 'must lie strictly between 0 and 1');
  }
  c.oneOf(rc.reliabilityKind, ['test_retest', 'internal_consistency'] as const, `${path}.reliabilityKind`);
  if (rc.z !== undefined && c.number(rc.z, `${path}.z`) && rc.z <= 0) c.add(`${path}.z`, 'måste vara större än 0', 'must be greater than 0');
}
