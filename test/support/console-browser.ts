import { afterAll, beforeAll } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium } from './browser.js';
import { startParley, type TestParley } from './harness.js';

/** The first admin every console browser suite signs in as. */
export const CONSOLE_ADMIN = { email: 'admin@acme.test', password: 'correct-horse-battery' } as const;

export interface ConsoleBrowserSuite {
  /** False where Chromium is missing (the suite is skipped, or fails under CI=true). */
  readonly hasChromium: boolean;
  /** The running Parley (set in beforeAll). */
  readonly app: TestParley;
  /** The shared headless Chromium (set in beforeAll). */
  readonly browser: Browser;
}

/**
 * A console browser suite's fixtures: a Parley with a known first admin and one Chromium,
 * started before the file's tests and stopped after them.
 *
 * @example
 * const suite = consoleBrowserSuite();
 * const itBrowser = suite.hasChromium ? it : it.skip;
 * itBrowser('...', async () => { const page = await suite.browser.newPage(); await signInConsole(page, suite.app.url); });
 */
export function consoleBrowserSuite(env: Record<string, string> = {}): ConsoleBrowserSuite {
  const hasChromium = chromiumAvailable();
  let app: TestParley | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!hasChromium) return;
    app = await startParley({ PARLEY_ADMIN_EMAIL: CONSOLE_ADMIN.email, PARLEY_ADMIN_PASSWORD: CONSOLE_ADMIN.password, ...env });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });
  return {
    hasChromium,
    get app() {
      if (!app) throw new Error('the console suite has not started (no Chromium?)');
      return app;
    },
    get browser() {
      if (!browser) throw new Error('the console suite has not started (no Chromium?)');
      return browser;
    },
  };
}

/** Sign in to the console at `url` and wait until its live feed says Live. */
export async function signInConsole(page: Page, url: string, account: { email: string; password: string } = CONSOLE_ADMIN): Promise<void> {
  await page.goto(`${url}/console`);
  await page.fill('#email', account.email);
  await page.fill('#password', account.password);
  await page.click('button[type=submit]');
  await page.locator('#connection-status', { hasText: 'Live' }).waitFor();
}

/**
 * Where a console test writes its screenshots (created): the test output, or the guide's
 * `docs/img/` when `UPDATE_DOC_SCREENSHOTS=1` refreshes them.
 */
export function docScreenshotDir(): string {
  const dir = process.env.UPDATE_DOC_SCREENSHOTS === '1' ? new URL('../../docs/img/', import.meta.url).pathname : join(tmpdir(), 'parley-doc-screenshots/');
  mkdirSync(dir, { recursive: true });
  return dir;
}
