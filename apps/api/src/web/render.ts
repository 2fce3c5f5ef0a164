import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Actor, Permission, rolesGranting } from '#access';
import type { AuthenticatedRequest } from '../common/request-context.js';
import { translator, type Translate } from './i18n/i18n.js';
import { LANG_COOKIE, type Locale, requestPath, resolveLocale } from './locale.js';

export interface NavItem {
  href: string;
  label: string;
  current: boolean;
}

/** Services the navigation may link to; pages whose services are not in this build are left out. */
export interface NavOptions {
  aggregates: boolean;
  userAdmin: boolean;
}

const navOptions: NavOptions = { aggregates: false, userAdmin: false };

/** Set once at start-up from what the build contains. */
export function configureNavigation(opts: Partial<NavOptions>): void {
  Object.assign(navOptions, opts);
}

export function navigationOptions(): Readonly<NavOptions> {
  return navOptions;
}

function can(actor: Actor, permission: Permission): boolean {
  return rolesGranting(actor, permission).length > 0;
}

function navigation(actor: Actor, t: Translate, path: string): NavItem[] {
  const items: { href: string; key: string; show: boolean }[] = [
    { href: '/arbetslista', key: 'nav.worklist', show: can(actor, Permission.ClientRead) },
    { href: '/brukare', key: 'nav.clients', show: can(actor, Permission.ClientRead) },
    { href: '/oversikt', key: 'nav.dashboard', show: navOptions.aggregates && can(actor, Permission.NoteRead) },
    { href: '/grupper', key: 'nav.groups', show: can(actor, Permission.GroupAdmin) },
    { href: '/resultat', key: 'nav.results', show: navOptions.aggregates && can(actor, Permission.AggregateRead) && !can(actor, Permission.ClientRead) },
    { href: '/formular', key: 'nav.instruments', show: can(actor, Permission.InstrumentAdmin) || isAnalyst(actor) },
    { href: '/arbetssatt', key: 'nav.methods', show: can(actor, Permission.MethodAdmin) || isAnalyst(actor) },
    { href: '/admin/anvandare', key: 'nav.users', show: navOptions.userAdmin && can(actor, Permission.UserAdmin) },
  ];
  return items
    .filter((i) => i.show)
    .map((i) => ({ href: i.href, label: t(i.key), current: path === i.href || path.startsWith(`${i.href}/`) }));
}

function isAnalyst(actor: Actor): boolean {
  return actor.memberships.some((m) => m.role === 'analyst');
}

export interface PageOptions {
  status?: number;
}

/** What every template gets besides its own data. */
export function pageContext(req: FastifyRequest, locale: Locale = resolveLocale(req)) {
  const t = translator(locale);
  const actor = (req as AuthenticatedRequest).actor;
  const path = requestPath(req);
  const other: Locale = locale === 'sv' ? 'en' : 'sv';
  return {
    locale,
    t,
    /** Picks the locale's text of a `{ sv, en }` pair. */
    loc: (text: { sv: string; en: string } | null | undefined) => (text ? text[locale] || text.sv : ''),
    user: actor ? { displayName: actor.displayName } : null,
    csrfToken: (req as AuthenticatedRequest).csrfToken ?? '',
    nav: actor ? navigation(actor, t, path) : [],
    currentPath: path,
    langSwitch: { href: `/sprak?lang=${other}&tillbaka=${encodeURIComponent(req.method === 'GET' ? path : '/')}`, label: t('lang.switch'), lang: other },
  };
}

/**
 * Renders a page. Every page is `no-store`: most hold personal data, and a page left in a shared tablet's
 * cache must not show the next person the previous client.
 */
export async function renderPage(
  req: FastifyRequest,
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown> = {},
  opts: PageOptions = {},
): Promise<void> {
  const locale = resolveLocale(req);
  const query = (req.query as Record<string, unknown> | undefined)?.lang;
  if (query === 'sv' || query === 'en') {
    void reply.setCookie(LANG_COOKIE, query, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 24 * 3600 });
  }
  const html = await (reply as unknown as { viewAsync(page: string, data: object): Promise<string> }).viewAsync(template, {
    ...pageContext(req, locale),
    ...data,
  });
  await reply
    .status(opts.status ?? 200)
    .header('Cache-Control', 'no-store')
    .header('Content-Type', 'text/html; charset=utf-8')
    .send(html);
}

/** 303 See Other: after a form post, the browser GETs the next page (a reload does not post again). */
export async function redirect(reply: FastifyReply, location: string): Promise<void> {
  await reply.status(303).header('Location', location).header('Cache-Control', 'no-store').send();
}
