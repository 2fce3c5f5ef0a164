import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';
import { DESKTOP, expectAccessible, journey, launchBrowser, newPage, screenshot, signIn } from './browser.js';
import { seedWorld } from './journey-helpers.js';

describe('politician: sees only aggregates', () => {
  let t: TestApp;
  let browser: Browser;
  let seeded: Awaited<ReturnType<typeof seedWorld>>;
  let clientId: string;
  const checked: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    browser = await launchBrowser();
    seeded = await seedWorld(t.dataSource, t.baseUrl);
    const caseworker = await HttpSession.signIn(t.baseUrl, seeded.users.caseworker.username);
    clientId = (await caseworker.post('/api/v1/clients', { homeUnitId: seeded.world.unitA.id })).body.id;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('has no way to client pages, and a client URL answers 403', async () => {
    const { page } = await newPage(browser, DESKTOP);
    await journey(page, 'politician', async () => {
      await signIn(page, t.baseUrl, seeded.users.politician.username);
      await expectAccessible(page, checked);
      const nav = await page.locator('nav').allInnerTexts();
      expect(nav.join(' ')).not.toMatch(/Brukare|Arbetslista/);
      await screenshot(page, 'politician-start-desktop');

      for (const path of [`/brukare/${clientId}`, '/brukare', '/arbetslista']) {
        const response = await page.goto(`${t.baseUrl}${path}`);
        expect(response?.status()).toBe(403);
        expect(await page.locator('h1').innerText()).toBe('Du har inte behörighet till sidan');
        expect(await page.locator('body').innerText()).not.toContain('K-');
        await expectAccessible(page, checked);
      }
      await screenshot(page, 'forbidden-desktop');
      // The statement is public and reachable from every page.
      await page.getByRole('link', { name: 'Tillgänglighetsredogörelse' }).click();
      await expectAccessible(page, checked);
    }, t.logs);
  }, 240_000);
});
