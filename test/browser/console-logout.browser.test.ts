import { expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { api } from '../../operator-console/testing.js';
import { watchPage } from '../support/browser.js';
import { consoleBrowserSuite, signInConsole } from '../support/console-browser.js';

const suite = consoleBrowserSuite();
const itBrowser = suite.hasChromium ? it : it.skip;

/** A console signed in, in its own browser context (another device); returns its page and token. */
async function signedIn(): Promise<{ page: Page; token: string }> {
  const page = await (await suite.browser.newContext()).newPage();
  await signInConsole(page, suite.app.url);
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
  for (const token of [laptop.token, phone.token]) expect((await api(suite.app.url, token, '/auth/me')).status).toBe(401);
  expect(seen.errors).toEqual([]);
}, 120_000);
