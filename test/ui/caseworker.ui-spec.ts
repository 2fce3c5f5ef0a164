import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import type { TestApp } from '../utils/test-app.js';
import { DESKTOP, expectAccessible, journey, newPage, screenshot, signIn, TABLET } from './browser.js';
import { answerSteps, isoDaysAgo, seedWorld, openJourney, closeJourney } from './journey-helpers.js';

const START = Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => [`phq9_${i}`, 2])); // 18 points
const FOLLOW_UP = { ...Object.fromEntries([1, 2, 3, 4, 5, 6, 8, 9].map((i) => [`phq9_${i}`, 1])), phq9_7: 2, phq9_8: 2 }; // 11 points

describe('caseworker: records a PHQ-9 with a client and sees the chart', () => {
  let t: TestApp;
  let browser: Browser;
  let seeded: Awaited<ReturnType<typeof seedWorld>>;
  const checked: string[] = [];

  beforeAll(async () => ({ t, browser, seeded } = await openJourney(seedWorld)), 120_000);
  afterAll(() => closeJourney(t, browser));

  it('registers a client, finds them by personnummer, starts an intervention, fills in PHQ-9 twice and sees the progress chart', async () => {
    const { page, context } = await newPage(browser, TABLET);
    await journey(page, 'caseworker', async () => {
    await page.goto(`${t.baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/logga-in');
    await expectAccessible(page, checked);
    await screenshot(page, 'sign-in-tablet');

    // A wrong password: the error summary links to the field, and the page is still accessible.
    await page.getByLabel('Användarnamn').fill(seeded.users.caseworker.username);
    await page.getByLabel('Lösenord').fill('fel-lösenord');
    await page.getByRole('button', { name: 'Logga in' }).click();
    expect(await page.locator('.error-summary').innerText()).toContain('Fel användarnamn eller lösenord');
    await expectAccessible(page, checked);

    await signIn(page, t.baseUrl, seeded.users.caseworker.username);
    expect(new URL(page.url()).pathname).toBe('/arbetslista');
    expect(await page.locator('h1').innerText()).toBe('Arbetslista');
    await expectAccessible(page, checked);

    // Register a client with a personnummer; it never appears in a URL.
    await page.getByRole('link', { name: 'Brukare', exact: true }).click();
    await expectAccessible(page, checked);
    await page.getByRole('link', { name: 'Registrera brukare' }).click();
    await page.getByLabel('Personnummer (frivilligt)').fill('19121212-121');
    await page.getByRole('button', { name: 'Registrera' }).click();
    const summary = await page.locator('.error-summary').innerText();
    expect(summary).toContain('Enhet');
    await expectAccessible(page, checked);
    await screenshot(page, 'form-errors-tablet');
    await page.getByLabel('Enhet').selectOption({ label: 'Vuxenenheten' });
    await page.getByLabel('Personnummer (frivilligt)').fill('19811218-9876');
    await page.getByRole('radio', { name: 'Kvinna' }).check();
    await page.getByRole('button', { name: 'Registrera' }).click();
    expect(await page.locator('[role=status]').innerText()).toContain('Brukaren är registrerad');
    const clientUrl = page.url().split('?')[0]!;
    await expectAccessible(page, checked);

    await page.getByRole('link', { name: 'Brukare', exact: true }).click();
    await page.getByLabel('Personnummer eller samordningsnummer').fill('198112189876');
    await page.getByRole('button', { name: 'Sök' }).click();
    expect(page.url()).toBe(clientUrl);
    expect(page.url()).not.toContain('9876');

    // Start an intervention seven months ago, so the start and the first follow-up are both due.
    await page.getByRole('link', { name: 'Starta insats' }).click();
    await expectAccessible(page, checked);
    await page.getByRole('radio', { name: 'Motiverande samtal (MI)' }).check();
    await page.getByLabel('Startdatum').fill(isoDaysAgo(200));
    await page.getByRole('button', { name: 'Starta insatsen' }).click();
    expect(await page.locator('h1').innerText()).toBe('Start');
    await expectAccessible(page, checked);

    // The questionnaire: a step cannot be skipped without answers.
    await page.getByRole('link', { name: /Fyll i tillsammans med brukaren/ }).click();
    expect(await page.locator('.progress__text').innerText()).toBe('Steg 1 av 5');
    await expectAccessible(page, checked);
    await screenshot(page, 'questionnaire-step-tablet');
    await page.getByRole('button', { name: 'Nästa' }).click();
    expect(await page.locator('.error-summary').innerText()).toContain('Välj ett svar på fråga 1');
    await expectAccessible(page, checked);
    await answerSteps(page, START);
    await expectAccessible(page, checked);
    await page.getByLabel('Datum då brukaren svarade').fill(isoDaysAgo(199));
    await screenshot(page, 'questionnaire-summary-tablet');
    await page.getByRole('button', { name: 'Spara svaren' }).click();
    expect(await page.locator('.panel').innerText()).toContain('Svaren är sparade');
    expect(await page.locator('.chart-sentence').innerText()).toBe('Det här är din första skattning: 18 poäng. Nästa gång jämför vi med den.');

    // The follow-up: fill in, lose the network at the moment of saving, save again when it is back — recorded once.
    await page.goto(clientUrl);
    await page.getByRole('row', { name: /Uppföljning 1/ }).getByRole('link', { name: /Genomför/ }).click();
    await page.getByRole('link', { name: /Fyll i tillsammans med brukaren/ }).click();
    await answerSteps(page, FOLLOW_UP);
    const form = await page.locator('form[data-questionnaire]').evaluate((f) => {
      const data = new (globalThis as any).FormData(f);
      data.set('action', 'save');
      return { action: (f as any).getAttribute('action') as string, fields: Object.fromEntries(data.entries()) as Record<string, string> };
    });
    await context.setOffline(true);
    await page.getByRole('button', { name: 'Spara svaren' }).click();
    await page.locator('[data-offline-notice]').waitFor({ state: 'visible' });
    expect(await page.locator('h1').innerText()).toBe('Kontrollera svaren');
    await context.setOffline(false);
    await page.getByRole('button', { name: 'Spara svaren' }).click();
    expect(await page.locator('.panel').innerText()).toContain('Svaren är sparade');
    // The same post again (a double tap, a retry after a timeout): the same idempotency key, so the same outcome, no second response.
    const again = await page.request.post(`${t.baseUrl}${form.action}`, { form: form.fields, maxRedirects: 0 });
    expect(again.status()).toBe(303);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM response r JOIN occasion o ON o.id = r.occasion_id WHERE o.kind = 'follow_up' AND r.municipality_id = $1`,
      [seeded.world.municipalityId],
    );
    expect(n).toBe(1);

    // The progress chart: chart.js draws under the strict CSP, the table beside it has the same figures, the sentence is plain Swedish.
    expect(await page.locator('.chart-sentence').innerText()).toBe('Din skattning har sjunkit med 7 poäng sedan starten, mer än mätfelet.');
    await page.locator('.chart-box canvas').waitFor();
    const rows = await page.locator('table.table tbody tr').allInnerTexts();
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain('11');
    expect(rows[1]).toContain('−7');
    await expectAccessible(page, checked);
    await screenshot(page, 'progress-chart-tablet', true);
    await page.setViewportSize(DESKTOP);
    await screenshot(page, 'progress-chart-desktop');

    // Record that it was discussed with the client, and the decision.
    await page.getByRole('link', { name: 'Registrera att resultatet diskuterats' }).click();
    await expectAccessible(page, checked);
    await page.getByLabel('Vad sa brukaren om resultatet? (frivilligt)').fill('Sover bättre. <script>alert(1)</script>');
    await page.getByRole('button', { name: 'Spara' }).click();
    expect(await page.locator('[role=status]').innerText()).toContain('Anteckningen är sparad');
    await page.getByRole('link', { name: 'Registrera beslut om insatsen' }).click();
    await page.getByRole('button', { name: 'Spara' }).click();
    expect(await page.locator('.error-summary').innerText()).toMatch(/Ändras insatsen/);
    await expectAccessible(page, checked);
    await page.getByRole('radio', { name: 'Nej, insatsen fortsätter som förut' }).check();
    await page.getByLabel('Varför?').fill('Brukaren förbättras; vi fortsätter som planerat.');
    await page.getByRole('button', { name: 'Spara' }).click();

    // The client page: schedule, history (free text escaped), and the audit rows written by the same services as the API.
    await page.goto(clientUrl);
    expect(await page.locator('body').innerText()).toContain('Sover bättre. <script>alert(1)</script>');
    await expectAccessible(page, checked);
    await screenshot(page, 'client-desktop');
    await page.setViewportSize(TABLET);
    await screenshot(page, 'client-tablet');
    const audit = await t.dataSource.query(`SELECT action, resource FROM audit_event WHERE actor_user_id = $1`, [seeded.users.caseworker.id]);
    expect(audit).toEqual(expect.arrayContaining([
      expect.objectContaining({ action: 'create', resource: 'client' }),
      expect.objectContaining({ action: 'search', resource: 'client' }),
      expect.objectContaining({ action: 'create', resource: 'episode' }),
      expect.objectContaining({ action: 'create', resource: 'response' }),
      expect.objectContaining({ action: 'create', resource: 'follow_up_note' }),
    ]));

    // The worklist no longer lists the done occasions; the language switch keeps the page.
    await page.goto(`${t.baseUrl}/arbetslista`);
    await screenshot(page, 'worklist-tablet');
    await page.getByRole('link', { name: 'English' }).click();
    expect(await page.locator('h1').innerText()).toBe('Worklist');
    await expectAccessible(page, checked);
    await page.getByRole('link', { name: 'Svenska' }).click();

    await page.getByRole('button', { name: 'Logga ut' }).click();
    expect(await page.locator('[role=status]').innerText()).toContain('Du är utloggad');
    await page.goto(clientUrl);
    expect(new URL(page.url()).pathname).toBe('/logga-in');
    expect(checked.length).toBeGreaterThan(15);
    }, t.logs);
  }, 240_000);
});
