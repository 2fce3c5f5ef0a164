import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { addMonths, Role, swedishToday } from '#domain';
import { createEpisodeWorld, type EpisodeWorld } from '../factories/episode.factory.js';
import { type TestUser, WorldFactory } from '../factories/world.factory.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';
import { DESKTOP, expectAccessible, journey, launchBrowser, newPage, signIn, TABLET } from './browser.js';

describe('unit head: client groups (docs/groups.md)', () => {
  let t: TestApp;
  let browser: Browser;
  let head: TestUser;
  let episode: EpisodeWorld;
  const checked: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    browser = await launchBrowser();
    const f = new WorldFactory(t.dataSource);
    const world = await f.create();
    head = await f.user(world.municipalityId, Role.UnitHead, world.unitA);
    episode = await createEpisodeWorld(t.dataSource, { world, unit: world.teamA1, startDate: addMonths(swedishToday(), -2) });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('creates a group, adds an intervention and ends the membership; every page passes axe', async () => {
    const { page } = await newPage(browser, DESKTOP);
    await journey(page, 'groups', async () => {
      await signIn(page, t.baseUrl, head.username);
      await page.getByRole('link', { name: 'Grupper' }).first().click();
      await page.waitForLoadState('load');
      expect(await page.locator('h1').innerText()).toBe('Grupper');
      await expectAccessible(page, checked);

      // An empty name comes back with the error summary and the error beside the field.
      await page.getByRole('button', { name: 'Skapa grupp' }).click();
      await page.waitForLoadState('load');
      expect(await page.locator('.error-summary').innerText()).toContain('Gruppens namn');
      await expectAccessible(page, checked);

      await page.getByLabel('Enhet').selectOption({ label: 'Enhet A' });
      await page.getByLabel('Gruppens namn').fill('Samtalsgrupp');
      await page.getByRole('button', { name: 'Skapa grupp' }).click();
      await page.waitForLoadState('load');
      expect(await page.locator('h1').innerText()).toBe('Samtalsgrupp');
      expect(await page.locator('[role="status"]').innerText()).toContain('Gruppen är skapad.');
      await expectAccessible(page, checked);

      await page.getByLabel('Insats').selectOption({ value: episode.episode.id });
      await page.getByRole('button', { name: 'Lägg till i gruppen' }).click();
      await page.waitForLoadState('load');
      expect(await page.locator('table[data-members]').innerText()).toContain(episode.client.pseudonym);
      await expectAccessible(page, checked);

      await page.setViewportSize(TABLET);
      await page.getByRole('button', { name: 'Avsluta medlemskap' }).click();
      await page.waitForLoadState('load');
      expect(await page.locator('[role="status"]').innerText()).toContain('Medlemskapet har avslutats.');
      await expectAccessible(page, checked);
    });
    expect(checked.length).toBeGreaterThanOrEqual(5);
    const [row] = await t.dataSource.query(`SELECT left_on IS NOT NULL AS ended FROM group_membership WHERE episode_id = $1`, [episode.episode.id]);
    expect(row.ended).toBe(true);
  });
});
