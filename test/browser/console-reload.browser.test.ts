import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium, watchPage } from '../support/browser.js';
import { ChatClient, eventually, startParley, type TestParley } from '../support/harness.js';

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

async function signIn(page: Page): Promise<void> {
  await page.goto(`${app.url}/console`);
  await page.fill('#email', EMAIL);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.locator('#connection-status', { hasText: 'Live' }).waitFor();
}

for (const viewport of [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
]) {
  itBrowser(`reloading on a conversation's deep link shows that conversation every time, ten times in a row (${viewport.width}x${viewport.height})`, async () => {
    const candidate = await ChatClient.connect(app.url);
    const words = `deep link check ${viewport.width}`;
    await candidate.say(words);
    await eventually(() => candidate.conversationId !== '', 'the conversation');

    const page = await (await browser.newContext({ viewport })).newPage();
    const seen = watchPage(page);
    await signIn(page);
    // Half of the reloads get a socket that connects only after the page has asked for the
    // conversation (a slow network): the race the old console lost.
    let slow = false;
    await page.routeWebSocket(/\/socket\.io\//, async (ws) => {
      if (slow) await new Promise((r) => setTimeout(r, 1500));
      ws.connectToServer();
    });
    const deepLink = `${app.url}/console#/conversations/${encodeURIComponent(candidate.conversationId)}`;
    await page.goto(deepLink);
    for (let i = 0; i < 10; i++) {
      slow = i % 2 === 0;
      await page.reload();
      await page.locator('#transcript .msg--candidate', { hasText: words }).waitFor({ timeout: 30_000 });
      await page.locator('#connection-status', { hasText: 'Live' }).waitFor();
      await expect(page.locator('.thread__header .form-error').count()).resolves.toBe(0);
      await expect(page.locator('.thread__header .skeleton').count()).resolves.toBe(0);
    }
    expect(seen.errors).toEqual([]);
    candidate.socket.close();
  }, 240_000);
}
