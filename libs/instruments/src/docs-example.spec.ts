import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { validateDefinition } from './definition-validator.js';

// The ORS example in docs/instruments.md must stay a valid definition.
describe('docs/instruments.md example', () => {
  it('validates', () => {
    const doc = readFileSync(new URL('../../../docs/instruments.md', import.meta.url), 'utf8');
    const json = /```json\n([\s\S]*?)```/.exec(doc)![1];
    expect(validateDefinition(JSON.parse(json)).code).toBe('ors');
  });
});
