import type { FastifyRequest } from 'fastify';

export type Locale = 'sv' | 'en';
export const LOCALES: readonly Locale[] = ['sv', 'en'];
/** The chosen language, kept for a year; Swedish unless the person chose English. */
export const LANG_COOKIE = 'mp_lang';

/** `?lang=` on the request wins (and is remembered by the page renderer), then the cookie, then Swedish. */
export function resolveLocale(req: FastifyRequest): Locale {
  const query = (req.query as Record<string, unknown> | undefined)?.lang;
  if (query === 'sv' || query === 'en') return query;
  const cookie = (req as unknown as { cookies?: Record<string, string | undefined> }).cookies?.[LANG_COOKIE];
  return cookie === 'en' ? 'en' : 'sv';
}

/** The path of the request without its query string (ids only: no personal data travels in page URLs). */
export function requestPath(req: FastifyRequest): string {
  return req.url.split('?')[0] ?? '/';
}

/** A local path to return to after an action; anything else (other hosts, `//evil`) becomes the start page. */
export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[A-Za-z0-9/_.-]*$/.test(value) ? value : '/';
}
