import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Permission } from '#access';
import { listRoutes, type RouteInfo } from '../../apps/api/src/common/route-check.js';
import { importRows, toCsv } from '../factories/import-file.factory.js';
import {
  type CellContext,
  customInstrument,
  describeExpectation,
  expectationFor,
  isPageRoute,
  LOCATIONS,
  type Matrix,
  type MatrixEntry,
  type MatrixRequest,
  matchesTemplate,
  PHQ9_ANSWERS,
  rulePermission,
  ROLES,
  createMatrix,
  send,
  signIn,
  urlFor,
} from '../utils/authorization-matrix.js';
import { TEST_PASSWORD } from '../factories/world.factory.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';

/**
 * Issue 8, item 4: every route × role × target location, generated from the route metadata. A route without an
 * entry here fails the first test, naming it; so does an entry for a route that no longer exists.
 *
 * The actor holds one role in unit A; the locations are unit A (own), team A1 below it (child), the
 * administration above it (parent), unit B beside it (sibling) and unit A of another municipality (other).
 */

const P = Permission;
const get = (path: string, query?: Record<string, string>): MatrixRequest => ({ method: 'GET', path, query });
const post = (path: string, body: unknown = {}, query?: Record<string, string>): MatrixRequest => ({ method: 'POST', path, body, query });
const put = (path: string, body: unknown = {}): MatrixRequest => ({ method: 'PUT', path, body });
const patch = (path: string, body: unknown = {}): MatrixRequest => ({ method: 'PATCH', path, body });
const self = (permission: Permission) => ({ kind: 'self', permission }) as const;
const scoped = (permission: Permission) => ({ kind: 'scoped', permission }) as const;
const municipality = (permission: Permission) => ({ kind: 'municipality', permission }) as const;
const SIGN_IN_CSRF = 'matrix-double-submit-token-0123456789';
const OIDC_OFF = {
  status: 404,
  code: 'AUTH.OIDC_NOT_CONFIGURED',
  why: 'the test app has no IdP configured; test/e2e/oidc.e2e-spec.ts drives these routes against a test IdP',
};
const csv = { format: 'csv' };

const responseBody = (c: CellContext) => ({ instrumentCode: 'phq9', answeredOn: c.today, respondent: 'client', mode: 'with_caseworker', answers: PHQ9_ANSWERS });

/** Keyed by `METHOD /path` exactly as listRoutes gives them (API paths without the /api/v1 prefix). */
const MATRIX: Record<string, MatrixEntry> = {
  // --- public -------------------------------------------------------------------------------------------------
  'GET /health/live': { rule: { kind: 'public' }, request: () => get('/health/live') },
  'GET /health/ready': { rule: { kind: 'public' }, request: () => get('/health/ready') },
  'POST /auth/sign-in': { rule: { kind: 'public' }, request: (c) => post('/auth/sign-in', { username: c.actor.username, password: TEST_PASSWORD }) },
  'GET /auth/oidc/start': { rule: { kind: 'public', unavailable: OIDC_OFF }, request: () => get('/auth/oidc/start') },
  'GET /auth/oidc/callback': { rule: { kind: 'public', unavailable: OIDC_OFF }, request: () => get('/auth/oidc/callback', { code: 'x', state: 'y' }) },
  'GET /logga-in': { rule: { kind: 'public' }, request: () => get('/logga-in') },
  'POST /logga-in': {
    rule: { kind: 'public' },
    request: (c) => ({ ...post('/logga-in', { username: c.actor.username, password: TEST_PASSWORD, _csrf: SIGN_IN_CSRF }), cookies: { mp_signin: SIGN_IN_CSRF } }),
  },
  'GET /sprak': { rule: { kind: 'public' }, request: () => get('/sprak', { lang: 'sv', tillbaka: '/' }) },
  'GET /tillganglighet': { rule: { kind: 'public' }, request: () => get('/tillganglighet') },

  // --- the signed-in person -----------------------------------------------------------------------------------
  'POST /auth/sign-out': { rule: self(P.SelfRead), request: () => ({ ...post('/auth/sign-out'), freshSession: true }) },
  'GET /auth/me': { rule: self(P.SelfRead), request: () => get('/auth/me') },
  'POST /auth/api-tokens': { rule: self(P.SelfRead), request: () => post('/auth/api-tokens', { name: 'matris' }) },
  'POST /logga-ut': { rule: self(P.SelfRead), request: () => ({ ...post('/logga-ut'), freshSession: true }) },
  'GET /': { rule: self(P.SelfRead), request: () => get('/') },
  'GET /start': { rule: self(P.SelfRead), request: () => get('/start') },

  // --- organisation -------------------------------------------------------------------------------------------
  'GET /org-units': { rule: self(P.OrgRead), request: () => get('/org-units'), note: 'lists the caller’s own scope' },

  // --- user administration (admins, within their units) -------------------------------------------------------
  'GET /admin/users': { rule: self(P.UserAdmin), request: () => get('/admin/users') },
  'POST /admin/users': {
    rule: {
      kind: 'scoped',
      permission: P.UserAdmin,
      outOfScope: { status: 400, why: 'a membership unit outside the admin’s units is a field error (MEMBERSHIP.UNIT_OUT_OF_SCOPE), the same as for a unit that does not exist: org units are not client data and nothing leaks' },
    },
    request: (c) => post('/admin/users', { username: `am-${c.uniq()}`, displayName: 'Matris Användare', memberships: [{ unitId: c.loc.unitId, role: 'caseworker' }] }),
  },
  'PATCH /admin/users/:id': { rule: scoped(P.UserAdmin), request: (c) => patch(`/admin/users/${c.loc.userId}`, { displayName: 'Omdöpt Användare' }) },
  'PUT /admin/users/:id/memberships': {
    rule: scoped(P.UserAdmin),
    request: (c) => put(`/admin/users/${c.loc.userId}/memberships`, { memberships: [{ unitId: c.loc.unitId, role: 'caseworker' }] }),
  },
  'POST /admin/org-units': { rule: scoped(P.UserAdmin), request: (c) => post('/admin/org-units', { parentId: c.loc.unitId, kind: 'team', code: `AM-${c.uniq()}`, name: 'Matristeam' }) },
  'GET /admin': { rule: self(P.MethodAdmin), request: () => get('/admin') },
  'GET /admin/anvandare': { rule: self(P.UserAdmin), request: () => get('/admin/anvandare') },
  'GET /admin/anvandare/ny': { rule: self(P.UserAdmin), request: () => get('/admin/anvandare/ny') },
  'POST /admin/anvandare/ny': {
    rule: {
      kind: 'scoped',
      permission: P.UserAdmin,
      outOfScope: { status: 400, why: 'as POST /admin/users: the form shows the unit field error MEMBERSHIP.UNIT_OUT_OF_SCOPE' },
    },
    request: (c) => post('/admin/anvandare/ny', { username: `am-${c.uniq()}`, displayName: 'Matris Användare', unitId: c.loc.unitId, role: 'caseworker' }),
  },
  'GET /admin/anvandare/:id': { rule: scoped(P.UserAdmin), request: (c) => get(`/admin/anvandare/${c.loc.userId}`) },
  'POST /admin/anvandare/:id/behorigheter': { rule: scoped(P.UserAdmin), request: (c) => post(`/admin/anvandare/${c.loc.userId}/behorigheter`, { unitId: c.loc.unitId, role: 'caseworker' }) },
  'POST /admin/anvandare/:id/status': { rule: scoped(P.UserAdmin), request: (c) => post(`/admin/anvandare/${c.loc.userId}/status`, { disabled: 'false' }) },
  'GET /admin/organisation': { rule: self(P.UserAdmin), request: () => get('/admin/organisation') },
  'POST /admin/organisation': { rule: scoped(P.UserAdmin), request: (c) => post('/admin/organisation', { parentId: c.loc.unitId, kind: 'team', code: `AM-${c.uniq()}`, name: 'Matristeam' }) },

  // --- clients ------------------------------------------------------------------------------------------------
  'POST /clients': { rule: scoped(P.ClientWrite), request: (c) => post('/clients', { homeUnitId: c.loc.unitId, birthYear: 1990, sex: 'female' }) },
  'GET /clients': {
    rule: {
      kind: 'scoped',
      permission: P.ClientRead,
      outOfScope: { empty: true, why: 'the unitId filter narrows the caller’s scope: a unit outside it lists nothing (200, no rows), which leaks nothing' },
    },
    request: (c) => get('/clients', { unitId: c.loc.unitId }),
  },
  'POST /clients/search': { rule: scoped(P.ClientSearch), request: (c) => post('/clients/search', { personalIdentityNumber: c.loc.personnummer }) },
  'GET /clients/:id': { rule: scoped(P.ClientRead), request: (c) => get(`/clients/${c.loc.clientId}`) },
  'GET /clients/:id/identity': { rule: scoped(P.ClientRead), request: (c) => get(`/clients/${c.loc.clientId}/identity`) },
  'PATCH /clients/:id': { rule: scoped(P.ClientWrite), request: (c) => patch(`/clients/${c.loc.clientId}`, { birthYear: 1985 }) },

  // --- instruments: organisation data of the municipality (built-ins for all) ---------------------------------
  'GET /instruments': { rule: self(P.InstrumentRead), request: () => get('/instruments') },
  'POST /instruments': { rule: self(P.InstrumentAdmin), request: (c) => post('/instruments', { definition: customInstrument(`am_${c.uniq()}`) }) },
  'POST /instruments/import/fhir': { rule: self(P.InstrumentAdmin), request: () => post('/instruments/import/fhir', { resourceType: 'Questionnaire' }) },
  'GET /instruments/:code': { rule: municipality(P.InstrumentRead), request: (c) => get(`/instruments/${c.loc.instrumentCode}`) },
  'GET /instruments/:code/fhir': { rule: municipality(P.InstrumentRead), request: (c) => get(`/instruments/${c.loc.instrumentCode}/fhir`) },
  'GET /instruments/:code/versions/:version': { rule: municipality(P.InstrumentRead), request: (c) => get(`/instruments/${c.loc.instrumentCode}/versions/1`) },
  'POST /instruments/:code/versions': {
    rule: municipality(P.InstrumentAdmin),
    request: (c) => post(`/instruments/${c.loc.instrumentCode}/versions`, { definition: customInstrument(c.loc.instrumentCode, 2) }),
  },

  // --- methods: organisation data of the municipality ---------------------------------------------------------
  'GET /methods': { rule: self(P.OrgRead), request: () => get('/methods') },
  'GET /methods/:id': { rule: municipality(P.OrgRead), request: (c) => get(`/methods/${c.loc.methodId}`) },
  'POST /methods': { rule: self(P.MethodAdmin), request: (c) => post('/methods', { code: `AM-${c.uniq()}`, name: 'Matrismetod' }) },
  'POST /methods/:id/plans': {
    rule: municipality(P.MethodAdmin),
    request: (c) => post(`/methods/${c.loc.methodId}/plans`, { requiresAdjustmentDecision: true, instruments: [{ occasionKind: 'start', instrumentCode: 'phq9' }] }),
  },

  // --- episodes, occasions, worklist --------------------------------------------------------------------------
  'POST /episodes': {
    rule: scoped(P.ClientWrite),
    request: (c) => post('/episodes', { clientId: c.loc.clientId, methodId: c.loc.methodId, orgUnitId: c.loc.unitId, caseworkerUserId: c.actor.id, startDate: c.today }),
  },
  'GET /episodes/:id': { rule: scoped(P.ClientRead), request: (c) => get(`/episodes/${c.loc.episodeId}`) },
  'GET /clients/:id/episodes': { rule: scoped(P.ClientRead), request: (c) => get(`/clients/${c.loc.clientId}/episodes`) },
  'POST /episodes/:id/close': { rule: scoped(P.ClientWrite), request: (c) => post(`/episodes/${c.loc.closeEpisodeId}/close`, { closeDate: c.today, reason: 'completed_as_planned' }) },
  'POST /episodes/:id/occasions': { rule: scoped(P.ClientWrite), request: (c) => post(`/episodes/${c.loc.episodeId}/occasions`, { dueDate: c.today }) },
  'POST /occasions/:id/missed': { rule: scoped(P.ClientWrite), request: (c) => post(`/occasions/${c.loc.missOccasionId}/missed`, { reason: 'Brukaren avböjde.' }) },
  'GET /worklist': { rule: scoped(P.ClientRead), request: (c) => get('/worklist', { view: 'unit', unitId: c.loc.unitId }) },

  // --- goals --------------------------------------------------------------------------------------------------
  'POST /episodes/:id/goals': { rule: scoped(P.ClientWrite), request: (c) => post(`/episodes/${c.loc.episodeId}/goals`, { text: 'Gå till gymmet två gånger i veckan.' }) },
  'GET /episodes/:id/goals': { rule: scoped(P.ClientRead), request: (c) => get(`/episodes/${c.loc.episodeId}/goals`) },
  'PATCH /goals/:id': { rule: scoped(P.ClientWrite), request: (c) => patch(`/goals/${c.loc.goalId}`, { text: 'Sova hela nätter inom fyra månader.' }) },
  'PUT /occasions/:id/goal-attainments/:goalId': {
    rule: scoped(P.ClientWrite),
    request: (c) => put(`/occasions/${c.loc.followUpOccasionId}/goal-attainments/${c.loc.goalId}`, { achieved: true }),
  },

  // --- notes --------------------------------------------------------------------------------------------------
  'POST /occasions/:id/notes': {
    rule: scoped(P.ClientWrite),
    request: (c) => post(`/occasions/${c.loc.followUpOccasionId}/notes`, { kind: 'discussed_with_client', heldOn: c.today, withWhom: 'client', clientComment: 'Bra samtal.' }),
  },
  'GET /episodes/:id/notes': { rule: scoped(P.ClientRead), request: (c) => get(`/episodes/${c.loc.episodeId}/notes`) },
  'POST /notes': { rule: scoped(P.NoteWrite), request: (c) => post('/notes', { kind: 'staff_meeting', orgUnitId: c.loc.unitId, heldOn: c.today, text: 'Arbetsplatsträff.' }) },
  'GET /notes': { rule: scoped(P.NoteRead), request: (c) => get('/notes', { orgUnitId: c.loc.unitId }) },

  // --- responses ----------------------------------------------------------------------------------------------
  'POST /occasions/:id/responses': { rule: scoped(P.ClientWrite), request: (c) => post(`/occasions/${c.loc.followUpOccasionId}/responses`, responseBody(c)) },
  'POST /responses/:id/corrections': {
    rule: scoped(P.ClientWrite),
    request: (c) => post(`/responses/${c.loc.responseId}/corrections`, { reason: 'Fel i inmatningen.', answers: PHQ9_ANSWERS }),
  },
  'GET /responses/:id': { rule: scoped(P.ClientRead), request: (c) => get(`/responses/${c.loc.responseId}`) },
  'GET /responses/:id/history': { rule: scoped(P.ClientRead), request: (c) => get(`/responses/${c.loc.responseId}/history`) },
  'GET /episodes/:id/responses': { rule: scoped(P.ClientRead), request: (c) => get(`/episodes/${c.loc.episodeId}/responses`) },

  // --- imports ------------------------------------------------------------------------------------------------
  'POST /imports': {
    rule: scoped(P.ImportRun),
    request: (c) => ({
      method: 'POST',
      path: '/imports',
      query: { unitId: c.loc.unitId, dryRun: 'true' },
      raw: { contentType: 'text/csv', data: toCsv(importRows({ responses: 2, unitCode: 'X', methodCode: 'Y', today: c.today, refPrefix: `am-${c.uniq()}` })) },
    }),
  },
  'GET /imports/:id': { rule: scoped(P.ImportRun), request: (c) => get(`/imports/${c.loc.importId}`) },

  // --- aggregates ---------------------------------------------------------------------------------------------
  'GET /aggregates/clients/:id': { rule: scoped(P.ClientRead), request: (c) => get(`/aggregates/clients/${c.loc.clientId}`) },
  'GET /aggregates/units/:id': { rule: { kind: 'aggregate', level: 'unit' }, request: (c) => get(`/aggregates/units/${c.loc.unitId}`) },
  'GET /aggregates/units/:id/trends': {
    rule: { kind: 'aggregate', level: 'unit' },
    request: (c) => get(`/aggregates/units/${c.loc.unitId}/trends`, { subject: `${c.loc.methodId}/phq9_total` }),
  },
  'GET /aggregates/groups/:id': { rule: { kind: 'aggregate', level: 'group' }, request: (c) => get(`/aggregates/groups/${c.loc.groupId}`) },
  'GET /aggregates/methods/:id': { rule: { kind: 'aggregate', level: 'municipality' }, request: (c) => get(`/aggregates/methods/${c.loc.methodId}`) },
  'GET /aggregates/municipality': { rule: { kind: 'aggregate', level: 'municipality' }, request: () => get('/aggregates/municipality') },
  'GET /aggregates/municipality/trends': {
    rule: { kind: 'aggregate', level: 'municipality' },
    request: (c) => get('/aggregates/municipality/trends', { subject: `${c.loc.methodId}/phq9_total` }),
  },
  'GET /aggregates/evidence': { rule: { kind: 'aggregate', level: 'unit' }, request: (c) => get('/aggregates/evidence', { methodId: c.loc.methodId, unitId: c.loc.unitId }) },
  'PUT /aggregates/evidence/answers': {
    rule: scoped(P.EvidenceWrite),
    request: (c) => put('/aggregates/evidence/answers', { methodId: c.loc.methodId, unitId: c.loc.unitId, element: 10, question: 1, answer: 'delvis' }),
  },
  'PATCH /aggregates/evidence/methods/:id': {
    rule: municipality(P.MethodAdmin),
    request: (c) => patch(`/aggregates/evidence/methods/${c.loc.methodId}`, {}),
    note: 'the method’s description and evidence status are its owners’ (admins, method.admin); a method is organisation data of the whole municipality',
  },
  'GET /aggregates/settings': {
    rule: { kind: 'municipalityWide', permission: P.AggregationSettingsAdmin },
    request: () => get('/aggregates/settings'),
    note: 'the settings are the whole municipality’s: an admin of unit A gets 403 (test/e2e/aggregation-settings.e2e-spec.ts covers a top-unit admin)',
  },
  'PUT /aggregates/settings': {
    rule: { kind: 'municipalityWide', permission: P.AggregationSettingsAdmin },
    request: () => put('/aggregates/settings', { kPolitician: 5, kAnalyst: 5, evidenceYes: 0.8, evidencePartly: 0.5 }),
  },

  // --- client groups: names are organisation data, memberships client data -------------------------------------
  'GET /groups': { rule: scoped(P.GroupRead), request: (c) => get('/groups', { unitId: c.loc.unitId }) },
  'POST /groups': { rule: scoped(P.GroupAdmin), request: (c) => post('/groups', { orgUnitId: c.loc.unitId, name: `Matrisgrupp ${c.uniq()}` }) },
  'GET /groups/:id': { rule: scoped(P.GroupRead), request: (c) => get(`/groups/${c.loc.groupId}`) },
  'PATCH /groups/:id': { rule: scoped(P.GroupAdmin), request: (c) => patch(`/groups/${c.loc.groupId}`, { name: `Grupp ${c.loc.location} (ändrad)` }) },
  'GET /groups/:id/members': { rule: scoped(P.ClientRead), request: (c) => get(`/groups/${c.loc.groupId}/members`) },
  'POST /groups/:id/members': {
    rule: scoped(P.GroupMemberWrite),
    request: (c) => post(`/groups/${c.loc.groupId}/members`, { episodeId: c.loc.closeEpisodeId, joinedOn: c.today }),
    note: 'a second add of the same episode is 409 (allowed: no authorization decision)',
  },
  'PATCH /groups/:id/members/:episodeId': {
    rule: scoped(P.GroupMemberWrite),
    request: (c) => patch(`/groups/${c.loc.groupId}/members/${c.loc.episodeId}`, { leftOn: c.today }),
  },

  // --- log review (unit heads, admins; within their units) ----------------------------------------------------
  'GET /log-review/clients/:clientId/accesses': { rule: scoped(P.AuditReview), request: (c) => get(`/log-review/clients/${c.loc.clientId}/accesses`) },
  'POST /log-review/samples': { rule: scoped(P.AuditReview), request: (c) => post('/log-review/samples', { unitId: c.loc.unitId, month: c.today.slice(0, 7) }) },
  'GET /log-review/samples': { rule: scoped(P.AuditReview), request: (c) => get('/log-review/samples', { unitId: c.loc.unitId }) },
  'GET /log-review/samples/:id': { rule: scoped(P.AuditReview), request: (c) => get(`/log-review/samples/${c.loc.sampleId}`) },
  'PATCH /log-review/samples/:id/items/:eventId': {
    rule: scoped(P.AuditReview),
    request: (c) => patch(`/log-review/samples/${c.loc.sampleId}/items/${c.loc.sampleEventId}`, { verdict: 'ok' }),
  },
  'POST /log-review/samples/:id/sign-off': { rule: scoped(P.AuditReview), request: (c) => post(`/log-review/samples/${c.loc.sampleId}/sign-off`, {}) },
  'GET /log-review/flags': { rule: scoped(P.AuditReview), request: (c) => get('/log-review/flags', { unitId: c.loc.unitId }) },
  'GET /log-review/access-rights': { rule: scoped(P.AuditReview), request: (c) => get('/log-review/access-rights', { unitId: c.loc.unitId }) },

  // --- retention: municipality-wide, admins of a top unit only ------------------------------------------------
  'GET /retention/dry-run': { rule: { kind: 'municipalityWide', permission: P.RetentionAdmin }, request: () => get('/retention/dry-run') },
  'GET /retention/runs': { rule: { kind: 'municipalityWide', permission: P.RetentionAdmin }, request: () => get('/retention/runs') },

  // --- pages: clients, episodes, occasions --------------------------------------------------------------------
  'GET /arbetslista': { rule: scoped(P.ClientRead), request: (c) => get('/arbetslista', { vy: 'enhet', enhet: c.loc.unitId }) },
  'GET /brukare': { rule: self(P.ClientRead), request: () => get('/brukare') },
  'POST /brukare/sok': { rule: scoped(P.ClientSearch), request: (c) => post('/brukare/sok', { personnummer: c.loc.personnummer }) },
  'GET /brukare/ny': { rule: self(P.ClientWrite), request: () => get('/brukare/ny') },
  'POST /brukare/ny': { rule: scoped(P.ClientWrite), request: (c) => post('/brukare/ny', { homeUnitId: c.loc.unitId, birthYear: '1990', sex: 'female' }) },
  'GET /brukare/:id': { rule: scoped(P.ClientRead), request: (c) => get(`/brukare/${c.loc.clientId}`) },
  'GET /brukare/:id/identitet': { rule: scoped(P.ClientRead), request: (c) => get(`/brukare/${c.loc.clientId}/identitet`) },
  'GET /brukare/:id/insatser/ny': { rule: scoped(P.ClientWrite), request: (c) => get(`/brukare/${c.loc.clientId}/insatser/ny`) },
  'POST /brukare/:id/insatser/ny': {
    rule: scoped(P.ClientWrite),
    request: (c) => post(`/brukare/${c.loc.clientId}/insatser/ny`, { methodId: c.loc.methodId, orgUnitId: c.loc.unitId, startDate: c.today }),
  },
  'GET /insatser/:id/avsluta': { rule: scoped(P.ClientWrite), request: (c) => get(`/insatser/${c.loc.episodeId}/avsluta`) },
  'POST /insatser/:id/avsluta': { rule: scoped(P.ClientWrite), request: (c) => post(`/insatser/${c.loc.closeEpisodeId}/avsluta`, { closeDate: c.today, reason: 'completed_as_planned' }) },
  'GET /insatser/:id/tillfallen/:occasionId': { rule: scoped(P.ClientRead), request: (c) => get(`/insatser/${c.loc.episodeId}/tillfallen/${c.loc.followUpOccasionId}`) },
  'GET /insatser/:id/tillfallen/:occasionId/missat': { rule: scoped(P.ClientWrite), request: (c) => get(`/insatser/${c.loc.episodeId}/tillfallen/${c.loc.followUpOccasionId}/missat`) },
  'POST /insatser/:id/tillfallen/:occasionId/missat': {
    rule: scoped(P.ClientWrite),
    request: (c) => post(`/insatser/${c.loc.missEpisodeId}/tillfallen/${c.loc.missOccasionId}/missat`, { reason: 'Brukaren avböjde.' }),
  },
  'GET /insatser/:id/tillfallen/:occasionId/formular/:code': {
    rule: scoped(P.ClientWrite),
    request: (c) => get(`/insatser/${c.loc.episodeId}/tillfallen/${c.loc.followUpOccasionId}/formular/phq9`),
  },
  'POST /insatser/:id/tillfallen/:occasionId/formular/:code': {
    rule: scoped(P.ClientWrite),
    request: (c) => post(`/insatser/${c.loc.episodeId}/tillfallen/${c.loc.followUpOccasionId}/formular/phq9`, { step: '0', action: 'next' }),
  },
  'GET /insatser/:id/resultat': { rule: scoped(P.ClientRead), request: (c) => get(`/insatser/${c.loc.episodeId}/resultat`) },
  'GET /insatser/:id/tillfallen/:occasionId/samtal': { rule: scoped(P.ClientWrite), request: (c) => get(`/insatser/${c.loc.episodeId}/tillfallen/${c.loc.followUpOccasionId}/samtal`) },
  'GET /insatser/:id/tillfallen/:occasionId/beslut': { rule: scoped(P.ClientWrite), request: (c) => get(`/insatser/${c.loc.episodeId}/tillfallen/${c.loc.followUpOccasionId}/beslut`) },
  'POST /insatser/:id/tillfallen/:occasionId/samtal': {
    rule: scoped(P.ClientWrite),
    request: (c) => post(`/insatser/${c.loc.episodeId}/tillfallen/${c.loc.followUpOccasionId}/samtal`, { heldOn: c.today, withWhom: 'client' }),
  },
  'POST /insatser/:id/tillfallen/:occasionId/beslut': {
    rule: scoped(P.ClientWrite),
    request: (c) => post(`/insatser/${c.loc.episodeId}/tillfallen/${c.loc.followUpOccasionId}/beslut`, { heldOn: c.today }),
  },
  'GET /insatser/:id/mal/nytt': { rule: scoped(P.ClientWrite), request: (c) => get(`/insatser/${c.loc.episodeId}/mal/nytt`) },
  'POST /insatser/:id/mal/nytt': { rule: scoped(P.ClientWrite), request: (c) => post(`/insatser/${c.loc.episodeId}/mal/nytt`, { text: 'Promenera varje dag.' }) },
  'GET /insatser/:id/tillfallen/:occasionId/mal': { rule: scoped(P.ClientWrite), request: (c) => get(`/insatser/${c.loc.episodeId}/tillfallen/${c.loc.followUpOccasionId}/mal`) },
  'POST /insatser/:id/tillfallen/:occasionId/mal': { rule: scoped(P.ClientWrite), request: (c) => post(`/insatser/${c.loc.episodeId}/tillfallen/${c.loc.followUpOccasionId}/mal`, {}) },

  // --- pages: instruments and methods -------------------------------------------------------------------------
  'GET /formular': { rule: self(P.InstrumentRead), request: () => get('/formular') },
  'GET /formular/nytt': { rule: self(P.InstrumentAdmin), request: () => get('/formular/nytt') },
  'POST /formular/nytt': { rule: self(P.InstrumentAdmin), request: (c) => post('/formular/nytt', { definition: JSON.stringify(customInstrument(`am_${c.uniq()}`)) }) },
  'GET /formular/importera-fhir': { rule: self(P.InstrumentAdmin), request: () => get('/formular/importera-fhir') },
  'POST /formular/importera-fhir': { rule: self(P.InstrumentAdmin), request: () => post('/formular/importera-fhir', { definition: '{}' }) },
  'GET /formular/:code': { rule: municipality(P.InstrumentRead), request: (c) => get(`/formular/${c.loc.instrumentCode}`) },
  'GET /formular/:code/ny-version': { rule: municipality(P.InstrumentAdmin), request: (c) => get(`/formular/${c.loc.instrumentCode}/ny-version`) },
  'POST /formular/:code/ny-version': {
    rule: municipality(P.InstrumentAdmin),
    request: (c) => post(`/formular/${c.loc.instrumentCode}/ny-version`, { definition: JSON.stringify(customInstrument(c.loc.instrumentCode, 2)) }),
  },
  'GET /arbetssatt': { rule: self(P.OrgRead), request: () => get('/arbetssatt') },
  'GET /arbetssatt/nytt': { rule: self(P.MethodAdmin), request: () => get('/arbetssatt/nytt') },
  'POST /arbetssatt/nytt': { rule: self(P.MethodAdmin), request: (c) => post('/arbetssatt/nytt', { code: `AM-${c.uniq()}`, name: 'Matrismetod' }) },
  'GET /arbetssatt/:id': { rule: municipality(P.OrgRead), request: (c) => get(`/arbetssatt/${c.loc.methodId}`) },
  'GET /arbetssatt/:id/matplan': { rule: municipality(P.MethodAdmin), request: (c) => get(`/arbetssatt/${c.loc.methodId}/matplan`) },
  'POST /arbetssatt/:id/matplan': { rule: municipality(P.MethodAdmin), request: (c) => post(`/arbetssatt/${c.loc.methodId}/matplan`, {}) },

  // --- pages: dashboards, evidence, unit notes, results -------------------------------------------------------
  'GET /oversikt': { rule: { kind: 'aggregate', level: 'own' }, request: () => get('/oversikt') },
  'GET /oversikt/kommun': { rule: { kind: 'aggregate', level: 'municipality' }, request: () => get('/oversikt/kommun') },
  'GET /oversikt/enheter/:id': { rule: { kind: 'aggregate', level: 'unit' }, request: (c) => get(`/oversikt/enheter/${c.loc.unitId}`) },
  'GET /oversikt/grupper/:id': { rule: { kind: 'aggregate', level: 'group' }, request: (c) => get(`/oversikt/grupper/${c.loc.groupId}`) },
  'GET /oversikt/evidens/:methodId': { rule: { kind: 'aggregate', level: 'unit' }, request: (c) => get(`/oversikt/evidens/${c.loc.methodId}`, { enhet: c.loc.unitId }) },
  'POST /oversikt/evidens/:methodId': {
    rule: scoped(P.EvidenceWrite),
    request: (c) => post(`/oversikt/evidens/${c.loc.methodId}`, { enhet: c.loc.unitId, question: '10.1', answer: 'delvis', comment: '' }),
  },
  'GET /oversikt/anteckningar/ny': { rule: self(P.NoteWrite), request: (c) => get('/oversikt/anteckningar/ny', { enhet: c.loc.unitId }), note: 'the unit only preselects a form field' },
  'POST /oversikt/anteckningar': {
    rule: scoped(P.NoteWrite),
    request: (c) => post('/oversikt/anteckningar', { unitId: c.loc.unitId, kind: 'staff_meeting', heldOn: c.today, text: 'Arbetsplatsträff.' }),
  },
  // --- pages: client groups -------------------------------------------------------------------------------------
  'GET /grupper': { rule: self(P.GroupRead), request: () => get('/grupper'), note: 'lists the groups of the caller’s own units' },
  'POST /grupper': { rule: scoped(P.GroupAdmin), request: (c) => post('/grupper', { orgUnitId: c.loc.unitId, name: `Matrisgrupp ${c.uniq()}` }) },
  'GET /grupper/:id': { rule: scoped(P.GroupRead), request: (c) => get(`/grupper/${c.loc.groupId}`) },
  'POST /grupper/:id/namn': { rule: scoped(P.GroupAdmin), request: (c) => post(`/grupper/${c.loc.groupId}/namn`, { name: `Grupp ${c.loc.location} (sida)` }) },
  'POST /grupper/:id/medlemmar': {
    rule: scoped(P.GroupMemberWrite),
    request: (c) => post(`/grupper/${c.loc.groupId}/medlemmar`, { episodeId: c.loc.missEpisodeId, joinedOn: c.today }),
  },
  'POST /grupper/:id/medlemmar/:episodeId/avsluta': {
    rule: scoped(P.GroupMemberWrite),
    request: (c) => post(`/grupper/${c.loc.groupId}/medlemmar/${c.loc.episodeId}/avsluta`, { leftOn: c.today }),
  },
  'GET /resultat': { rule: self(P.AggregateRead), request: () => get('/resultat'), note: 'shows only the scopes the reader may see (none for a unit-level politician)' },
  'GET /resultat/rapporter': { rule: self(P.AggregateRead), request: () => get('/resultat/rapporter') },

  // --- exports of the aggregate views (same access as the views) ----------------------------------------------
  'GET /exports/aggregates/municipality': { rule: { kind: 'aggregate', level: 'municipality' }, request: () => get('/exports/aggregates/municipality', csv) },
  'GET /exports/aggregates/units/:id': { rule: { kind: 'aggregate', level: 'unit' }, request: (c) => get(`/exports/aggregates/units/${c.loc.unitId}`, csv) },
  'GET /exports/aggregates/methods/:id': { rule: { kind: 'aggregate', level: 'municipality' }, request: (c) => get(`/exports/aggregates/methods/${c.loc.methodId}`, csv) },
  'GET /exports/aggregates/groups/:id': { rule: { kind: 'aggregate', level: 'group' }, request: (c) => get(`/exports/aggregates/groups/${c.loc.groupId}`, csv) },

  // --- result reports: definitions (report admins over their units) and the archive ---------------------------
  'POST /reports/definitions': {
    rule: {
      kind: 'scoped',
      permission: P.ReportAdmin,
      outOfScope: { status: 400, why: 'a scope unit outside the caller’s units is the field error “does not exist or is outside your units”, the same as for an absent unit' },
    },
    request: (c) =>
      post('/reports/definitions', {
        name: 'Matrisrapport',
        scopeKind: c.loc.unitKind === 'administration' ? 'administration' : 'unit',
        scopeId: c.loc.unitId,
        audience: 'management',
        periodKind: 'year',
      }),
  },
  'GET /reports/definitions': { rule: self(P.ReportAdmin), request: () => get('/reports/definitions'), note: 'lists only definitions over the caller’s units' },
  'GET /reports/definitions/:id': { rule: scoped(P.ReportAdmin), request: (c) => get(`/reports/definitions/${c.loc.reportDefinitionId}`) },
  'PATCH /reports/definitions/:id': { rule: scoped(P.ReportAdmin), request: (c) => patch(`/reports/definitions/${c.loc.reportDefinitionId}`, { name: 'Matrisrapport (ändrad)' }) },
  'POST /reports/definitions/:id/generate': { rule: scoped(P.ReportAdmin), request: (c) => post(`/reports/definitions/${c.loc.reportDefinitionId}/generate`, { period: '2025' }) },
  'GET /reports': {
    rule: { kind: 'scoped', permission: P.ReportRead, outOfScope: { empty: true, why: 'the archive lists only reports the reader may read; a definition outside lists nothing' } },
    request: (c) => get('/reports', { definitionId: c.loc.reportDefinitionId }),
    note: 'admins: a management report is never theirs to read, so their list is empty in every location (checked as a 2xx only)',
  },
  'GET /reports/:id': { rule: { kind: 'managementReport' }, request: (c) => get(`/reports/${c.loc.reportId}`) },
  'GET /reports/:id/html': { rule: { kind: 'managementReport' }, request: (c) => get(`/reports/${c.loc.reportId}/html`) },
  'GET /reports/:id/pdf': { rule: { kind: 'managementReport' }, request: (c) => get(`/reports/${c.loc.reportId}/pdf`) },
};

let t: TestApp;
let routes: RouteInfo[];
let matrix: Matrix;
let counter = 0;
const outcomes: Record<string, unknown>[] = [];

beforeAll(async () => {
  t = await createTestApp();
  routes = listRoutes(t.app);
  matrix = await createMatrix(t.dataSource, t.baseUrl);
}, 120_000);

afterAll(async () => {
  // MATRIX_REPORT=<file> writes every cell's outcome (route, role, location, expected, status, code) as JSON lines.
  if (process.env.MATRIX_REPORT) writeFileSync(process.env.MATRIX_REPORT, outcomes.map((o) => JSON.stringify(o)).join('\n'));
  await t?.close();
});

const keyOf = (r: RouteInfo) => `${r.method} ${r.path}`;

describe('authorization matrix: coverage', () => {
  it('has an expectation for every route, and none for a route that no longer exists', () => {
    const keys = new Set(routes.map(keyOf));
    const missing = [...keys].filter((k) => !(k in MATRIX)).sort();
    const stale = Object.keys(MATRIX).filter((k) => !keys.has(k)).sort();
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it('every request builder fills its own route’s template and declares the route’s permission', () => {
    const problems: string[] = [];
    for (const r of routes) {
      const entry = MATRIX[keyOf(r)];
      if (!entry) continue;
      const req = entry.request(context(r, 'own', ROLES[0]));
      if (req.method !== r.method || !matchesTemplate(r.path, req.path)) problems.push(`${keyOf(r)}: builder sends ${req.method} ${req.path}`);
      const declared = r.public ? 'public' : r.permission;
      const ruled = rulePermission(entry.rule) ?? 'public';
      if (declared !== ruled) problems.push(`${keyOf(r)}: route declares ${declared}, the matrix rule assumes ${ruled}`);
    }
    expect(problems).toEqual([]);
  });
});

function context(r: RouteInfo, location: (typeof LOCATIONS)[number], role: (typeof ROLES)[number]): CellContext {
  return {
    loc: matrix?.locations[location] ?? ({} as never),
    actor: matrix?.actors[role] ?? ({ id: '00000000-0000-0000-0000-000000000000', username: 'x' } as never),
    today: matrix?.today ?? '2026-01-01',
    uniq: () => `${(counter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`,
  };
}

/** The cells, generated: one per listed route × role × location (routes are listed from a throwaway app at load). */
const CELLS = Object.keys(MATRIX).flatMap((key) => ROLES.flatMap((role) => LOCATIONS.map((location) => ({ key, role, location }))));

describe('authorization matrix: cells', () => {
  it.each(CELLS)('$key as $role on $location', async ({ key, role, location }) => {
    const route = routes.find((r) => keyOf(r) === key);
    if (!route) return; // reported by the coverage test
    const entry = MATRIX[key]!;
    const loc = matrix.locations[location];
    const expected = expectationFor(entry.rule, role, location, loc.unitKind);
    const req = entry.request(context(route, location, role));
    const session = req.freshSession ? await signIn(t.baseUrl, matrix.actors[role].username) : matrix.sessions[role];
    const res = await send(t.baseUrl, session, req.method, urlFor(route, req), req);
    const page = isPageRoute(route);
    const outcome = { expected: describeExpectation(expected), status: res.status, code: typeof res.body === 'object' ? (res.body?.code as string | undefined) : undefined };
    outcomes.push({ key, role, location, rule: entry.rule.kind, ...outcome });
    if ('allow' in expected) {
      const list = Array.isArray(res.body) ? res.body : res.body?.items;
      const unavailable = expected.unavailable && res.status === expected.unavailable.status && res.body?.code === expected.unavailable.code;
      const ok =
        unavailable ||
        (![401, 403, 404].includes(res.status) && res.status < 500 && (!expected.emptyList || (res.status === 200 && Array.isArray(list) && list.length === 0)));
      expect({ ...outcome, ok }).toEqual({ ...outcome, ok: true });
    } else {
      expect({ ...outcome, status: res.status }).toEqual({ ...outcome, status: expected.deny });
      // Pages answer with the error page, not a JSON body.
      if (page) expect(res.contentType).toContain('text/html');
    }
  });
});
