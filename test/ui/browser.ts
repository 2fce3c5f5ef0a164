import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { TEST_PASSWORD } from '../factories/world.factory.js';

/** Debian's Chromium (installed by .ci/run with apt); playwright never downloads a browser here. */
export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const TABLET = { width: 768, height: 1024 };
export const DESKTOP = { width: 1366, height: 900 };

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const SCREENSHOT_DIR = new URL('../../docs/screenshots/', import.meta.url);

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

export async function newPage(browser: Browser, viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return { context, page };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core's WCAG 2.1 A and AA rules on the page as it is now; returns the violations (none expected). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, which the page's strict CSP (rightly) does not let a <script> do.
  // (The callbacks run in the browser; globalThis there is the window, which this Node project has no types for.)
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const g = globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: unknown[] }> }; document: unknown };
    return g.axe.run(g.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
  });
  return (result.violations as AxeViolation[]).map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
  }));
}

/** Asserts axe finds nothing, naming the page and each violation when it does. */
export async function expectAccessible(page: Page, checked: string[]): Promise<void> {
  const violations = await axeViolations(page);
  checked.push(new URL(page.url()).pathname);
  if (violations.length > 0) {
    throw new Error(`axe found ${violations.length} WCAG 2.1 AA violation(s) on ${page.url()}:\n${JSON.stringify(violations, null, 2)}`);
  }
}

/** A PNG of the page in docs/screenshots/ (the viewport only, so files stay small). */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOT_DIR).pathname, fullPage, animations: 'disabled' });
}

export async function signIn(page: Page, baseUrl: string, username: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/logga-in`);
  await page.getByLabel('Användarnamn').fill(username);
  await page.getByLabel('Lösenord').fill(password);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForLoadState('load');
}

/** Runs a journey; on failure leaves the page's last state in /tmp (PNG and HTML) to look at. */
export async function journey(page: Page, name: string, steps: () => Promise<void>, logs: string[] = []): Promise<void> {
  try {
    await steps();
  } catch (e) {
    await page.screenshot({ path: `/tmp/ui-${name}-failure.png`, fullPage: true }).catch(() => undefined);
    writeFileSync(`/tmp/ui-${name}-failure.html`, await page.content().catch(() => ''));
    writeFileSync(`/tmp/ui-${name}-failure.log`, logs.filter((l) => /"level":(40|50)/.test(l)).join(''));
    throw e;
  }
}
