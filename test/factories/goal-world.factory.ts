import { expect } from '@jest/globals';
import { Role } from '#domain';
import { HttpSession } from '../utils/http-session.js';
import type { TestApp } from '../utils/test-app.js';
import { type TestUser, WorldFactory } from './world.factory.js';

export interface TestEpisode {
  clientId: string;
  episodeId: string;
  occasions: { id: string; kind: string; seq: number; dueDate: string; windowStart: string; state: string }[];
}

/**
 * A world for goals and follow-up notes: the org tree of WorldFactory, one user per role, a method whose plan
 * measures PHQ-9 at start, follow-up and close and demands an adjustment decision after each follow-up.
 */
export class GoalWorldFactory {
  constructor(private readonly t: TestApp) {}

  async create() {
    const f = new WorldFactory(this.t.dataSource);
    const world = await f.create();
    const users = {
      admin: await f.user(world.municipalityId, Role.Admin, world.root),
      caseworkerA: await f.user(world.municipalityId, Role.Caseworker, world.unitA),
      caseworkerB: await f.user(world.municipalityId, Role.Caseworker, world.unitB),
      unitHeadA: await f.user(world.municipalityId, Role.UnitHead, world.unitA),
      unitHeadB: await f.user(world.municipalityId, Role.UnitHead, world.unitB),
      analyst: await f.user(world.municipalityId, Role.Analyst, world.root),
      politician: await f.user(world.municipalityId, Role.Politician, world.root),
    };
    const admin = await HttpSession.signIn(this.t.baseUrl, users.admin.username);
    const method = await admin.post('/api/v1/methods', { code: `GW-${world.suffix}`, name: 'Strukturerat stöd' });
    expect(method.status).toBe(201);
    const plan = await admin.post(`/api/v1/methods/${method.body.id}/plans`, {
      requiresAdjustmentDecision: true,
      instruments: ['start', 'follow_up', 'close'].map((k) => ({ occasionKind: k, instrumentCode: 'phq9' })),
    });
    expect(plan.status).toBe(201);
    return { world, users, methodId: method.body.id as string };
  }

  /** A client in `unitId` started on the method by `caseworker`, through the API. */
  async episode(session: HttpSession, caseworker: TestUser, unitId: string, methodId: string, startDate: string): Promise<TestEpisode> {
    const client = await session.post('/api/v1/clients', { homeUnitId: unitId, birthYear: 1985, sex: 'male' });
    expect(client.status).toBe(201);
    const episode = await session.post('/api/v1/episodes', { clientId: client.body.id, methodId, orgUnitId: unitId, caseworkerUserId: caseworker.id, startDate });
    expect(episode.status).toBe(201);
    return { clientId: client.body.id, episodeId: episode.body.id, occasions: episode.body.occasions };
  }

  /** Marks an occasion done as recording its responses would (that flow is the responses feature's, tested there). */
  async markDone(occasionId: string, doneOn: string): Promise<void> {
    await this.t.dataSource.query(`UPDATE occasion SET state = 'done', done_on = $2, updated_at = now() WHERE id = $1`, [occasionId, doneOn]);
  }

  async count(sql: string, params: unknown[] = []): Promise<number> {
    const [row] = await this.t.dataSource.query(`SELECT count(*)::int AS n FROM ${sql}`, params);
    return row.n;
  }
}
