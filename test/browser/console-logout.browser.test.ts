import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { api } from '../../operator-console/testing.js';
import { chromiumAvailable, launchChromium, watchPage } from '../support/browser.js';
import { startParley, type TestParley } from '../support/harness.js';

const hasChromium = chromiumAvailable();
const itBrowser = hasChromium ? it : it.skip;
const EMAIL = 'admin@acme.test';
const PASSWORD = 'correct-horse-battery';
let app: TestParley;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  app = await startParley({ PARLEY_ADMIN_EMAIL: EMAIL, PARLEY_ADMIN_PASSWORD: PASSWORD });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** A console signed in, in its own browser context (another device); returns its page and token. */
async function signedIn(): Promise<{ page: Page; token: string }> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${app.url}/console`);
  await page.fill('#email', EMAIL);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.locator('#connection-status', { hasText: 'Live' }).waitFor();
  const token = await page.evaluate(() => (JSON.parse(localStorage.getItem('parley.console.session') ?? '{}') as { token: string }).token);
  return { page, token };
}

itBrowser('the Sign out button ends the session on the server: the token is refused and the same operator\'s other open console is sent to sign-in', async () => {
  const laptop = await signedIn();
  const phone = await signedIn();
  const seen = watchPage(laptop.page);

  await laptop.page.click('button[aria-label="Sign out"]');
  await laptop.page.locator('#email').waitFor();
  expect(await laptop.page.evaluate(() => localStorage.getItem('parley.console.session'))).toBeNull();

  // The other device is closed by the server and says why.
  await phone.page.locator('.form-error', { hasText: 'Your session has ended' }).waitFor({ timeout: 30_000 });
  for (const token of [laptop.token, phone.token]) expect((await api(app.url, token, '/auth/me')).status).toBe(401);
  expect(seen.errors).toEqual([]);
}, 120_000);
