import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { addMonths, OccasionKind, Role, swedishToday } from '#domain';
import { Permission, roleGrants } from '#access';
import type { OrgUnitRow } from '#persistence';
import type { RouteInfo } from '../../apps/api/src/common/route-check.js';
import { WEB_CONTROLLERS } from '../../apps/api/src/web/web-controllers.js';
import { createEpisodeWorld, type World } from '../factories/episode.factory.js';
import { importRows, personnummerFor, toCsv } from '../factories/import-file.factory.js';
import { TEST_PASSWORD, type TestUser, WorldFactory } from '../factories/world.factory.js';

/**
 * The authorization matrix (issue 8, item 4): every route × role × target location has an expectation, derived
 * from a few rule kinds. The actor holds their one role in unit A of municipality 1; the target locations are
 * relative to it. Fixtures (client, episodes, response, goal, import, sample, group, user, …) exist in each.
 */

export const ROLES = [Role.Admin, Role.UnitHead, Role.Caseworker, Role.Analyst, Role.Politician] as const;
export const LOCATIONS = ['own', 'child', 'parent', 'sibling', 'other'] as const;
export type Location = (typeof LOCATIONS)[number];

/** Where each target location sits relative to the actor's unit (unit A, a unit below the top administration). */
const GEOMETRY: Record<Location, { inScope: boolean; sameMunicipality: boolean }> = {
  own: { inScope: true, sameMunicipality: true },
  child: { inScope: true, sameMunicipality: true },
  parent: { inScope: false, sameMunicipality: true },
  sibling: { inScope: false, sameMunicipality: true },
  other: { inScope: false, sameMunicipality: false },
};
/** Unit A is not a top unit: an actor there does not cover the whole municipality. */
const ACTOR_COVERS_MUNICIPALITY: boolean = false;
/** Unit A's kind (politicians see only administration-level units). */
const ACTOR_UNIT_KIND: string = 'unit';

// ---------------------------------------------------------------------------------------------------------------
// Rules

export type Rule =
  /**
   * No session needed; any role, any location. `unavailable` names a documented feature-off answer that is no
   * authorization decision (the OIDC routes answer 404 AUTH.OIDC_NOT_CONFIGURED when no IdP is configured).
   */
  | { kind: 'public'; unavailable?: { status: number; code: string; why: string } }
  /** Needs the permission; the location plays no part (the route names no unit-owned thing). */
  | { kind: 'self'; permission: Permission }
  /**
   * Needs the permission; then allowed for the own unit and below, 404 for the parent, a sibling and another
   * municipality (OSL 26:1: existence must not leak). `outOfScope` names a documented other denial.
   */
  | { kind: 'scoped'; permission: Permission; outOfScope?: { status: 400; why: string } | { empty: true; why: string } }
  /** Needs the permission; organisation data of the whole municipality (methods, instruments): 404 only in another municipality. */
  | { kind: 'municipality'; permission: Permission }
  /** Needs the permission over the whole municipality (a top unit); an actor below the top gets 403. */
  | { kind: 'municipalityWide'; permission: Permission }
  /**
   * Aggregated figures (apps/api/src/aggregates/access.ts, docs/aggregation.md): aggregate.read, then by level —
   * `unit`: the location's unit subtree (politicians only for administration-level units, 403 below);
   * `group`: a client group at the location (never for politicians);
   * `municipality`: needs a scope over the whole municipality (methods, the municipality);
   * `own`: the reader's own top unit (politicians only when it is administration level).
   */
  | { kind: 'aggregate'; level: 'unit' | 'group' | 'municipality' | 'own' }
  /**
   * A stored management report (unsuppressed unit-level figures, apps/api/src/reports/report-access.ts): report.read,
   * then only for readers with access to the individuals of its whole scope (client.read over it); everyone
   * else — admins, politicians, readers outside the scope — 404.
   */
  | { kind: 'managementReport' };

export type Expectation = { allow: true; emptyList?: boolean; unavailable?: { status: number; code: string } } | { deny: 403 | 404 | 400 };

export function expectationFor(rule: Rule, role: Role, location: Location, unitKind: string): Expectation {
  if (rule.kind === 'public') return { allow: true, unavailable: rule.unavailable };
  const permission = rulePermission(rule)!;
  if (!roleGrants(role, permission)) return { deny: 403 };
  const g = GEOMETRY[location];
  switch (rule.kind) {
    case 'self':
      return { allow: true };
    case 'scoped':
      if (g.inScope) return { allow: true };
      if (!rule.outOfScope) return { deny: 404 };
      return 'empty' in rule.outOfScope ? { allow: true, emptyList: true } : { deny: rule.outOfScope.status };
    case 'municipality':
      return g.sameMunicipality ? { allow: true } : { deny: 404 };
    case 'municipalityWide':
      if (!ACTOR_COVERS_MUNICIPALITY) return { deny: 403 };
      return g.sameMunicipality ? { allow: true } : { deny: 404 };
    case 'managementReport':
      return roleGrants(role, Permission.ClientRead) && g.inScope ? { allow: true } : { deny: 404 };
    case 'aggregate': {
      const politician = role === Role.Politician;
      switch (rule.level) {
        case 'unit':
          if (!g.inScope) return { deny: 404 };
          return politician && unitKind !== 'administration' ? { deny: 403 } : { allow: true };
        case 'group':
          if (politician) return { deny: 403 };
          return g.inScope ? { allow: true } : { deny: 404 };
        case 'municipality':
          if (!ACTOR_COVERS_MUNICIPALITY) return { deny: 403 };
          return g.sameMunicipality ? { allow: true } : { deny: 404 };
        case 'own':
          return politician && ACTOR_UNIT_KIND !== 'administration' ? { deny: 403 } : { allow: true };
      }
    }
  }
}

/** The permission a rule assumes the route declares (null: public). */
export function rulePermission(rule: Rule): Permission | null {
  if (rule.kind === 'public') return null;
  if (rule.kind === 'aggregate') return Permission.AggregateRead;
  if (rule.kind === 'managementReport') return Permission.ReportRead;
  return rule.permission;
}

export function describeExpectation(e: Expectation): string {
  return 'allow' in e ? (e.emptyList ? 'allowed with an empty list' : 'allowed (not 401/403/404, not 5xx)') : `denied with ${e.deny}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Requests

export interface MatrixRequest {
  method: string;
  /** The path as the route's template fills it, without the /api/v1 prefix (added for API routes). */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** Raw body with its content type (imports). */
  raw?: { contentType: string; data: string };
  /** Extra cookies (the sign-in form's double-submit cookie). */
  cookies?: Record<string, string>;
  /** Sign a new session in for this request (sign-out routes end the session they run in). */
  freshSession?: boolean;
}

export interface CellContext {
  loc: LocationFixture;
  actor: TestUser;
  today: string;
  /** A new lower-case token for codes and usernames that must be unique. */
  uniq(): string;
}

export interface MatrixEntry {
  rule: Rule;
  request(c: CellContext): MatrixRequest;
  /** Why this rule (where it is not obvious from the permission), kept next to the expectation. */
  note?: string;
}

const PAGE_CONTROLLERS = new Set(WEB_CONTROLLERS.map((c) => c.name));
const UNPREFIXED = ['/health/live', '/health/ready'];

/** Pages (apps/api/src/web) and health probes are served outside the /api/v1 prefix (create-api-app.ts). */
export function isPageRoute(r: RouteInfo): boolean {
  return PAGE_CONTROLLERS.has(r.controller);
}

export function urlFor(r: RouteInfo, req: MatrixRequest): string {
  const prefix = isPageRoute(r) || UNPREFIXED.includes(r.path) ? '' : '/api/v1';
  const qs = req.query ? `?${new URLSearchParams(req.query).toString()}` : '';
  return `${prefix}${req.path}${qs}`;
}

/** A built path must fill the route's own template (so a builder cannot silently test another route). */
export function matchesTemplate(template: string, path: string): boolean {
  const re = new RegExp(`^${template.replace(/:[A-Za-z]+/g, '[^/]+')}$`);
  return re.test(path);
}

export interface Session {
  cookie: string;
  csrf: string;
}

export interface Answer {
  status: number;
  contentType: string;
  body: any;
}

export async function signIn(baseUrl: string, username: string): Promise<Session> {
  const res = await fetch(`${baseUrl}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: TEST_PASSWORD }),
  });
  const body = (await res.json()) as { csrfToken?: string };
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('mp_session='))?.split(';')[0];
  if (res.status !== 200 || !cookie || !body.csrfToken) throw new Error(`sign-in failed for ${username}: ${res.status}`);
  return { cookie, csrf: body.csrfToken };
}

/** One request as a browser or API client of the session sends it (cookie, CSRF header); redirects are not followed. */
export async function send(baseUrl: string, session: Session, method: string, url: string, opts: Pick<MatrixRequest, 'body' | 'raw' | 'cookies'> = {}): Promise<Answer> {
  const cookies = [session.cookie, ...Object.entries(opts.cookies ?? {}).map(([k, v]) => `${k}=${v}`)].join('; ');
  const headers: Record<string, string> = { cookie: cookies, 'x-csrf-token': session.csrf };
  let body: string | undefined;
  if (opts.raw) {
    headers['content-type'] = opts.raw.contentType;
    body = opts.raw.data;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(`${baseUrl}${url}`, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  let parsed: unknown = text;
  if (contentType.includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, contentType, body: parsed };
}

// ---------------------------------------------------------------------------------------------------------------
// Fixtures

export interface LocationFixture {
  location: Location;
  municipalityId: string;
  unitId: string;
  unitKind: string;
  methodId: string;
  /** A custom instrument of the location's municipality. */
  instrumentCode: string;
  clientId: string;
  personnummer: string;
  episodeId: string;
  startOccasionId: string;
  followUpOccasionId: string;
  /** Episodes for the destructive routes (closing, marking missed), so the main episode stays usable. */
  closeEpisodeId: string;
  missEpisodeId: string;
  missOccasionId: string;
  responseId: string;
  goalId: string;
  importId: string;
  groupId: string;
  /** A user whose only membership is in the location (for the user administration routes). */
  userId: string;
  sampleId: string;
  sampleEventId: string;
  /** A management-audience report definition over the location's unit, and one stored report of it. */
  reportDefinitionId: string;
  reportId: string;
}

export interface Matrix {
  actors: Record<Role, TestUser>;
  sessions: Record<Role, Session>;
  locations: Record<Location, LocationFixture>;
  today: string;
}

/** PHQ-9's nine items, all answered. */
export const PHQ9_ANSWERS = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`phq9_${i + 1}`, 1]));

/** A small custom instrument definition (shape of test/e2e/instruments.e2e-spec.ts). */
export function customInstrument(code: string, version = 1) {
  const t = (sv: string, en: string) => ({ sv, en });
  return {
    code,
    version,
    name: t('Skattning av mående', 'Outcome rating'),
    description: t('Två skalor 0–10.', 'Two 0–10 scales.'),
    licence: { kind: 'customer_supplied' },
    languageNote: { swedishText: 'unvalidated_translation', note: t('Egen översättning.', 'Own translation.') },
    purpose: 'outcome',
    items: [
      { id: 'individually', text: t('Personligt', 'Individually'), type: 'numeric', required: true, min: 0, max: 10 },
      { id: 'overall', text: t('Övergripande', 'Overall'), type: 'numeric', required: true, min: 0, max: 10 },
    ],
    scales: [{ id: 'total', name: t('Totalt', 'Total'), items: ['individually', 'overall'], scoring: 'sum', maxMissing: 0, direction: 'higher_is_better' }],
    citations: [],
  };
}


async function must(res: Answer, what: string, ok = [200, 201, 202]): Promise<any> {
  if (!ok.includes(res.status)) throw new Error(`fixture ${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

let pnrCounter = 0;

async function locationFixture(
  ds: DataSource,
  baseUrl: string,
  m: { world: World; head: TestUser; headSession: Session; instrumentCode: string },
  location: Location,
  unit: OrgUnitRow,
  today: string,
): Promise<LocationFixture> {
  const api = (method: string, path: string, body?: unknown) => send(baseUrl, m.headSession, method, `/api/v1${path}`, { body });
  const startDate = addMonths(today, -7);
  const base = { world: m.world, unit, caseworker: m.head, startDate, today };
  const main = await createEpisodeWorld(ds, base);
  const toClose = await createEpisodeWorld(ds, base);
  const toMiss = await createEpisodeWorld(ds, base);
  const personnummer = personnummerFor(500_000 + pnrCounter++ * 7919).pnr;
  await must(await api('PATCH', `/clients/${main.client.id}`, { personalIdentityNumber: personnummer }), 'personnummer');
  const start = main.occasion(OccasionKind.Start);
  const followUp = main.occasion(OccasionKind.FollowUp, 1);
  const response = await must(
    await api('POST', `/occasions/${start.id}/responses`, { instrumentCode: 'phq9', answeredOn: startDate, respondent: 'client', mode: 'with_caseworker', answers: PHQ9_ANSWERS }),
    'response',
  );
  const goal = await must(await api('POST', `/episodes/${main.episode.id}/goals`, { text: 'Sova hela nätter inom tre månader.' }), 'goal');
  const csv = toCsv(importRows({ responses: 2, unitCode: unit.code, methodCode: main.method.code, today, refPrefix: `am-${randomUUID().slice(0, 8)}` }));
  const job = await must(
    await send(baseUrl, m.headSession, 'POST', `/api/v1/imports?${new URLSearchParams({ unitId: unit.id, dryRun: 'true' })}`, { raw: { contentType: 'text/csv', data: csv } }),
    'import',
  );
  const [group] = await ds.query(`INSERT INTO client_group (municipality_id, org_unit_id, name) VALUES ($1, $2, $3) RETURNING id`, [m.world.municipalityId, unit.id, `Grupp ${location}`]);
  // The main episode is a member, so ending a membership has one to end.
  await ds.query(`INSERT INTO group_membership (group_id, episode_id, joined_on) VALUES ($1, $2, $3)`, [group.id, main.episode.id, startDate]);
  const user = await new WorldFactory(ds).user(m.world.municipalityId, Role.Caseworker, unit);
  // Audit events now exist in the unit (the writes above), so the month's sample has items.
  const sample = await must(await api('POST', '/log-review/samples', { unitId: unit.id, month: today.slice(0, 7) }), 'sample');
  if (!sample.items?.length) throw new Error(`fixture sample for ${location} has no items`);
  // Stored reports come from the worker; written here directly (the report routes only read them).
  const scopeKind = unit.kind === 'administration' ? 'administration' : 'unit';
  const [definition] = await ds.query(
    `INSERT INTO report_definition (municipality_id, name, scope_kind, scope_id, audience, period_kind, sections, created_by)
     VALUES ($1, $2, $3, $4, 'management', 'year', '["outcomes"]', $5) RETURNING id`,
    [m.world.municipalityId, `Rapport ${location}`, scopeKind, unit.id, m.head.id],
  );
  const sha = '0'.repeat(64);
  const [report] = await ds.query(
    `INSERT INTO result_report (municipality_id, definition_id, period_key, period_end, version, audience, scope_kind, scope_id, language, html, html_sha256, pdf, pdf_sha256, trigger)
     VALUES ($1, $2, '2025', '2025-12-31', 1, 'management', $3, $4, 'sv', convert_to('<p>Rapport</p>', 'UTF8'), $5, convert_to('%PDF-1.4', 'UTF8'), $5, 'manual') RETURNING id`,
    [m.world.municipalityId, definition.id, scopeKind, unit.id, sha],
  );
  return {
    location,
    municipalityId: m.world.municipalityId,
    unitId: unit.id,
    unitKind: unit.kind,
    methodId: main.method.id,
    instrumentCode: m.instrumentCode,
    clientId: main.client.id,
    personnummer,
    episodeId: main.episode.id,
    startOccasionId: start.id,
    followUpOccasionId: followUp.id,
    closeEpisodeId: toClose.episode.id,
    missEpisodeId: toMiss.episode.id,
    missOccasionId: toMiss.occasion(OccasionKind.FollowUp, 1).id,
    responseId: response.id,
    goalId: goal.id,
    importId: job.id,
    groupId: group.id,
    userId: user.id,
    sampleId: sample.id,
    sampleEventId: String(sample.items[0].eventId),
    reportDefinitionId: definition.id,
    reportId: report.id,
  };
}

async function municipality(ds: DataSource, baseUrl: string, instrumentCode: string) {
  const f = new WorldFactory(ds);
  const world = await f.create();
  const head = await f.user(world.municipalityId, Role.UnitHead, world.root);
  const admin = await f.user(world.municipalityId, Role.Admin, world.root);
  const headSession = await signIn(baseUrl, head.username);
  const adminSession = await signIn(baseUrl, admin.username);
  await must(await send(baseUrl, adminSession, 'POST', '/api/v1/instruments', { body: { definition: customInstrument(instrumentCode) } }), 'instrument');
  return { world, head, headSession, instrumentCode };
}

/** Two municipalities, the five actors in unit A of the first, and the fixtures in every target location. */
export async function createMatrix(ds: DataSource, baseUrl: string): Promise<Matrix> {
  const today = swedishToday();
  // Each municipality has its own custom instrument code, so "other" cannot pass by finding a namesake.
  const m1 = await municipality(ds, baseUrl, 'am_matrix_one');
  const m2 = await municipality(ds, baseUrl, 'am_matrix_two');
  const f = new WorldFactory(ds);
  const actors = {} as Record<Role, TestUser>;
  const sessions = {} as Record<Role, Session>;
  for (const role of ROLES) {
    actors[role] = await f.user(m1.world.municipalityId, role, m1.world.unitA);
    sessions[role] = await signIn(baseUrl, actors[role].username);
  }
  const targets: [Location, typeof m1, OrgUnitRow][] = [
    ['own', m1, m1.world.unitA],
    ['child', m1, m1.world.teamA1],
    ['parent', m1, m1.world.root],
    ['sibling', m1, m1.world.unitB],
    ['other', m2, m2.world.unitA],
  ];
  const locations = {} as Record<Location, LocationFixture>;
  for (const [location, m, unit] of targets) locations[location] = await locationFixture(ds, baseUrl, m, location, unit, today);
  return { actors, sessions, locations, today };
}
