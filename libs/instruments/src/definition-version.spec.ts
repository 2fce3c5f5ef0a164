import { describe, expect, it } from '@jest/globals';
import { DomainError } from '#domain';
import { GAD7, PHQ9 } from './built-in/index.js';
import { assertNewVersion, definitionHash, definitionsEqual } from './definition-version.js';
import type { InstrumentDefinition } from './definition.types.js';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

function conflictOf(fn: () => void): DomainError {
  try {
    fn();
  } catch (e) {
    return e as DomainError;
  }
  throw new Error('expected a conflict');
}

describe('definition versions', () => {
  it('hashes equal content equally whatever the key order', () => {
    const reordered = Object.fromEntries(Object.entries(clone(PHQ9)).reverse()) as unknown as InstrumentDefinition;
    expect(definitionHash(reordered)).toBe(definitionHash(PHQ9));
    expect(definitionHash(PHQ9)).toMatch(/^[0-9a-f]{64}$/);
    expect(definitionsEqual(reordered, PHQ9)).toBe(true);
    expect(definitionsEqual(PHQ9, GAD7)).toBe(false);
  });

  it('accepts a changed definition under a higher version', () => {
    const next = { ...clone(PHQ9), version: 2 };
    next.scales[0].cutoff!.value = 11;
    expect(() => assertNewVersion(PHQ9, next)).not.toThrow();
  });

  it('refuses changed content under the same version', () => {
    const next = clone(PHQ9);
    next.items[0].text.sv = 'Lite intresse eller glädje i att göra saker';
    const error = conflictOf(() => assertNewVersion(PHQ9, next));
    expect(error.code).toBe('INSTRUMENT.VERSION_CONFLICT');
    expect(error.en).toBe('Version 1 was changed without a new version number; a version in use is immutable.');
  });

  it('refuses the same or a lower version number even with identical content', () => {
    expect(conflictOf(() => assertNewVersion(PHQ9, clone(PHQ9))).fields[0].field).toBe('version');
    const v3 = { ...clone(PHQ9), version: 3 };
    expect(conflictOf(() => assertNewVersion(v3, { ...v3, version: 2 })).en).toBe('A new version must have a higher version number than 3.');
  });

  it('refuses a new version of a different instrument', () => {
    expect(conflictOf(() => assertNewVersion(PHQ9, { ...clone(GAD7), version: 2 })).fields[0].field).toBe('code');
  });
});
