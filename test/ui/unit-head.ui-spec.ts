import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';
import { DESKTOP, expectAccessible, journey, launchBrowser, newPage, screenshot, signIn, TABLET } from './browser.js';
import { seedResults } from './journey-helpers.js';

describe('unit head: the dashboard, drill-down, evidence panel and notes', () => {
  let t: TestApp;
  let browser: Browser;
  let seeded: Awaited<ReturnType<typeof seedResults>>;
  let api: HttpSession;
  const checked: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    browser = await launchBrowser();
    seeded = await seedResults(t.dataSource);
    api = await HttpSession.signIn(t.baseUrl, seeded.users.unitHead.username);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const subject = () => `${seeded.phq9.id}/phq9_total`;
  /** The PHQ-9 outcome of a scope as the API (the same AggregatesService) gives it. */
  async function serviceOutcome(path: string) {
    const res = await api.get(`/api/v1/aggregates/${path}`);
    expect(res.status).toBe(200);
    return res.body.outcomes.find((o: any) => `${o.instrumentId}/${o.scaleId}` === subject()).cells.find((c: any) => c.breakdown === 'all').figures;
  }
  /** The first row (all) of the PHQ-9 means table on the page. */
  async function pageFigure(page: Page, figure: string) {
    return page.locator(`table[data-outcome="${subject()}"]`).first().locator(`tbody tr >> nth=0 >> td[data-figure="${figure}"]`).innerText();
  }

  it('opens the dashboard, drills down from the municipality to a unit and a group, answers the evidence panel and writes a note', async () => {
    const { page } = await newPage(browser, DESKTOP);
    await journey(page, 'unit-head', async () => {
      await signIn(page, t.baseUrl, seeded.users.unitHead.username);
      expect(new URL(page.url()).pathname).toBe('/oversikt');
      expect(await page.locator('h1').innerText()).toBe('Hela kommunen');
      expect(await page.locator('.freshness').innerText()).toContain('Siffrorna är beräknade');
      await expectAccessible(page, checked);
      const municipality = await serviceOutcome('municipality');
      expect(await pageFigure(page, 'nClients')).toBe(String(municipality.nClients));
      expect(await pageFigure(page, 'completeness')).toContain(`${municipality.nPairs} av ${municipality.nClients}`);
      expect(await page.locator('body').innerText()).toContain('Har brukarnas situation förändrats efter insatsen?');
      await screenshot(page, 'dashboard-desktop');
      await page.locator('#q3').scrollIntoViewIfNeeded();
      await page.locator('#q3').evaluate((el) => (el as unknown as { scrollIntoView(): void }).scrollIntoView());
      await screenshot(page, 'dashboard-change-desktop');
      await page.setViewportSize(TABLET);
      await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
      await screenshot(page, 'dashboard-tablet');
      await page.locator('#q1').evaluate((el) => (el as unknown as { scrollIntoView(): void }).scrollIntoView());
      await screenshot(page, 'dashboard-needs-tablet');
      await page.setViewportSize(DESKTOP);

      // municipality → administration → unit
      await page.locator('.drill-list').getByRole('link', { name: 'Socialförvaltningen' }).click();
      expect(await page.locator('h1').innerText()).toBe('Socialförvaltningen');
      await page.locator('.drill-list').getByRole('link', { name: 'Vuxenenheten' }).click();
      expect(await page.locator('h1').innerText()).toBe('Vuxenenheten');
      expect(await page.locator('.breadcrumbs').innerText()).toContain('Hela kommunen');
      await expectAccessible(page, checked);
      const unit = await serviceOutcome(`units/${seeded.world.unitA.id}`);
      expect(await pageFigure(page, 'nClients')).toBe(String(unit.nClients));
      expect(unit.nClients).toBe(6);
      expect(await pageFigure(page, 'completeness')).toContain(`${unit.nPairs} av 6`);
      const improved = `${Math.round(unit.reliablyImproved.value * 100)} %`;
      expect(await page.locator('td[data-figure="improved"]').first().innerText()).toContain(improved);
      // own unit: the way on to the clients
      expect(await page.getByRole('link', { name: 'Brukarna i dina enheter' }).count()).toBe(1);

      // breakdown by sex, without JavaScript's help: a GET form
      await page.getByRole('radio', { name: 'Kön' }).check();
      await page.getByRole('button', { name: 'Visa' }).click();
      expect(await page.locator(`table[data-outcome="${subject()}"]`).first().innerText()).toContain('Kvinnor');
      await expectAccessible(page, checked);

      // unit → group
      await page.locator('.drill-list').getByRole('link', { name: 'Samtalsgrupp dagtid' }).click();
      expect(await page.locator('h1').innerText()).toBe('Samtalsgrupp dagtid');
      const group = await serviceOutcome(`groups/${seeded.groupId}`);
      expect(await pageFigure(page, 'nClients')).toBe(String(group.nClients));
      expect(group.nClients).toBe(4);
      await expectAccessible(page, checked);
      await page.locator('.breadcrumbs').getByRole('link', { name: 'Vuxenenheten' }).click();

      // the element 10/11 panel, with a hand answer
      await page.getByRole('link', { name: /Element 10 och 11/ }).first().click();
      expect(await page.locator('h1').innerText()).toContain('element 10 och 11');
      expect(await page.locator('tr[data-question="10.3"]').innerText()).toContain('Ja');
      expect(await page.locator('tr[data-question="10.7"]').innerText()).toContain('Obesvarad');
      await expectAccessible(page, checked);
      await page.getByRole('button', { name: 'Spara svaret' }).click();
      expect(await page.locator('.error-summary').innerText()).toContain('Fråga');
      await expectAccessible(page, checked);
      await page.getByLabel('Fråga', { exact: true }).selectOption('10.7');
      await page.getByRole('radio', { name: 'Delvis' }).check();
      await page.getByLabel(/Kommentar/).fill('Rapport till nämnden en gång om året.');
      await page.getByRole('button', { name: 'Spara svaret' }).click();
      expect(await page.locator('[role=status]').innerText()).toContain('Svaret är sparat');
      expect(await page.locator('tr[data-question="10.7"]').innerText()).toContain('Delvis');
      await expectAccessible(page, checked);

      // a staff-meeting note, errors first
      await page.getByRole('link', { name: 'Tillbaka till översikten' }).click();
      await page.getByRole('link', { name: 'Skriv en anteckning' }).click();
      await expectAccessible(page, checked);
      await page.getByRole('button', { name: 'Spara anteckningen' }).click();
      expect(await page.locator('.error-summary').innerText()).toContain('Vad diskuterades');
      await expectAccessible(page, checked);
      await page.getByLabel('Vad diskuterades eller beslutades?').fill('Vi gick igenom andelen förbättrade på PHQ-9.');
      await page.getByRole('button', { name: 'Spara anteckningen' }).click();
      expect(new URL(page.url()).pathname).toBe(`/oversikt/enheter/${seeded.world.unitA.id}`);
      expect(await page.locator('#notes').locator('..').innerText()).toContain('Vi gick igenom andelen förbättrade på PHQ-9.');
      await expectAccessible(page, checked);
      expect(checked.length).toBeGreaterThanOrEqual(10);
    }, t.logs);
  }, 240_000);
});
