import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OccasionKind, Role } from '#domain';
import type { Answers } from '#instruments';
import { bodyHash } from '../../apps/api/src/common/idempotency.js';
import { createEpisodeWorld, type EpisodeWorld } from '../factories/episode.factory.js';
import { WorldFactory } from '../factories/world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';

const TODAY = '2026-03-16';
const phq9 = (v: number[]): Answers => Object.fromEntries(v.map((x, i) => [`phq9_${i + 1}`, x]));
const gad7 = (v: number[]): Answers => Object.fromEntries(v.map((x, i) => [`gad7_${i + 1}`, x]));
const PHQ9_A = phq9([2, 2, 1, 3, 1, 2, 1, 0, 1]);
const GAD7_A = gad7([1, 2, 1, 1, 2, 1, 1]);
const body = (instrumentCode: string, answers: Answers, extra: Record<string, unknown> = {}) => ({
  instrumentCode,
  answeredOn: TODAY,
  respondent: 'client',
  mode: 'with_caseworker',
  answers,
  ...extra,
});

let t: TestApp;
let caseworker: HttpSession;
let colleague: HttpSession;
let colleagueId: string;
let keyNo = 0;
const newKey = () => `key-${Date.now()}-${++keyNo}`;

/** A fresh episode per test: its start occasion takes PHQ-9 and GAD-7. */
let ew: EpisodeWorld;
const freshEpisode = async () =>
  createEpisodeWorld(t.dataSource, { world: ew?.world, caseworker: ew?.caseworker, startDate: '2026-03-02', today: TODAY });

async function responsesAt(occasionId: string): Promise<number> {
  return (await t.dataSource.query(`SELECT count(*)::int AS n FROM response WHERE occasion_id = $1`, [occasionId]))[0].n;
}
async function record(userId: string, key: string) {
  const rows = await t.dataSource.query(`SELECT route, status_code, completed_at FROM idempotency_record WHERE user_id = $1 AND key = $2`, [userId, key]);
  return rows[0] ?? null;
}

beforeAll(async () => {
  t = await createTestApp({ today: TODAY });
  ew = await freshEpisode();
  const other = await new WorldFactory(t.dataSource).user(ew.world.municipalityId, Role.Caseworker, ew.world.unitA);
  colleagueId = other.id;
  caseworker = await HttpSession.signIn(t.baseUrl, ew.caseworker.username);
  colleague = await HttpSession.signIn(t.baseUrl, other.username);
});

afterAll(async () => {
  await t?.close();
});

describe('Idempotency-Key on recording a response', () => {
  it('a replay with the same body returns the stored result, marked as replayed, and stores one response', async () => {
    const e = await freshEpisode();
    const url = `/api/v1/occasions/${e.occasion(OccasionKind.Start).id}/responses`;
    const key = newKey();
    const first = await caseworker.post(url, body('phq9', PHQ9_A), { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(await record(e.caseworker.id, key)).toMatchObject({ route: `POST ${url}`, status_code: 201 });
    // The same content with the keys in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(body('phq9', PHQ9_A)).reverse());
    const replay = await caseworker.post(url, reordered, { 'idempotency-key': key });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await responsesAt(e.occasion(OccasionKind.Start).id)).toBe(1);
    // The replay hands out client data again, so it is audited as a read.
    const [audit] = await t.dataSource.query(`SELECT action, resource, client_id FROM audit_event WHERE client_id = $1 ORDER BY id DESC LIMIT 1`, [e.client.id]);
    expect(audit).toEqual({ action: 'read', resource: 'response', client_id: e.client.id });
  });

  it('the same key with a different body is 422 and changes nothing', async () => {
    const e = await freshEpisode();
    const url = `/api/v1/occasions/${e.occasion(OccasionKind.Start).id}/responses`;
    const key = newKey();
    expect((await caseworker.post(url, body('phq9', PHQ9_A), { 'idempotency-key': key })).status).toBe(201);
    const changed = await caseworker.post(url, body('phq9', { ...PHQ9_A, phq9_1: 0 }), { 'idempotency-key': key });
    expect(changed.status).toBe(422);
    expect(changed.body).toMatchObject({ code: 'IDEMPOTENCY.KEY_REUSED', fields: [{ field: 'Idempotency-Key' }] });
    // Another route with the same key is a different request too.
    const elsewhere = await caseworker.post(`/api/v1/occasions/${e.occasion(OccasionKind.FollowUp, 1).id}/responses`, body('phq9', PHQ9_A), { 'idempotency-key': key });
    expect(elsewhere.status).toBe(422);
    expect(await responsesAt(e.occasion(OccasionKind.Start).id)).toBe(1);
    expect(await responsesAt(e.occasion(OccasionKind.FollowUp, 1).id)).toBe(0);
  });

  it('keys are per user: a colleague with the same key is not replayed the result', async () => {
    const e = await freshEpisode();
    const url = `/api/v1/occasions/${e.occasion(OccasionKind.Start).id}/responses`;
    const key = newKey();
    expect((await caseworker.post(url, body('phq9', PHQ9_A), { 'idempotency-key': key })).status).toBe(201);
    const res = await colleague.post(url, body('phq9', PHQ9_A), { 'idempotency-key': key });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('RESPONSE.ALREADY_RECORDED');
    expect(await record(colleagueId, key)).toBeNull();
  });

  it('two concurrent requests with one key: one response row; the other is in flight (409) or a replay', async () => {
    for (let round = 0; round < 5; round++) {
      const e = await freshEpisode();
      const url = `/api/v1/occasions/${e.occasion(OccasionKind.Start).id}/responses`;
      const key = newKey();
      const results = await Promise.all([caseworker.post(url, body('gad7', GAD7_A), { 'idempotency-key': key }), caseworker.post(url, body('gad7', GAD7_A), { 'idempotency-key': key })]);
      const statuses = results.map((r) => r.status).sort();
      const created = results.filter((r) => r.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      if (statuses[1] === 409) {
        const inFlight = results.find((r) => r.status === 409)!;
        expect(inFlight.body.code).toBe('IDEMPOTENCY.IN_FLIGHT');
        expect(inFlight.headers.get('retry-after')).toBe('1');
      } else {
        expect(statuses).toEqual([201, 201]);
        expect(created[0]!.body.id).toBe(created[1]!.body.id);
      }
      expect(await responsesAt(e.occasion(OccasionKind.Start).id)).toBe(1);
      // The loser retries and gets the stored result.
      const retry = await caseworker.post(url, body('gad7', GAD7_A), { 'idempotency-key': key });
      expect([retry.status, retry.body.id]).toEqual([201, created[0]!.body.id]);
    }
  });

  it('two concurrent requests without a key for one instrument: one 201, one 409 ALREADY_RECORDED', async () => {
    const e = await freshEpisode();
    const url = `/api/v1/occasions/${e.occasion(OccasionKind.Start).id}/responses`;
    const results = await Promise.all([caseworker.post(url, body('phq9', PHQ9_A)), caseworker.post(url, body('phq9', PHQ9_A)), caseworker.post(url, body('phq9', PHQ9_A))]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    for (const r of results.filter((r) => r.status === 409)) expect(r.body.code).toBe('RESPONSE.ALREADY_RECORDED');
    expect(await responsesAt(e.occasion(OccasionKind.Start).id)).toBe(1);
  });

  it('a request while the first with its key is in flight is 409 with Retry-After', async () => {
    const e = await freshEpisode();
    const url = `/api/v1/occasions/${e.occasion(OccasionKind.Start).id}/responses`;
    const key = newKey();
    const dto = body('phq9', PHQ9_A);
    await t.dataSource.query(`INSERT INTO idempotency_record (user_id, key, route, body_hash) VALUES ($1, $2, $3, $4)`, [e.caseworker.id, key, `POST ${url}`, bodyHash(dto)]);
    const res = await caseworker.post(url, dto, { 'idempotency-key': key });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('IDEMPOTENCY.IN_FLIGHT');
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await responsesAt(e.occasion(OccasionKind.Start).id)).toBe(0);
    // A record left in flight by a process that died is taken over after a while.
    await t.dataSource.query(`UPDATE idempotency_record SET created_at = now() - interval '10 minutes' WHERE user_id = $1 AND key = $2`, [e.caseworker.id, key]);
    const taken = await caseworker.post(url, dto, { 'idempotency-key': key });
    expect(taken.status).toBe(201);
    expect(await record(e.caseworker.id, key)).toMatchObject({ status_code: 201, completed_at: expect.any(Date) });
  });

  it('a failed first attempt releases the key: the client can retry with it', async () => {
    const e = await freshEpisode();
    const url = `/api/v1/occasions/${e.occasion(OccasionKind.Start).id}/responses`;
    const key = newKey();
    const failed = await caseworker.post(url, body('phq9', { ...PHQ9_A, phq9_1: 9 }), { 'idempotency-key': key });
    expect(failed.status).toBe(400);
    expect(await record(e.caseworker.id, key)).toBeNull();
    const notInPlan = await caseworker.post(url, body('who5', {}), { 'idempotency-key': key });
    expect(notInPlan.status).toBe(422);
    expect(await record(e.caseworker.id, key)).toBeNull();
    const retried = await caseworker.post(url, body('phq9', PHQ9_A), { 'idempotency-key': key });
    expect(retried.status).toBe(201);
    expect(await responsesAt(e.occasion(OccasionKind.Start).id)).toBe(1);
  });

  it('a key must be 1–200 characters', async () => {
    const e = await freshEpisode();
    const url = `/api/v1/occasions/${e.occasion(OccasionKind.Start).id}/responses`;
    const res = await caseworker.post(url, body('phq9', PHQ9_A), { 'idempotency-key': 'k'.repeat(201) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'IDEMPOTENCY.KEY_INVALID', fields: [{ field: 'Idempotency-Key' }] });
    expect(await responsesAt(e.occasion(OccasionKind.Start).id)).toBe(0);
    expect((await caseworker.post(url, body('phq9', PHQ9_A), { 'idempotency-key': 'k'.repeat(200) })).status).toBe(201);
  });

  it('corrections are idempotent too', async () => {
    const e = await freshEpisode();
    const first = await caseworker.post(`/api/v1/occasions/${e.occasion(OccasionKind.Start).id}/responses`, body('phq9', PHQ9_A));
    const key = newKey();
    const dto = { reason: 'Fel på fråga 1.', answers: { ...PHQ9_A, phq9_1: 0 } };
    const corrected = await caseworker.post(`/api/v1/responses/${first.body.id}/corrections`, dto, { 'idempotency-key': key });
    expect(corrected.status).toBe(201);
    const replay = await caseworker.post(`/api/v1/responses/${first.body.id}/corrections`, dto, { 'idempotency-key': key });
    expect([replay.status, replay.body.id, replay.headers.get('idempotent-replayed')]).toEqual([201, corrected.body.id, 'true']);
    expect(await responsesAt(e.occasion(OccasionKind.Start).id)).toBe(2);
    // Without the key the same correction is refused: the corrected revision is no longer current.
    expect((await caseworker.post(`/api/v1/responses/${first.body.id}/corrections`, dto)).status).toBe(409);
  });
});
