import type { Page } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { Role } from '#domain';
import { WorldFactory, type TestUser } from '../factories/world.factory.js';
import { HttpSession } from '../utils/http-session.js';

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
