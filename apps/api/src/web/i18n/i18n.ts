import type { Locale } from '../locale.js';
import { EN } from './en.js';
import { SV, type MessageKey } from './sv.js';

export type Translate = (key: string, params?: Record<string, string | number | null | undefined>) => string;

const TABLES: Record<Locale, Record<MessageKey, string>> = { sv: SV, en: EN };

export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(SV, key);
}

/**
 * The translate function of a locale: `t('worklist.title')`, with `{name}` placeholders filled from params.
 * An unknown key shows as `⟦key⟧` so a missing text is seen at once (a unit spec checks every key the templates use).
 */
export function translator(locale: Locale): Translate {
  const table = TABLES[locale];
  return (key, params) => {
    const text = hasMessage(key) ? table[key] : `⟦${key}⟧`;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const v = params[name];
      return v === undefined || v === null ? whole : String(v);
    });
  };
}

/** Numbers as a Swede reads them: decimal comma, minus sign; English keeps the point. */
export function formatNumber(locale: Locale, value: number | null | undefined, decimals = 0): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return new Intl.NumberFormat(locale === 'sv' ? 'sv-SE' : 'en-GB', { minimumFractionDigits: 0, maximumFractionDigits: decimals }).format(value);
}
