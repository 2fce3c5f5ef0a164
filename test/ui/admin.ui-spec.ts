import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import type { TestApp } from '../utils/test-app.js';
import { DESKTOP, expectAccessible, journey, newPage, screenshot, signIn, TABLET } from './browser.js';
import { seedWorld, openJourney, closeJourney } from './journey-helpers.js';

const text = (s: string) => ({ sv: s, en: s });
/** A municipality's own instrument (customer-supplied licence), small enough to read in a test. */
function definition(code: string, version = 1) {
  return {
    code,
    version,
    name: { sv: 'Trivsel i boendet', en: 'Well-being at home' },
    description: text('Två frågor om hur brukaren trivs i sitt boende.'),
    licence: { kind: 'customer_supplied' },
    languageNote: { swedishText: 'validated_translation', note: text('Kommunens egen text.') },
    items: ['Jag trivs där jag bor', 'Jag känner mig trygg hemma'].map((q, i) => ({
      id: `q${i + 1}`,
      text: text(q),
      type: 'likert',
      required: true,
      options: ['Stämmer inte alls', 'Stämmer delvis', 'Stämmer helt'].map((label, value) => ({ value, label: text(label) })),
    })),
    scales: [{ id: 'total', name: text('Trivsel, summa'), items: ['q1', 'q2'], scoring: 'sum', maxMissing: 0, direction: 'higher_is_better' }],
    citations: [],
  };
}

describe('admin: creates an instrument, a new version, a method and its plan', () => {
  let t: TestApp;
  let browser: Browser;
  let seeded: Awaited<ReturnType<typeof seedWorld>>;
  const checked: string[] = [];

  beforeAll(async () => ({ t, browser, seeded } = await openJourney(seedWorld)), 120_000);
  afterAll(() => closeJourney(t, browser));

  it('shows JSON and validation errors beside the textarea, then saves', async () => {
    const { page } = await newPage(browser, DESKTOP);
    await journey(page, 'admin', async () => {
      await signIn(page, t.baseUrl, seeded.users.admin.username);
      expect(new URL(page.url()).pathname).toBe('/admin');
      await expectAccessible(page, checked);
      await page.getByRole('link', { name: 'Formulär', exact: true }).first().click();
      await expectAccessible(page, checked);
      await screenshot(page, 'instruments-desktop');
      await page.getByRole('link', { name: 'Skapa formulär' }).click();
      await expectAccessible(page, checked);

      const code = `trivsel_${seeded.world.suffix.replace(/-/g, '')}`;
      await page.getByLabel('Definition (JSON)').fill('{ "code": "x",\n  oops }');
      await page.getByRole('button', { name: 'Skapa formuläret' }).click();
      expect(await page.locator('#definition-error').innerText()).toContain('rad 2');
      await expectAccessible(page, checked);

      const broken = { ...definition(code), scales: [{ ...definition(code).scales[0], items: ['q1', 'q9'] }] };
      await page.getByLabel('Definition (JSON)').fill(JSON.stringify(broken, null, 2));
      await page.getByRole('button', { name: 'Skapa formuläret' }).click();
      expect(await page.locator('#definition-error').innerText()).toContain('q9');
      expect(await page.locator('.error-summary a').first().getAttribute('href')).toBe('#definition');
      await expectAccessible(page, checked);
      await screenshot(page, 'instrument-errors-desktop');

      await page.getByLabel('Definition (JSON)').fill(JSON.stringify(definition(code), null, 2));
      await page.getByRole('button', { name: 'Skapa formuläret' }).click();
      expect(await page.locator('h1').innerText()).toBe('Trivsel i boendet');
      expect(await page.locator('[role=status]').innerText()).toContain('version 1');
      await expectAccessible(page, checked);

      await page.getByRole('link', { name: 'Skapa ny version' }).click();
      const prefilled = JSON.parse(await page.getByLabel('Definition (JSON)').inputValue());
      expect(prefilled.version).toBe(2);
      await page.getByLabel('Definition (JSON)').fill(JSON.stringify({ ...definition(code, 2), description: text('Reviderad text.') }, null, 2));
      await page.getByRole('button', { name: 'Spara ny version' }).click();
      expect(await page.locator('[role=status]').innerText()).toContain('version 2');

      // A method and its measurement plan, using the new instrument at follow-up.
      await page.getByRole('link', { name: 'Arbetssätt', exact: true }).first().click();
      await page.getByRole('link', { name: 'Nytt arbetssätt' }).click();
      await page.getByRole('button', { name: 'Spara arbetssättet' }).click();
      expect(await page.locator('.error-summary').innerText()).toContain('Namn');
      await expectAccessible(page, checked);
      await page.getByLabel('Namn').fill('Boendestöd');
      await page.getByLabel('Kod').fill(`BS-${seeded.world.suffix}`);
      await page.getByRole('radio', { name: 'Inte bedömt' }).check();
      await page.getByRole('button', { name: 'Spara arbetssättet' }).click();
      expect(await page.locator('h1').innerText()).toBe('Boendestöd');
      await page.getByRole('link', { name: 'Ny mätplan' }).click();
      await page.locator('#start-phq9').check();
      await page.locator(`#follow_up-${code}`).check();
      await expectAccessible(page, checked);
      await page.setViewportSize(TABLET);
      await screenshot(page, 'plan-tablet');
      await page.getByRole('button', { name: 'Spara mätplanen' }).click();
      expect(await page.locator('body').innerText()).toContain(code);
      await expectAccessible(page, checked);
      expect(checked.length).toBeGreaterThanOrEqual(9);
    }, t.logs);
  }, 240_000);
});
