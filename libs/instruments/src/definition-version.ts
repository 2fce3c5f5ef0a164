import { createHash } from 'node:crypto';
import { conflict } from '#domain';
import type { InstrumentDefinition } from './definition.types.js';

/** JSON with object keys sorted at every level, so equal content always gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** A stable sha256 (hex) of the whole definition, version included; store it beside each version. */
export function definitionHash(def: InstrumentDefinition): string {
  return createHash('sha256').update(canonicalJson(def)).digest('hex');
}

/** Whether two definitions are identical in content, key order aside. */
export function definitionsEqual(a: InstrumentDefinition, b: InstrumentDefinition): boolean {
  return definitionHash(a) === definitionHash(b);
}

function contentHash(def: InstrumentDefinition): string {
  const { version: _version, ...content } = def;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/**
 * Asserts that `next` may be stored as a new version of `previous`: same code, and a strictly higher version.
 * A version that responses use is immutable, so changed content under the same version number is refused.
 * Throws `INSTRUMENT.VERSION_CONFLICT` (kind conflict) naming the reason.
 */
export function assertNewVersion(previous: InstrumentDefinition, next: InstrumentDefinition): void {
  if (previous.code !== next.code) {
    throw conflict('INSTRUMENT.VERSION_CONFLICT', 'Formulärkoden skiljer sig mellan versionerna.', 'The instrument code differs between the versions.', [
      { field: 'code', sv: `förväntade ${previous.code}, fick ${next.code}`, en: `expected ${previous.code}, got ${next.code}` },
    ]);
  }
  if (next.version > previous.version) return;
  const changed = contentHash(previous) !== contentHash(next);
  if (changed && next.version === previous.version) {
    throw conflict(
      'INSTRUMENT.VERSION_CONFLICT',
      `Innehållet i version ${previous.version} har ändrats utan nytt versionsnummer; en använd version får inte ändras.`,
      `Version ${previous.version} was changed without a new version number; a version in use is immutable.`,
      [{ field: 'version', sv: `måste vara större än ${previous.version} när innehållet ändras`, en: `must be greater than ${previous.version} when the content changes` }],
    );
  }
  throw conflict(
    'INSTRUMENT.VERSION_CONFLICT',
    `En ny version måste ha ett högre versionsnummer än ${previous.version}.`,
    `A new version must have a higher version number than ${previous.version}.`,
    [{ field: 'version', sv: `måste vara större än ${previous.version}`, en: `must be greater than ${previous.version}` }],
  );
}
