import type { Browser, Page } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { AggregationEngine } from '#aggregation';
import { Role } from '#domain';
import { CohortBuilder } from '../integration/aggregation-fixture.js';
import { WorldFactory, type TestUser } from '../factories/world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';
import { launchBrowser } from './browser.js';

export type World = Awaited<ReturnType<WorldFactory['create']>>;

/** A municipality with its users and a method whose plan measures PHQ-9 (and WHO-5) at start, follow-up and close. */
export async function seedWorld(ds: DataSource, baseUrl: string) {
  const factory = new WorldFactory(ds);
  const world = await factory.create();
  const users = {
    admin: await factory.user(world.municipalityId, Role.Admin, world.root),
    caseworker: await factory.user(world.municipalityId, Role.Caseworker, world.unitA),
    unitHead: await factory.user(world.municipalityId, Role.UnitHead, world.unitA),
    politician: await factory.user(world.municipalityId, Role.Politician, world.root),
    analyst: await factory.user(world.municipalityId, Role.Analyst, world.root),
  };
  await ds.query(`UPDATE app_user SET display_name = $2 WHERE id = $1`, [users.caseworker.id, 'Karin Handläggare']);
  await ds.query(`UPDATE org_unit SET name = 'Vuxenenheten' WHERE id = $1`, [world.unitA.id]);
  const admin = await HttpSession.signIn(baseUrl, users.admin.username);
  const method = await admin.post('/api/v1/methods', { code: `MI-${world.suffix}`, name: 'Motiverande samtal (MI)', evidenceStatus: 'method_guide' });
  const plan = await admin.post(`/api/v1/methods/${method.body.id}/plans`, {
    instruments: ['start', 'follow_up', 'close'].map((occasionKind) => ({ occasionKind, instrumentCode: 'phq9' })),
  });
  if (plan.status !== 201) throw new Error(`plan: ${plan.status} ${JSON.stringify(plan.body)}`);
  return { world, users, methodId: method.body.id as string };
}

/** Answers each step's radio groups from `answers` (item id → option value) and presses Nästa until the summary. */
export async function answerSteps(page: Page, answers: Record<string, number>): Promise<void> {
  for (let guard = 0; guard < 20; guard++) {
    if (await page.getByRole('heading', { name: 'Kontrollera svaren' }).count()) return;
    const names = await page.locator('input[type=radio][name^="a_"]').evaluateAll((els) => [...new Set(els.map((e) => (e as unknown as { name: string }).name))]);
    for (const name of names) {
      const value = answers[name.slice(2)];
      if (value !== undefined) await page.locator(`input[name="${name}"][value="${value}"]`).check();
    }
    await page.getByRole('button', { name: 'Nästa' }).click();
  }
  throw new Error('the questionnaire never reached its summary');
}

export function isoDaysAgo(days: number): string {
  const d = new Date(Date.now() - days * 86_400_000);
  return d.toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
}

export type { TestUser };

/**
 * A municipality with aggregated results (the e2e aggregates cohort, dated inside the rolling 12 months):
 * unit A subtree c1–c6 (6 clients, 6 pairs: 3 reliably improved, 2 unchanged, 1 deteriorated), unit B 13 clients
 * (4 improved, 5 unchanged, 4 deteriorated). Municipality: 19 clients, 19 pairs, 7 / 7 / 5 — enough for a politician
 * to see the categories, while a breakdown by sex hides cells. c1–c4 are in a treatment group of unit A. Users sit
 * at the root (the whole municipality).
 */
export async function seedResults(ds: DataSource) {
  const c = await new CohortBuilder(ds).setup();
  const w = c.world;
  const f = new WorldFactory(ds);
  const users = {
    unitHead: await f.user(w.municipalityId, Role.UnitHead, w.root),
    politician: await f.user(w.municipalityId, Role.Politician, w.root),
    admin: await f.user(w.municipalityId, Role.Admin, w.root),
  };
  await ds.query(`UPDATE org_unit SET name = 'Vuxenenheten' WHERE id = $1`, [w.unitA.id]);
  await ds.query(`UPDATE org_unit SET name = 'Barn och unga' WHERE id = $1`, [w.unitB.id]);
  await ds.query(`UPDATE method SET name = 'Motiverande samtal (MI)', evidence_status = 'method_guide' WHERE id = $1`, [c.methodId]);
  const [group] = await ds.query(`INSERT INTO client_group (municipality_id, org_unit_id, name) VALUES ($1, $2, 'Samtalsgrupp dagtid') RETURNING id`, [w.municipalityId, w.unitA.id]);
  const rows: readonly (readonly [string, string, number | null, readonly [number, number], readonly [number, number, 'follow_up' | 'close'] | null])[] = [
    [w.teamA1.id, 'female', 1990, [300, 20], [120, 12, 'follow_up']],
    [w.unitA.id, 'female', 1985, [290, 15], [100, 4, 'close']],
    [w.unitA.id, 'male', 1960, [280, 8], [90, 16, 'follow_up']],
    [w.unitA.id, 'male', 2000, [270, 12], [80, 10, 'follow_up']],
    [w.unitA.id, 'female', 1995, [260, 22], [70, 9, 'follow_up']],
    // followed up too: a client measured only at baseline would be 19 − 18 = 1, which hides the pairs from politicians
    [w.unitA.id, 'unknown', null, [250, 18], [110, 18, 'follow_up']],
    [w.unitB.id, 'female', 1970, [240, 10], [60, 3, 'follow_up']],
    // unit B, so the municipality has enough people in each category for figures a politician may see
    ...[[16, 14], [12, 10], [9, 11], [14, 15], [11, 9]].map(([b, l], i) => [w.unitB.id, i % 2 ? 'male' : 'female', 1980 + i, [230 - i * 5, b!], [50 - i, l!, 'follow_up']] as const),
    ...[[8, 16], [7, 14], [10, 18], [6, 13]].map(([b, l], i) => [w.unitB.id, i % 2 ? 'female' : 'male', 1970 + i, [200 - i * 5, b!], [40 - i, l!, 'follow_up']] as const),
    ...[[20, 11], [19, 8], [17, 9]].map(([b, l], i) => [w.unitB.id, 'female', 1990 + i, [180 - i * 5, b!], [30 - i, l!, 'follow_up']] as const),
  ];
  const clients: string[] = [];
  for (const [i, [unitId, sex, birthYear, [startAgo, base], latest]] of rows.entries()) {
    const clientId = await c.client({ unitId, sex, birthYear });
    clients.push(clientId);
    const e = await c.episode({ clientId, unitId, start: isoDaysAgo(startAgo), close: latest?.[2] === 'close' ? isoDaysAgo(latest[0]) : null });
    await c.measure(e, 'start', 0, isoDaysAgo(startAgo), base);
    if (latest) await c.measure(e, latest[2], latest[2] === 'close' ? 0 : 1, isoDaysAgo(latest[0]), latest[1]);
    if (i < 4) await ds.query(`INSERT INTO group_membership (group_id, episode_id, joined_on) VALUES ($1, $2, $3)`, [group.id, e, isoDaysAgo(startAgo)]);
  }
  await new AggregationEngine(ds, async () => undefined).rebuild(w.municipalityId);
  // Nothing relays in the journeys: mark the cohort's outbox rows sent so the figures are not "pending".
  await ds.query(`UPDATE outbox SET sent_at = now() WHERE municipality_id = $1`, [w.municipalityId]);
  return { world: w, users, clients, groupId: group.id as string, methodId: c.methodId, phq9: c.phq9 };
}

/** A journey's app (real HTTP, embedded PostgreSQL), Debian's Chromium and its seed, opened in one place. */
export async function openJourney<S>(seed: (ds: DataSource, baseUrl: string) => Promise<S>): Promise<{ t: TestApp; browser: Browser; seeded: S }> {
  const t = await createTestApp();
  const browser = await launchBrowser();
  return { t, browser, seeded: await seed(t.dataSource, t.baseUrl) };
}

/** Closes what openJourney opened (either may be missing when opening failed). */
export async function closeJourney(t: TestApp | undefined, browser: Browser | undefined): Promise<void> {
  await browser?.close();
  await t?.close();
}
