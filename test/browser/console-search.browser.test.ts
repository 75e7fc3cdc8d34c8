import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium, watchPage } from '../support/browser.js';
import { ChatClient, eventually, startParley, type TestParley } from '../support/harness.js';

const hasChromium = chromiumAvailable();
const itBrowser = hasChromium ? it : it.skip;
const EMAIL = 'admin@acme.test';
const PASSWORD = 'correct-horse-battery';
// Screenshots go to the test output; UPDATE_DOC_SCREENSHOTS=1 refreshes the guide's (docs/img).
const IMG_DIR = process.env.UPDATE_DOC_SCREENSHOTS === '1' ? new URL('../../docs/img/', import.meta.url).pathname : join(tmpdir(), 'parley-doc-screenshots/');
let app: TestParley;
let browser: Browser;
let conversationId: string;

beforeAll(async () => {
  if (!hasChromium) return;
  mkdirSync(IMG_DIR, { recursive: true });
  app = await startParley({ PARLEY_ADMIN_EMAIL: EMAIL, PARLEY_ADMIN_PASSWORD: PASSWORD });
  browser = await launchChromium();
  // An old message with the word in its middle, then newer ones: the list preview never shows it.
  const candidate = await ChatClient.connect(app.url);
  for (const line of ['hi', 'I moved to Kreuzberg in Berlin two years ago and I love the area', 'yes', 'the salary matters less than the team', 'ok thanks']) await candidate.say(line);
  await eventually(() => candidate.conversationId !== '', 'the conversation');
  conversationId = candidate.conversationId;
  await eventually(async () => (await app.parley.store.listMessages(conversationId)).filter((m) => m.direction === 'in').length === 5, 'every message stored');
  candidate.socket.close();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

for (const viewport of [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
]) {
  itBrowser(`search finds a word from the middle of an old message, highlighted, and opens the conversation (${viewport.width}x${viewport.height})`, async () => {
    const page = await (await browser.newContext({ viewport })).newPage();
    const seen = watchPage(page);
    await page.goto(`${app.url}/console`);
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.locator('#connection-status', { hasText: 'Live' }).waitFor();
    await page.locator(`.conv[data-id="${conversationId}"] .conv__preview`).waitFor();
    await expect(page.locator(`.conv[data-id="${conversationId}"] .conv__preview`).textContent()).resolves.not.toContain('Kreuzberg');

    await page.fill('input[aria-label="Search conversations"]', 'kreuzb');
    const hit = page.locator(`#search-results .hit[data-id="${conversationId}"]`);
    await hit.locator('mark', { hasText: 'Kreuzberg' }).waitFor();
    await expect(hit.getAttribute('data-kind')).resolves.toBe('message');
    // The conversation stays in the list although its last message does not contain the word.
    await page.locator(`.conv[data-id="${conversationId}"]`).waitFor();
    await page.screenshot({ path: join(IMG_DIR, `console-search-${viewport.width}.png`) });

    await hit.locator('button').click();
    await page.locator('#transcript .msg--candidate', { hasText: 'I moved to Kreuzberg' }).waitFor();
    expect(page.url()).toContain(`#/conversations/${encodeURIComponent(conversationId)}`);
    expect(seen.errors).toEqual([]);
  }, 120_000);
}
