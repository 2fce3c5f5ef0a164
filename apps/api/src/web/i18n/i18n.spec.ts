import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { EN } from './en.js';
import { translator } from './i18n.js';
import { SV } from './sv.js';

const VIEWS = new URL('../../../views/', import.meta.url).pathname;
const WEB = new URL('../', import.meta.url).pathname;

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, ext) : path.endsWith(ext) ? [path] : [];
  });
}

/** Every `t('…')` in the templates and the web controllers; a key ending in '.' is a prefix completed at run time. */
function usedKeys(): { key: string; file: string }[] {
  const sources = [...files(VIEWS, '.njk'), ...files(WEB, '.ts').filter((f) => !f.endsWith('.spec.ts'))];
  return sources.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([^']+)'/g)].map((m) => ({ key: m[1]!, file })));
}

describe('web i18n', () => {
  it('has an English text for every Swedish one', () => {
    expect(Object.keys(EN).sort()).toEqual(Object.keys(SV).sort());
    for (const [key, text] of Object.entries(EN)) expect([key, text.trim().length > 0]).toEqual([key, true]);
  });

  it('knows every key the templates and controllers use', () => {
    const keys = Object.keys(SV);
    const missing = usedKeys().filter(({ key }) => (key.endsWith('.') ? !keys.some((k) => k.startsWith(key)) : !keys.includes(key)));
    expect(missing).toEqual([]);
  });

  it('keeps Swedish out of the templates: every text goes through the tables', () => {
    const offenders = files(VIEWS, '.njk').flatMap((file) => {
      const text = readFileSync(file, 'utf8').replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\}/g, '');
      return /[åäöÅÄÖ]/.test(text) ? [file] : [];
    });
    expect(offenders).toEqual([]);
  });

  it('fills placeholders and marks unknown keys', () => {
    const t = translator('sv');
    expect(t('questionnaire.stepOf', { n: 2, total: 5 })).toBe('Steg 2 av 5');
    expect(translator('en')('questionnaire.stepOf', { n: 2, total: 5 })).toBe('Step 2 of 5');
    expect(t('no.such.key')).toBe('⟦no.such.key⟧');
  });
});
