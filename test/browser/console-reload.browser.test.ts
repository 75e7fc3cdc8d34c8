import { expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { watchPage } from '../support/browser.js';
import { consoleBrowserSuite, signInConsole } from '../support/console-browser.js';
import { ChatClient, eventually } from '../support/harness.js';

const suite = consoleBrowserSuite();
const itBrowser = suite.hasChromium ? it : it.skip;

function signIn(page: Page): Promise<void> {
  return signInConsole(page, suite.app.url);
}

for (const viewport of [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
]) {
  itBrowser(`reloading on a conversation's deep link shows that conversation every time, ten times in a row (${viewport.width}x${viewport.height})`, async () => {
    const candidate = await ChatClient.connect(suite.app.url);
    const words = `deep link check ${viewport.width}`;
    await candidate.say(words);
    await eventually(() => candidate.conversationId !== '', 'the conversation');

    const page = await (await suite.browser.newContext({ viewport })).newPage();
    const seen = watchPage(page);
    await signIn(page);
    // Half of the reloads get a socket that connects only after the page has asked for the
    // conversation (a slow network): the race the old console lost.
    let slow = false;
    await page.routeWebSocket(/\/socket\.io\//, async (ws) => {
      if (slow) await new Promise((r) => setTimeout(r, 1500));
      ws.connectToServer();
    });
    const deepLink = `${suite.app.url}/console#/conversations/${encodeURIComponent(candidate.conversationId)}`;
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
