import { describe, expect, it } from '@jest/globals';
import { DomainError } from '#domain';
import { BUILT_IN_INSTRUMENTS, PHQ9 } from './built-in/index.js';
import { validateDefinition } from './definition-validator.js';

function errorsOf(input: unknown): Array<{ field: string; en: string; sv: string }> {
  try {
    validateDefinition(input);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('INSTRUMENT.INVALID_DEFINITION');
    return (e as DomainError).fields;
  }
  throw new Error('expected the definition to be rejected');
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

describe(validateDefinition.name, () => {
  it('accepts every built-in instrument after a JSON round trip', () => {
    for (const def of BUILT_IN_INSTRUMENTS) {
      expect(validateDefinition(clone(def))).toEqual(def);
    }
  });

  it('lists every field error of a broken PHQ-9 at once, each with Swedish and English text', () => {
    const broken = clone(PHQ9) as any;
    broken.scales[0].items[3] = 'phq9_10';
    broken.items[1].id = 'phq9_1';
    broken.scales[0].bands[1] = { from: 4, to: 9, label: { sv: 'x', en: 'x' } };
    broken.scales[0].bands[3] = { from: 16, to: 19, label: { sv: 'x', en: 'x' } };
    broken.licence = { kind: 'attribution' };
    broken.scales[0].reverseItems = ['phq9_difficulty'];
    broken.scales[0].maxMissing = 9;
    delete broken.items[2].options[1].value;

    const errors = errorsOf(broken);
    const byField = Object.fromEntries(errors.map((e) => [e.field, e.en]));
    expect(byField['scales[0].items[3]']).toBe('unknown item phq9_10');
    expect(byField['items[1].id']).toBe('duplicate item id phq9_1');
    expect(byField['scales[0].bands[1].from']).toMatch(/overlaps/);
    expect(byField['scales[0].bands[3].from']).toBe('gap between 14 and 16');
    expect(byField['licence.text']).toMatch(/attribution/);
    expect(byField['scales[0].reverseItems[0]']).toBe('reverse item phq9_difficulty is not in the scale');
    expect(byField['scales[0].maxMissing']).toBe('must be less than the item count (9)');
    expect(byField['items[2].options[1].value']).toBe('option has no value');
    expect(errors.every((e) => e.sv.length > 0 && e.en.length > 0)).toBe(true);
  });

  it('rejects bands that do not cover the scale range', () => {
    const def = clone(PHQ9) as any;
    def.scales[0].bands[4].to = 26;
    expect(errorsOf(def)).toContainEqual(expect.objectContaining({ field: 'scales[0].bands', en: 'bands do not cover the scale range 0–27' }));
  });

  it('rejects misspelt fields, bad LOINC check digits and unknown citations', () => {
    const def = clone(PHQ9) as any;
    def.scales[0].maxMising = 1;
    def.items[0].loinc = '44250-8';
    def.scales[0].cutoff.source = 'nobody2020';
    const fields = errorsOf(def).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['scales[0].maxMising', 'items[0].loinc', 'scales[0].cutoff.source']));
  });

  it('rejects a scored free-text item, options on a numeric item and a scale id that is an item id', () => {
    const def = clone(PHQ9) as any;
    def.items.push({ id: 'note', text: { sv: 'n', en: 'n' }, type: 'free_text', required: false });
    def.items.push({ id: 'count', text: { sv: 'c', en: 'c' }, type: 'numeric', required: false, min: 0, max: 3, options: [] });
    def.scales.push({ id: 'phq9_1', name: { sv: 's', en: 's' }, items: ['note'], scoring: 'sum', maxMissing: 0, direction: 'higher_is_worse' });
    const byField = Object.fromEntries(errorsOf(def).map((e) => [e.field, e.en]));
    expect(byField['scales[1].items[0]']).toBe('item note cannot be scored (free text or no answer range)');
    expect(byField['items[11].options']).toBe('options are only allowed on likert items');
    expect(byField['scales[1].id']).toBe('scale id phq9_1 is already an item id');
  });

  it('rejects a non-object outright', () => {
    expect(errorsOf('phq9')).toEqual([{ field: 'definition', sv: 'måste vara ett objekt', en: 'must be an object' }]);
  });
});
