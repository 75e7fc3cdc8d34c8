/**
 * The console page opts in to batched pushes (issue 13: `auth.batch`, see
 * operator-console/live/broadcaster.ts) and still updates live, in Chromium: the new
 * conversation's row and its previews, the open transcript, and another operator's typing (which
 * still comes as its own event). Its socket gets no single broadcast pushes any more, so every
 * live update below came out of a `batch`.
 */
import { expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { hashSecret } from '../../channels/webchat/index.js';
import { addOperator } from '../../operator-console/index.js';
import { ConsoleClient, login } from '../../operator-console/testing.js';
import { watchPage } from '../support/browser.js';
import { consoleBrowserSuite, signInConsole } from '../support/console-browser.js';
import { eventually } from '../support/harness.js';

const suite = consoleBrowserSuite();
// Under Jest's 30 s test timeout, so a live update that never comes fails naming what it waited for.
const LIVE = { timeout: 15_000 };
const itBrowser = suite.hasChromium ? it : it.skip;

async function say(chat: Page, text: string): Promise<void> {
  await chat.fill('#input', text);
  await chat.press('#input', 'Enter');
}

itBrowser('the console page receives its pushes in batches and shows them live', async () => {
  const { app, browser } = suite;
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  const seen = watchPage(page);
  // The Socket.IO frames the page receives on its console socket.
  const frames: string[] = [];
  page.on('websocket', (ws) => {
    if (ws.url().includes('/socket.io/')) ws.on('framereceived', (f) => frames.push(String(f.payload)));
  });
  await signInConsole(page, app.url);
  const sockets = () => [...app.parley.io.of('/console').sockets.values()];
  expect(sockets().map((s) => s.data.batch)).toEqual([true]);

  // A candidate starts a chat: the list gets its row, then its previews, live.
  const chat = await (await browser.newContext()).newPage();
  await chat.goto(`${app.url}/chat`);
  await chat.locator('#status', { hasText: 'Online' }).waitFor();
  await say(chat, 'hi');
  await chat.locator('.msg--bot', { hasText: 'Do you agree to continue?' }).waitFor();
  let secret: string | null = null;
  await eventually(async () => (secret = await chat.evaluate(() => localStorage.getItem('parley.webchat.sessionId'))) !== null, 'the chat session');
  const session = await app.parley.ports.webchatSessions.find(hashSecret(secret!));
  const conversationId = (await app.parley.store.findConversationByRef({ channel: 'webchat', externalId: session!.publicId }))!.id;
  const row = page.locator(`.conv[data-id="${conversationId}"]`);
  await row.waitFor(LIVE);
  await say(chat, 'yes');
  await row.locator('.conv__preview', { hasText: 'What is your name?' }).waitFor(LIVE);

  // The open conversation's transcript follows the chat.
  await row.locator('button').click();
  await page.locator('#transcript .msg--candidate', { hasText: 'hi' }).first().waitFor();
  await say(chat, 'Lee Park');
  await page.locator('#transcript .msg--candidate', { hasText: 'Lee Park' }).waitFor(LIVE);

  // Another operator types in it: relayed on its own to the page's (batched) socket.
  await addOperator(app.parley.ports.operators, { email: 'ana@acme.test', name: 'Ana Recruiter', role: 'recruiter', password: 'correct-horse-battery' }, new Date());
  const ana = await ConsoleClient.connect(app.url, (await login(app.url, 'ana@acme.test', 'correct-horse-battery')).token);
  try {
    await ana.ok('conversation:watch', { conversationId });
    ana.socket.emit('typing', { conversationId });
    await page.locator('.thread .typing', { hasText: 'Ana Recruiter is typing' }).waitFor(LIVE);
  } finally {
    ana.close();
  }

  // What came to the page: batches, and no single broadcast push.
  const events = frames.filter((f) => f.startsWith('42/console,')).map((f) => (JSON.parse(f.slice('42/console,'.length)) as [string])[0]);
  expect(events).toContain('batch');
  expect(events.filter((e) => !['batch', 'hello', 'typing'].includes(e))).toEqual([]);
  expect(seen.errors).toEqual([]);
});
