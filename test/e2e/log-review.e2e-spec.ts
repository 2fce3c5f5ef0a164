import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role, swedishToday } from '#domain';
import { scopeFor, Permission } from '#access';
import { LogReviewRepository, UserRepository } from '#persistence';
import { LogReviewFlagAccessHandler } from '../../apps/worker/src/handlers/log-review-flag-access.handler.js';
import { GoalWorldFactory, type TestEpisode } from '../factories/goal-world.factory.js';
import { type TestUser, WorldFactory } from '../factories/world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';

let t: TestApp;
let w: Awaited<ReturnType<GoalWorldFactory['create']>>;
let headA: HttpSession;
let headB: HttpSession;
let cwA: HttpSession;
let caseworkerA2: TestUser;
let caseworkerT1: TestUser;
let clientX: TestEpisode;
let clientY: TestEpisode;
const month = swedishToday().slice(0, 7);

beforeAll(async () => {
  t = await createTestApp();
  const gw = new GoalWorldFactory(t);
  w = await gw.create();
  const f = new WorldFactory(t.dataSource);
  caseworkerA2 = await f.user(w.world.municipalityId, Role.Caseworker, w.world.unitA);
  caseworkerT1 = await f.user(w.world.municipalityId, Role.Caseworker, w.world.teamA1);
  headA = await HttpSession.signIn(t.baseUrl, w.users.unitHeadA.username);
  headB = await HttpSession.signIn(t.baseUrl, w.users.unitHeadB.username);
  cwA = await HttpSession.signIn(t.baseUrl, w.users.caseworkerA.username);
  const cwT1 = await HttpSession.signIn(t.baseUrl, caseworkerT1.username);
  // X: caseworker A's own client in unit A. Y: a team A1 client of caseworker T1, not on A's caseload.
  clientX = await gw.episode(cwA, w.users.caseworkerA, w.world.unitA.id, w.methodId, swedishToday());
  clientY = await gw.episode(cwT1, caseworkerT1, w.world.teamA1.id, w.methodId, swedishToday());
  for (let i = 0; i < 3; i++) expect((await cwA.get(`/api/v1/clients/${clientX.clientId}`)).status).toBe(200);
  expect((await cwA.get(`/api/v1/clients/${clientY.clientId}`)).status).toBe(200);
  expect((await headA.get(`/api/v1/clients/${clientY.clientId}`)).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('who has accessed client X', () => {
  it('lists actor, role, unit, action, resource, purpose and time; the review itself is logged and listed', async () => {
    const res = await headA.get(`/api/v1/log-review/clients/${clientX.clientId}/accesses`);
    expect(res.status).toBe(200);
    expect(res.body.client.id).toBe(clientX.clientId);
    const reads = res.body.items.filter((i: { action: string; resource: string }) => i.action === 'read' && i.resource === 'client');
    expect(reads).toHaveLength(3);
    expect(reads[0]).toMatchObject({
      actorUserId: w.users.caseworkerA.id,
      actorUsername: w.users.caseworkerA.username,
      actorRole: 'caseworker',
      orgUnitId: w.world.unitA.id,
      orgUnitName: 'Enhet A',
      purpose: 'casework',
      clientPseudonym: expect.stringMatching(/^K-\d{6}$/),
    });
    expect(new Date(reads[0].occurredAt).getTime()).toBeLessThanOrEqual(Date.now());
    expect(res.body.items.map((i: { action: string }) => i.action)).toContain('create');
    const again = await headA.get(`/api/v1/log-review/clients/${clientX.clientId}/accesses`);
    expect(again.body.items[0]).toMatchObject({ actorUserId: w.users.unitHeadA.id, purpose: 'log_review', resource: 'audit_log.client_accesses', action: 'list' });
  });

  it('is a 404 for a unit head of another unit, and a 403 for roles without log review', async () => {
    const other = await headB.get(`/api/v1/log-review/clients/${clientX.clientId}/accesses`);
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('CLIENT.NOT_FOUND');
    expect((await cwA.get(`/api/v1/log-review/clients/${clientX.clientId}/accesses`)).status).toBe(403);
    const analyst = await HttpSession.signIn(t.baseUrl, w.users.analyst.username);
    expect((await analyst.get(`/api/v1/log-review/clients/${clientX.clientId}/accesses`)).status).toBe(403);
    expect((await headA.get(`/api/v1/log-review/clients/not-a-uuid/accesses`)).status).toBe(400);
  });

  it('is served by the (client_id, occurred_at) index', async () => {
    const runner = t.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      // On a small test table the planner would rightly scan; forbidding that shows the index serves the query.
      await runner.query('SET LOCAL enable_seqscan = off');
      const plan: { 'QUERY PLAN': string }[] = await runner.query(
        `EXPLAIN SELECT e.id FROM audit_event e JOIN org_unit o ON o.id = e.org_unit_id
          WHERE e.client_id = $1 AND e.municipality_id = $2 AND o.path LIKE ANY($3)
          ORDER BY e.occurred_at DESC, e.id DESC LIMIT 500`,
        [clientX.clientId, w.world.municipalityId, [`${w.world.unitA.path}%`]],
      );
      expect(plan.map((p) => p['QUERY PLAN']).join('\n')).toContain('audit_event_client_idx');
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});

describe('monthly random-sample review', () => {
  let sample: any;

  it('draws a sample of the unit’s events for the month (its subtree, not the log review’s own reads)', async () => {
    const res = await headA.post('/api/v1/log-review/samples', { unitId: w.world.unitA.id, month });
    expect(res.status).toBe(201);
    sample = res.body;
    expect(sample).toMatchObject({ orgUnitId: w.world.unitA.id, month: `${month}-01`, sampleSize: 20, seed: `${w.world.unitA.id}:${month}` });
    expect(sample.population).toBeGreaterThan(5);
    expect(sample.items).toHaveLength(Math.min(20, sample.population));
    expect(sample.items.map((i: { position: number }) => i.position)).toEqual(sample.items.map((_: unknown, n: number) => n + 1));
    const units = new Set(sample.items.map((i: { orgUnitId: string }) => i.orgUnitId));
    for (const u of units) expect([w.world.unitA.id, w.world.teamA1.id]).toContain(u);
    expect(sample.items.some((i: { purpose: string }) => i.purpose === 'log_review')).toBe(false);
  });

  it('is reproducible: the same unit and month give the same events in the same order, whatever was logged since', async () => {
    expect((await cwA.get(`/api/v1/clients/${clientX.clientId}`)).status).toBe(200);
    const again = await headA.post('/api/v1/log-review/samples', { unitId: w.world.unitA.id, month });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(sample.id);
    const actor = (await new UserRepository(t.dataSource).loadActor(w.users.unitHeadA.id, 'session'))!;
    const redrawn = await new LogReviewRepository(t.dataSource).drawSample(
      scopeFor(actor, Permission.AuditReview),
      w.world.unitA.path,
      `${month}-01`,
      sample.seed,
      sample.sampleSize,
      sample.populationMaxEventId,
    );
    expect(redrawn.population).toBe(sample.population);
    expect(redrawn.eventIds).toEqual(sample.items.map((i: { eventId: string }) => i.eventId));
    const fetched = await headA.get(`/api/v1/log-review/samples/${sample.id}`);
    expect(fetched.body.items.map((i: { eventId: string }) => i.eventId)).toEqual(redrawn.eventIds);
  });

  it('refuses a month that has not started, and units outside the reviewer’s scope', async () => {
    const future = await headA.post('/api/v1/log-review/samples', { unitId: w.world.unitA.id, month: '2999-01' });
    expect(future.status).toBe(400);
    expect(future.body.fields[0].field).toBe('month');
    expect((await headA.post('/api/v1/log-review/samples', { unitId: w.world.unitA.id, month: '2026-13' })).status).toBe(400);
    expect((await headB.post('/api/v1/log-review/samples', { unitId: w.world.unitA.id, month })).status).toBe(404);
    expect((await headB.get(`/api/v1/log-review/samples/${sample.id}`)).status).toBe(404);
    expect((await cwA.post('/api/v1/log-review/samples', { unitId: w.world.unitA.id, month })).status).toBe(403);
  });

  it('the unit head marks each event ok or needs_follow_up (with a comment), then signs off — recorded and audit-logged', async () => {
    const [first, ...rest] = sample.items as { eventId: string }[];
    const url = (e: string) => `/api/v1/log-review/samples/${sample.id}/items/${e}`;
    const noComment = await headA.patch(url(first!.eventId), { verdict: 'needs_follow_up' });
    expect(noComment.status).toBe(400);
    expect(noComment.body.code).toBe('LOG_REVIEW.COMMENT_REQUIRED');
    expect((await headA.patch(url(first!.eventId), { verdict: 'maybe' })).status).toBe(400);
    const followUp = await headA.patch(url(first!.eventId), { verdict: 'needs_follow_up', comment: 'Fråga handläggaren om syftet.' });
    expect(followUp.status).toBe(200);
    expect(followUp.body).toMatchObject({ verdict: 'needs_follow_up', comment: 'Fråga handläggaren om syftet.', reviewedBy: w.users.unitHeadA.id });
    expect((await headA.patch(url('999999999999'), { verdict: 'ok' })).status).toBe(404);

    const early = await headA.post(`/api/v1/log-review/samples/${sample.id}/sign-off`, {});
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('LOG_REVIEW.ITEMS_UNREVIEWED');

    for (const item of rest) expect((await headA.patch(url(item.eventId), { verdict: 'ok' })).status).toBe(200);
    const signed = await headA.post(`/api/v1/log-review/samples/${sample.id}/sign-off`, { comment: 'Granskat, en uppföljning.' });
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ signedOffBy: w.users.unitHeadA.id, signOffComment: 'Granskat, en uppföljning.' });
    expect(signed.body.signedOffAt).toBeTruthy();

    expect((await headA.patch(url(first!.eventId), { verdict: 'ok' })).status).toBe(409);
    expect((await headA.post(`/api/v1/log-review/samples/${sample.id}/sign-off`, {})).status).toBe(409);
    const audit = await t.dataSource.query(`SELECT actor_user_id, action, purpose FROM audit_event WHERE resource = $1`, [`log_review_sample:${sample.id}:sign_off`]);
    expect(audit).toEqual([{ actor_user_id: w.users.unitHeadA.id, action: 'update', purpose: 'log_review' }]);
    const list = await headA.get(`/api/v1/log-review/samples?unitId=${w.world.unitA.id}`);
    expect(list.body.items[0]).toMatchObject({ id: sample.id, reviewed: sample.items.length, items: sample.items.length });
  });
});

describe('flags for unusual access', () => {
  let handler: LogReviewFlagAccessHandler;

  beforeAll(async () => {
    // A burst: caseworker A2 reads 31 distinct clients (over the default threshold of 30 per hour).
    await t.dataSource.query(
      `INSERT INTO audit_event (municipality_id, actor_user_id, actor_role, org_unit_id, client_id, client_pseudonym, action, resource, purpose)
       SELECT $1, $2, 'caseworker', $3, gen_random_uuid(), 'K-9' || lpad(n::text, 5, '0'), 'read', 'client', 'casework'
         FROM generate_series(1, 31) AS n`,
      [w.world.municipalityId, caseworkerA2.id, w.world.unitA.id],
    );
    handler = new LogReviewFlagAccessHandler(t.dataSource);
    await handler.handle({ trigger: 'manual', day: swedishToday() });
  }, 30_000);

  it('flags a client outside the person’s caseload and a burst of many clients, for the unit head of that unit', async () => {
    const res = await headA.get(`/api/v1/log-review/flags?unitId=${w.world.unitA.id}`);
    expect(res.status).toBe(200);
    const items: any[] = res.body.items;
    const outside = items.filter((i) => i.kind === 'outside_caseload' && i.clientId === clientY.clientId);
    expect(outside).toEqual([
      expect.objectContaining({ actorUserId: w.users.caseworkerA.id, orgUnitId: w.world.teamA1.id, eventCount: 1, distinctClients: 1, day: swedishToday() }),
    ]);
    // Caseworker A's own client, and the unit head reading a client of their unit's team, are not flagged.
    expect(items.some((i) => i.clientId === clientX.clientId)).toBe(false);
    expect(items.some((i) => i.actorUserId === w.users.unitHeadA.id)).toBe(false);
    const burst = items.filter((i) => i.kind === 'many_clients');
    expect(burst).toEqual([expect.objectContaining({ actorUserId: caseworkerA2.id, orgUnitId: w.world.unitA.id, distinctClients: 31, clientId: null })]);
  });

  it('is idempotent, scoped to the reviewer’s units, and reading it is logged', async () => {
    expect(await handler.handle({ trigger: 'manual', day: swedishToday() })).toMatchObject({ outsideCaseload: 0, manyClients: 0 });
    const b = await headB.get('/api/v1/log-review/flags');
    expect(b.status).toBe(200);
    expect(b.body.items.some((i: { actorUserId: string }) => [w.users.caseworkerA.id, caseworkerA2.id].includes(i.actorUserId))).toBe(false);
    expect((await headB.get(`/api/v1/log-review/flags?unitId=${w.world.unitA.id}`)).status).toBe(404);
    const [row] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE actor_user_id = $1 AND resource = 'access_flag' AND purpose = 'log_review'`, [
      w.users.unitHeadB.id,
    ]);
    expect(row.n).toBeGreaterThanOrEqual(1);
  });
});

describe('access-rights report', () => {
  it('lists who holds which role in the unit, below it and above it, with grant date and last sign-in', async () => {
    const res = await headA.get(`/api/v1/log-review/access-rights?unitId=${w.world.unitA.id}`);
    expect(res.status).toBe(200);
    const byUser = new Map(res.body.items.map((i: { userId: string }) => [i.userId, i]));
    expect(byUser.get(w.users.caseworkerA.id)).toMatchObject({ role: 'caseworker', relation: 'unit', unitId: w.world.unitA.id, signIn: 'local', disabled: false });
    expect((byUser.get(w.users.caseworkerA.id) as { lastSignInAt: string }).lastSignInAt).toBeTruthy();
    expect(byUser.get(caseworkerT1.id)).toMatchObject({ relation: 'below', unitId: w.world.teamA1.id });
    expect(byUser.get(w.users.admin.id)).toMatchObject({ role: 'admin', relation: 'above', unitId: w.world.root.id });
    expect(byUser.get(w.users.unitHeadA.id)).toMatchObject({ role: 'unit_head', relation: 'unit' });
    expect(byUser.has(w.users.caseworkerB.id)).toBe(false);
    expect(byUser.has(w.users.unitHeadB.id)).toBe(false);
    expect((byUser.get(caseworkerA2.id) as { grantedAt: string }).grantedAt).toBeTruthy();
    const [audit] = await t.dataSource.query(`SELECT purpose, action FROM audit_event WHERE resource = $1 AND actor_user_id = $2`, [
      `access_rights:${w.world.unitA.id}`,
      w.users.unitHeadA.id,
    ]);
    expect(audit).toEqual({ purpose: 'log_review', action: 'list' });
  });

  it('is a 404 for a unit outside the reviewer’s units and needs unitId', async () => {
    expect((await headB.get(`/api/v1/log-review/access-rights?unitId=${w.world.unitA.id}`)).status).toBe(404);
    expect((await headB.get(`/api/v1/log-review/access-rights?unitId=${randomUUID()}`)).status).toBe(404);
    expect((await headA.get('/api/v1/log-review/access-rights')).status).toBe(400);
  });
});
