/**
 * Typing indicators both ways, in Chromium: a web chat candidate typing on the real chat page
 * shows "... is typing" in the console for that conversation (and goes when they stop); the
 * operator typing in the composer shows the typing line on the candidate's chat page.
 */
import { expect, it } from '@jest/globals';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { hashSecret } from '../../channels/webchat/index.js';
import { watchPage } from '../support/browser.js';
import { consoleBrowserSuite, signInConsole } from '../support/console-browser.js';
import { eventually } from '../support/harness.js';

// Screenshots go to the test output; UPDATE_DOC_SCREENSHOTS=1 refreshes the guide's (docs/img).
const IMG_DIR = process.env.UPDATE_DOC_SCREENSHOTS === '1' ? new URL('../../docs/img/', import.meta.url).pathname : join(tmpdir(), 'parley-doc-screenshots/');
const suite = consoleBrowserSuite();
const itBrowser = suite.hasChromium ? it : it.skip;

async function openChat(): Promise<{ chat: Page; conversationId: string }> {
  const chat = await (await suite.browser.newContext()).newPage();
  await chat.goto(`${suite.app.url}/chat`);
  await chat.locator('#status', { hasText: 'Online' }).waitFor();
  await chat.fill('#input', 'hi');
  await chat.press('#input', 'Enter');
  let secret: string | null = null;
  await eventually(async () => (secret = await chat.evaluate(() => localStorage.getItem('parley.webchat.sessionId'))) !== null, 'the chat session');
  let conversationId = '';
  await eventually(async () => {
    const session = await suite.app.parley.ports.webchatSessions.find(hashSecret(secret!));
    conversationId = session ? ((await suite.app.parley.store.findConversationByRef({ channel: 'webchat', externalId: session.publicId }))?.id ?? '') : '';
    return conversationId !== '';
  }, 'the conversation');
  return { chat, conversationId };
}

itBrowser('a web chat candidate typing shows in the console, and the operator typing shows on the chat page', async () => {
  const { chat, conversationId } = await openChat();
  const page = await (await suite.browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  const seen = [watchPage(page), watchPage(chat)];
  await signInConsole(page, suite.app.url);
  await page.goto(`${suite.app.url}/console#/conversations/${encodeURIComponent(conversationId)}`);
  await page.locator('#transcript .msg--candidate', { hasText: 'hi' }).first().waitFor();
  const typing = page.locator('.thread .typing');
  expect(await typing.isHidden()).toBe(true);

  // The candidate types (without sending): the console names it for this conversation.
  await chat.locator('.msg--bot').first().waitFor();
  await chat.type('#input', 'I have a ques');
  await page.locator('.thread .typing[data-who="candidate"]', { hasText: 'is typing' }).waitFor();
  // They clear the box: the chat page says it stopped, and the console's line goes.
  await chat.fill('#input', '');
  await chat.dispatchEvent('#input', 'input');
  await typing.waitFor({ state: 'hidden' });

  // The operator takes over and types: the candidate's chat page shows the typing line.
  await page.click('#takeover');
  const chatTyping = chat.locator('#typing-text');
  await chatTyping.waitFor({ state: 'hidden' });
  await page.type('#composer-input', 'Sure, ask me');
  await chatTyping.filter({ hasText: 'is typing' }).waitFor();
  await page.screenshot({ path: `${IMG_DIR}console-typing.png` });
  for (const s of seen) expect(s.errors).toEqual([]);
}, 120_000);
