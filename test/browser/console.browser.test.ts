import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_ROLES } from '../../bin/app.js';
import { intakePrompt, intakeSlice } from '../../bots/intake/index.js';
import { hashSecret } from '../../channels/webchat/index.js';
import { ChatClient, eventually, startParley, type TestParley } from '../support/harness.js';
import { chromiumAvailable, launchChromium, watchPage } from '../support/browser.js';
import { signInConsole } from '../support/console-browser.js';

const hasChromium = chromiumAvailable();
const describeBrowser = hasChromium ? describe : describe.skip;
const EMAIL = 'admin@acme.test';
const PASSWORD = 'correct-horse-battery';
let app: TestParley;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  app = await startParley({ PARLEY_ADMIN_EMAIL: EMAIL, PARLEY_ADMIN_PASSWORD: PASSWORD });
  // Until the interview plugin provides it, the pending question comes from intake (the real one).
  app.parley.services.pendingPrompt ??= (c) => intakePrompt(intakeSlice.read(c), DEFAULT_ROLES);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

function signIn(page: Page): Promise<void> {
  return signInConsole(page, app.url, { email: EMAIL, password: PASSWORD });
}

/** The candidate's chat page in its own browser context; returns its conversation id. */
async function openChat(first: string): Promise<{ chat: Page; conversationId: string; seen: ReturnType<typeof watchPage> }> {
  const chat = await (await browser.newContext()).newPage();
  const seen = watchPage(chat);
  await chat.goto(`${app.url}/chat`);
  await chat.locator('#status', { hasText: 'Online' }).waitFor();
  // The first message starts the chat: only then is the session kept (and a conversation created).
  await say(chat, first);
  let secret: string | null = null;
  await eventually(async () => (secret = await chat.evaluate(() => localStorage.getItem('parley.webchat.sessionId'))) !== null, 'the chat session');
  const session = await app.parley.ports.webchatSessions.find(hashSecret(secret!));
  const conversation = await app.parley.store.findConversationByRef({ channel: 'webchat', externalId: session!.publicId });
  return { chat, conversationId: conversation!.id, seen };
}

async function say(chat: Page, text: string): Promise<void> {
  await chat.fill('#input', text);
  await chat.press('#input', 'Enter');
}

describeBrowser('operator console in Chromium', () => {
  it('signs in, sees a web chat candidate live, takes over, replies to their chat page, and hands back', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    const consoleSeen = watchPage(page);
    await signIn(page);
    const { chat, conversationId, seen: chatSeen } = await openChat('hi');

    await chat.locator('.msg--bot', { hasText: 'Do you agree to continue?' }).waitFor();
    const row = page.locator(`.conv[data-id="${conversationId}"]`);
    await row.waitFor();
    await say(chat, 'yes');
    await chat.locator('.msg--bot', { hasText: 'What is your name?' }).waitFor();
    await row.locator('.conv__preview', { hasText: 'What is your name?' }).waitFor();

    await row.locator('button').click();
    await page.locator('#transcript .msg--candidate', { hasText: 'hi' }).first().waitFor();
    await page.click('#takeover');
    await page.locator('#mode', { hasText: 'You are handling this' }).waitFor();
    // The candidate is told who joined (the operator's display name), as a notice in the chat.
    await chat.locator('.notice', { hasText: 'Admin from the recruiting team has joined the chat.' }).waitFor();
    const botBefore = await chat.locator('.msg--bot').count();

    await say(chat, 'Is the salary negotiable?');
    await page.locator('#transcript .msg--candidate', { hasText: 'Is the salary negotiable?' }).waitFor();
    // The turn recorded and nothing left to send: a bot reply would have been queued by now.
    await eventually(async () => (await app.parley.store.listPendingInbound()).length === 0 && app.parley.engine.queueDepth() === 0, 'the turn to be recorded');
    expect(await chat.locator('.msg--bot').count()).toBe(botBefore);

    await page.fill('#composer-input', 'Yes, we can talk about it on a call.');
    await page.press('#composer-input', 'Enter');
    const relayed = chat.locator('.msg--operator', { hasText: 'Yes, we can talk about it on a call.' });
    await relayed.waitFor();
    // The recruiter's name and initials, written here (the first admin is named "Admin").
    expect(await relayed.locator('.msg__author').textContent()).toBe('AAdmin · Recruiter');
    await page.locator('#transcript .msg--operator', { hasText: 'Yes, we can talk about it on a call.' }).locator('.msg__status', { hasText: 'sent' }).waitFor();

    await page.click('#handback');
    await page.fill('#handback-summary', 'Salary question answered');
    await page.click('#confirm-handback');
    await page.locator('#mode', { hasText: 'Bot is handling' }).waitFor();
    // Written here, not asked of the code under test: who left, then intake's pending question.
    await chat.locator('.notice', { hasText: "Admin has left the chat. I'll take it from here." }).waitFor();
    await chat.locator('.msg--bot', { hasText: 'What is your name?' }).nth(1).waitFor();
    expect(await chat.locator('.msg--bot').count()).toBe(botBefore + 1);
    await page.click('.tab[data-tab=timeline]');
    await page.locator('#timeline', { hasText: 'handed back to the bot: Salary question answered' }).waitFor();

    await page.screenshot({ path: '/tmp/parley-console-browser.png' });
    expect([consoleSeen, chatSeen]).toEqual([{ dialogs: [], errors: [] }, { dialogs: [], errors: [] }]);
  });

  it('renders a candidate message with HTML as plain text', async () => {
    const page = await (await browser.newContext()).newPage();
    const consoleSeen = watchPage(page);
    await signIn(page);
    const evil = '<img src=x onerror=alert(1)>';
    const { chat, conversationId, seen: chatSeen } = await openChat(evil);
    await chat.locator('.msg--bot', { hasText: 'Do you agree' }).waitFor();

    const row = page.locator(`.conv[data-id="${conversationId}"]`);
    await row.locator('button').click();
    const shown = page.locator('#transcript .msg--candidate .msg__text').first();
    await shown.waitFor();
    expect(await shown.textContent()).toBe(evil);
    expect(await shown.isVisible()).toBe(true);
    expect(await page.locator('#transcript img, #conversation-list img').count()).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(consoleSeen.dialogs).toEqual([]);
    expect(chatSeen.dialogs).toEqual([]);
  });

  it('shows the connection going down and catches up on what it missed when it comes back', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page);
    const candidate = await ChatClient.connect(app.url);
    await candidate.ask('hi', /Do you agree/);
    await page.locator(`.conv[data-id="${candidate.conversationId}"] button`).click();
    await page.locator('#transcript .msg--candidate', { hasText: 'hi' }).waitFor();

    await context.setOffline(true);
    app.parley.io.of('/console').disconnectSockets();
    await page.locator('#connection-status', { hasText: /Reconnecting|Offline/ }).waitFor();
    await candidate.ask('Are you still there?', /./);
    // The server has pushed everything about that turn (the console feed included): a page that
    // still got it would show it now.
    await app.parley.engine.idle();
    expect(await page.locator('#transcript .msg--candidate', { hasText: 'Are you still there?' }).count()).toBe(0);

    await context.setOffline(false);
    await page.locator('#connection-status', { hasText: 'Live' }).waitFor({ timeout: 15_000 });
    await page.locator('#transcript .msg--candidate', { hasText: 'Are you still there?' }).waitFor();
    candidate.close();
  });

  it('shows the funnel dashboard, and the WhatsApp Web pairing QR code while pairing is needed', async () => {
    const previous = app.parley.services.whatsappWeb;
    app.parley.services.whatsappWeb = () => ({ status: 'waiting-for-qr-scan', qr: '2@pairing-ref,public-key,identity-key,adv-secret' });
    try {
      const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
      const seen = watchPage(page);
      await signIn(page);
      const pairing = page.locator('#whatsapp-pairing');
      await pairing.locator('img[alt="WhatsApp Web pairing QR code"]').waitFor();
      expect(await pairing.textContent()).toContain('Linked devices');
      // The QR image really decodes as an image (an SVG the browser laid out at its size).
      expect(await pairing.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

      await page.click('.nav__item[data-view=funnel]');
      await page.locator('#dashboard .kpi__label', { hasText: 'Candidates' }).waitFor();
      // Earlier tests in this file brought candidates in through the chat page.
      const total = (await app.parley.store.listCandidates()).length;
      expect(total).toBeGreaterThan(0);
      await page.locator('#dashboard .kpi').first().locator('.kpi__value', { hasText: String(total) }).waitFor();
      expect(await page.locator('#dashboard svg').count()).toBeGreaterThan(0);
      expect(seen).toEqual({ dialogs: [], errors: [] });
    } finally {
      app.parley.services.whatsappWeb = previous;
    }
  });
});
