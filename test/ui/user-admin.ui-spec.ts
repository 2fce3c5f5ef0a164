import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { HttpSession } from '../utils/http-session.js';
import type { TestApp } from '../utils/test-app.js';
import { DESKTOP, expectAccessible, journey, newPage, screenshot, signIn } from './browser.js';
import { seedWorld, openJourney, closeJourney } from './journey-helpers.js';

describe('admin: users, memberships and the org tree', () => {
  let t: TestApp;
  let browser: Browser;
  let seeded: Awaited<ReturnType<typeof seedWorld>>;
  const checked: string[] = [];

  beforeAll(async () => ({ t, browser, seeded } = await openJourney(seedWorld)), 120_000);
  afterAll(() => closeJourney(t, browser));

  it('creates a user with a membership, adds a role, disables the account (ending its sessions) and adds a unit', async () => {
    const { page } = await newPage(browser, DESKTOP);
    await journey(page, 'user-admin', async () => {
      await signIn(page, t.baseUrl, seeded.users.admin.username);
      await page.getByRole('link', { name: 'Användare', exact: true }).first().click();
      expect(await page.locator('h1').innerText()).toBe('Användare');
      await expectAccessible(page, checked);
      await page.getByRole('link', { name: 'Ny användare' }).click();
      await page.getByRole('button', { name: 'Skapa användaren' }).click();
      const summary = await page.locator('.error-summary').innerText();
      expect(summary).toContain('Namn');
      expect(summary).toContain('Enhet');
      await expectAccessible(page, checked);

      const username = `eva.${seeded.world.suffix}`;
      await page.getByLabel('Namn', { exact: true }).fill('Eva Enhetschef');
      await page.getByLabel('Användarnamn').fill(username);
      await page.getByLabel(/Lösenord/).fill('ett-langt-losenord-2026');
      await page.getByLabel('Enhet', { exact: true }).selectOption({ label: 'Vuxenenheten' });
      await page.getByRole('radio', { name: 'Enhetschef' }).check();
      await page.getByRole('button', { name: 'Skapa användaren' }).click();
      expect(await page.locator('[role=status]').innerText()).toContain('Användaren är skapad');
      expect(await page.locator('h1').innerText()).toBe('Eva Enhetschef');
      expect(await page.locator('table').innerText()).toContain('Vuxenenheten');
      await expectAccessible(page, checked);
      await screenshot(page, 'user-desktop');
      const userId = new URL(page.url()).pathname.split('/').pop()!;
      const [row] = await t.dataSource.query(`SELECT role FROM membership WHERE user_id = $1`, [userId]);
      expect(row.role).toBe('unit_head');

      await page.getByLabel('Enhet', { exact: true }).selectOption({ label: 'Enhet B' });
      await page.getByRole('radio', { name: 'Handläggare' }).check();
      await page.getByRole('button', { name: 'Lägg till roll' }).click();
      expect(await page.locator('table').innerText()).toContain('Enhet B');

      // The new user signs in; disabling the account ends that session at once.
      const session = await HttpSession.signIn(t.baseUrl, username, 'ett-langt-losenord-2026');
      expect((await session.get('/api/v1/auth/me')).status).toBe(200);
      await page.getByRole('button', { name: 'Stäng av kontot' }).click();
      expect(await page.locator('[role=status]').innerText()).toContain('Kontot är avstängt');
      expect((await session.get('/api/v1/auth/me')).status).toBe(401);
      await expectAccessible(page, checked);

      await page.getByRole('link', { name: 'Tillbaka till användarna' }).click();
      await page.getByRole('link', { name: 'Organisation' }).first().click();
      await expectAccessible(page, checked);
      await page.getByLabel('Ligger under').selectOption({ label: 'Vuxenenheten' });
      await page.getByRole('radio', { name: 'Arbetsgrupp' }).check();
      await page.getByLabel('Namn', { exact: true }).fill('Mottagningen');
      await page.getByLabel('Kod', { exact: true }).fill(`MOT-${seeded.world.suffix}`);
      await page.getByRole('button', { name: 'Lägg till enheten' }).click();
      expect(await page.locator('[role=status]').innerText()).toContain('Enheten är tillagd');
      expect(await page.locator('.tree').innerText()).toContain('Mottagningen');
      await expectAccessible(page, checked);
      await screenshot(page, 'org-tree-desktop');
    }, t.logs);
  }, 240_000);
});
