import { expect, it } from '@jest/globals';
import type { Page, WebSocketRoute } from 'playwright-core';
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

itBrowser('a reconnect re-watches the open conversation in place: no "Loading…", the transcript never blanks, the draft stays', async () => {
  const candidate = await ChatClient.connect(suite.app.url);
  const words = 'reconnect in place check';
  await candidate.say(words);
  await eventually(() => candidate.conversationId !== '', 'the conversation');

  const page = await (await suite.browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  const seen = watchPage(page);
  await signIn(page);
  // Through a route that forwards every frame and counts the console's conversation:watch
  // requests and their acknowledgements (frames `42/console,<id>[...]` and `43/console,<id>[...]`).
  const sockets: WebSocketRoute[] = [];
  const watches = new Set<string>();
  let acked = 0;
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    const server = ws.connectToServer();
    sockets.push(ws);
    ws.onMessage((m) => {
      const asked = typeof m === 'string' ? /^42\/console,(\d+)\["conversation:watch"/.exec(m) : null;
      if (asked) watches.add(`${sockets.length}:${asked[1]}`);
      server.send(m);
    });
    server.onMessage((m) => {
      const answer = typeof m === 'string' ? /^43\/console,(\d+)\[/.exec(m) : null;
      if (answer && watches.has(`${sockets.length}:${answer[1]}`)) acked += 1;
      ws.send(m);
    });
  });
  await page.goto(`${suite.app.url}/console#/conversations/${encodeURIComponent(candidate.conversationId)}`);
  await page.reload(); // a hash change alone keeps the socket opened before the route
  await page.locator('#transcript .msg--candidate', { hasText: words }).waitFor();
  await page.locator('#connection-status', { hasText: 'Live' }).waitFor();
  await eventually(() => acked >= 1, 'the first watch answered');
  await page.click('#takeover');
  await page.fill('#composer-input', 'half-written reply');
  // From here on, record whether the thread ever shows "Loading…" or an empty transcript.
  await page.evaluate(() => {
    const w = window as unknown as { flicker: string[] };
    w.flicker = [];
    new MutationObserver(() => {
      if (document.querySelector('.thread__header .skeleton')) w.flicker.push('Loading…');
      if (document.querySelectorAll('#transcript .msg--candidate').length === 0) w.flicker.push('blank transcript');
    }).observe(document.body, { childList: true, subtree: true });
  });
  const before = acked;
  await sockets[sockets.length - 1]!.close();
  await eventually(() => sockets.length >= 2, 'the console reconnects');
  await page.locator('#connection-status', { hasText: 'Live' }).waitFor();
  await eventually(() => acked > before, 'the conversation re-watched after the reconnect');
  // The re-watch's answer is rendered in the same task that receives it; one frame later the DOM is settled.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  await expect(page.evaluate(() => (window as unknown as { flicker: string[] }).flicker)).resolves.toEqual([]);
  await expect(page.inputValue('#composer-input')).resolves.toBe('half-written reply');
  await expect(page.locator('#transcript .msg--candidate', { hasText: words }).count()).resolves.toBe(1);
  expect(seen.errors).toEqual([]);
  candidate.socket.close();
}, 120_000);
