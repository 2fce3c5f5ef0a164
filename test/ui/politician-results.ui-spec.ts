import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { HttpSession } from '../utils/http-session.js';
import type { TestApp } from '../utils/test-app.js';
import { DESKTOP, expectAccessible, journey, newPage, screenshot, signIn, TABLET } from './browser.js';
import { seedResults, openJourney, closeJourney } from './journey-helpers.js';

describe('politician: aggregated results with suppression, and no client data', () => {
  let t: TestApp;
  let browser: Browser;
  let seeded: Awaited<ReturnType<typeof seedResults>>;
  const checked: string[] = [];

  beforeAll(async () => ({ t, browser, seeded } = await openJourney(seedResults)), 120_000);
  afterAll(() => closeJourney(t, browser));

  it('sees the municipality, administrations and methods with ".." where n < 5, the archive, and 403 on a client', async () => {
    const { page } = await newPage(browser, DESKTOP);
    await journey(page, 'politician-results', async () => {
      await signIn(page, t.baseUrl, seeded.users.politician.username);
      expect(new URL(page.url()).pathname).toBe('/resultat');
      expect(await page.locator('h1').innerText()).toBe('Resultat');
      await expectAccessible(page, checked);
      const body = await page.locator('body').innerText();
      expect(body).toMatch(/betyder att uppgiften inte visas eftersom färre än 5 personer ingår/);
      // The service: 19 clients, 19 pairs; improved 7 / unchanged 7 / deteriorated 5 are all shown.
      const api = await HttpSession.signIn(t.baseUrl, seeded.users.politician.username);
      const res = await api.get('/api/v1/aggregates/municipality');
      const subject = `${seeded.phq9.id}/phq9_total`;
      const f = res.body.outcomes.find((o: any) => `${o.instrumentId}/${o.scaleId}` === subject).cells[0].figures;
      expect(f.reliablyImproved.suppressed).toBe(false);
      const table = page.locator(`table[data-outcome="${subject}"][data-scope="Hela kommunen"]`);
      expect(await table.locator('td[data-figure="nClients"]').first().innerText()).toBe(String(f.nClients));
      // Completeness 19 of 19 is shown (with 18 of 19 the one client measured only at baseline would be 19 − 18, and
      // the pairs would be hidden with every figure resting on them).
      expect(f.completeness).toMatchObject({ numerator: 19, denominator: 19, suppressed: false });
      expect(await table.locator('td[data-figure="completeness"]').first().innerText()).toContain('19 av 19');
      const improved = `${Math.round(f.reliablyImproved.value * 100)} %`;
      expect(await table.locator('td[data-figure="improved"]').first().innerText()).toBe(`${improved}\n${f.reliablyImproved.numerator} av ${f.reliablyImproved.denominator}`);
      // No unit below administration level, no client.
      expect(body).not.toContain('Vuxenenheten');
      expect(body).not.toMatch(/K-\d{6}/);
      const nav = await page.locator('nav').allInnerTexts();
      expect(nav.join(' ')).not.toMatch(/Brukare|Arbetslista|Översikt/);
      await screenshot(page, 'politician-results-desktop');
      await page.locator('#overview-heading').evaluate((el) => (el as unknown as { scrollIntoView(): void }).scrollIntoView());
      await screenshot(page, 'politician-chart-desktop');
      await page.setViewportSize(TABLET);
      await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
      await screenshot(page, 'politician-results-tablet');
      await page.setViewportSize(DESKTOP);

      // broken down by sex: men (n < 5) are hidden whole, and shown as ".."
      await page.getByRole('radio', { name: 'Kön' }).check();
      await page.getByRole('button', { name: 'Visa' }).click();
      const sex = await (await api.get('/api/v1/aggregates/municipality?breakdown=sex')).body.outcomes.find((o: any) => `${o.instrumentId}/${o.scaleId}` === subject);
      const men = sex.cells.find((c: any) => c.breakdown === 'sex:male');
      expect(men.suppressed).toBe(true);
      const menRow = table.locator('tbody tr', { hasText: 'Män' });
      expect((await menRow.locator('td[data-figure="nClients"]').innerText()).startsWith('..')).toBe(true);
      await expectAccessible(page, checked);

      await page.getByRole('link', { name: 'Rapportarkiv' }).click();
      expect(await page.locator('h1').innerText()).toBe('Rapportarkiv');
      await expectAccessible(page, checked);

      for (const path of [`/brukare/${seeded.clients[0]}`, `/oversikt/enheter/${seeded.world.unitA.id}`]) {
        const response = await page.goto(`${t.baseUrl}${path}`);
        expect(response?.status()).toBe(403);
        expect(await page.locator('body').innerText()).not.toMatch(/K-\d{6}/);
        await expectAccessible(page, checked);
      }
      expect(checked.length).toBe(5);
    }, t.logs);
  }, 240_000);
});
