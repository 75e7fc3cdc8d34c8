/**
 * The candidate's widget on a plain careers page, in Chromium: branding and greeting, keyboard
 * open/close with focus management, the unread badge and preview when a recruiter writes while it
 * is closed, full screen on a phone, a message typed during an outage sent once after Parley
 * restarts, and an axe-core scan with no serious or critical violations.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, Frame, Page } from 'playwright-core';
import { createParley, type Parley } from '../../bin/app.js';
import { loadConfig } from '../../bin/config.js';
import { silentLogger } from '../../core/ports/index.js';
import { eventually, TEST_METRICS_TOKEN } from '../support/harness.js';
import { chromiumAvailable, launchChromium, watchPage } from '../support/browser.js';
import { embeddedDb } from '../support/embedded.js';

const hasChromium = chromiumAvailable();
const describeBrowser = hasChromium ? describe : describe.skip;
const EMAIL = 'admin@acme.test';
const PASSWORD = 'correct-horse-battery';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser: Browser;
let careers: Server;
let parley: Parley | undefined;
let dataDir = '';
let parleyPort = 0;

const careersOrigin = () => `http://localhost:${(careers.address() as AddressInfo).port}`;
const parleyUrl = () => `http://127.0.0.1:${parleyPort}`;

/** Parley on a fixed data folder; the same port again after a restart. */
async function startParleyHere(): Promise<void> {
  const config = loadConfig({
    PORT: '1',
    HOST: '127.0.0.1',
    PARLEY_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    PARLEY_COMPANY_NAME: 'Acme',
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    INTERVIEW_ANSWER_QUIET_MS: '0',
    WEBCHAT_IP_RATE_LIMIT: '100000',
    WEBCHAT_NEW_SESSIONS_PER_IP: '100000',
    // Low enough for the retry test to hit it; the other tests send at most two per session.
    WEBCHAT_RATE_LIMIT: '3',
    PARLEY_ADMIN_EMAIL: EMAIL,
    PARLEY_ADMIN_PASSWORD: PASSWORD,
    WEBCHAT_FRAME_ANCESTORS: careersOrigin(),
    WEBCHAT_COMPANY_NAME: 'Acme Robotics',
    WEBCHAT_ACCENT_COLOR: '#0b6e4f',
    WEBCHAT_AVAILABILITY: 'Recruiters reply Mon-Fri, 9 to 5',
  });
  parley = await createParley({ ...config, PORT: parleyPort }, { log: silentLogger });
  await parley.start();
  parleyPort = Number(new URL(parley.url).port);
}

beforeAll(async () => {
  if (!hasChromium) return;
  dataDir = mkdtempSync(join(tmpdir(), 'parley-widget-'));
  // A careers page on its own origin with the documented tag and its data-* options.
  careers = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(
      `<!doctype html><html lang="en"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Careers at Acme</title><main><h1>Join us</h1><p>We build robots.</p></main>` +
        `<script src="${parleyUrl()}/widget.js" async data-label="Chat with Acme recruiting" data-position="left" data-role="Python Developer"></script></html>`,
    );
  });
  await new Promise<void>((resolve) => careers.listen(0, '127.0.0.1', resolve));
  await startParleyHere();
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await parley?.stop();
  careers?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** The careers page in a fresh browser profile, and the chat frame once it is online. */
async function careersPage(viewport?: { width: number; height: number }): Promise<{ page: Page; chat: Frame; seen: ReturnType<typeof watchPage> }> {
  // Reduced motion: the panel is where it belongs at once (and the CSS honours the preference).
  const context = await browser.newContext(viewport ? { viewport, isMobile: true, hasTouch: true, reducedMotion: 'reduce' } : {});
  const page = await context.newPage();
  const seen = watchPage(page);
  await page.goto(careersOrigin() + '/');
  await page.locator('#parley-widget').waitFor({ state: 'attached' });
  let chat: Frame | undefined;
  await eventually(() => (chat = page.frames().find((f) => f.url().includes('/chat?embed=1'))) !== undefined, 'the chat frame');
  await chat!.locator('#status', { hasText: 'Online' }).waitFor({ state: 'attached', timeout: 20_000 });
  return { page, chat: chat!, seen };
}

const launcher = (page: Page) => page.locator('#parley-widget button.launcher');
const panel = (page: Page) => page.locator('#parley-widget .panel');
/** The element focused inside the widget's shadow root: its class, or null. */
const widgetFocus = (page: Page) => page.evaluate(() => document.getElementById('parley-widget')?.shadowRoot?.activeElement?.className ?? null);

async function say(chat: Frame, text: string): Promise<void> {
  await chat.locator('#input').fill(text);
  await chat.locator('#input').press('Enter');
}

/**
 * The conversation of the chat that just talked. Incognito Chromium blocks storage in third-party
 * frames, so the session secret is not readable there: the newest web chat message tells (one chat
 * talks at a time in this file).
 */
function latestWebchatConversation(): string {
  const row = embeddedDb(parley!).prepare("SELECT conversation_id AS id FROM messages WHERE channel = 'webchat' ORDER BY seq DESC LIMIT 1").get() as { id: string };
  return row.id;
}

/** POST to the console's REST API (`/api/v1/auth/login`) or the public API's operator actions. */
async function api(path: string, token: string, body?: unknown): Promise<Record<string, unknown>> {
  const base = path.startsWith('/auth/') ? '/api/v1' : '/api/public/v1';
  const res = await fetch(`${parleyUrl()}${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body ?? {}),
  });
  const text = await res.text();
  const json = (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : { text: text.slice(0, 200) }) as Record<string, unknown>;
  expect({ path, status: res.status < 300 ? 'ok' : json }).toEqual({ path, status: 'ok' });
  return json;
}

describeBrowser('the candidate widget on a careers page', () => {
  it('greets in the company brand and opens and closes with the keyboard alone, moving focus', async () => {
    const { page, chat, seen } = await careersPage();
    // A real icon, not an emoji (which renders as a box without an emoji font).
    expect(await launcher(page).locator('svg').count()).toBe(1);
    expect((await launcher(page).textContent())?.trim()).toBe('');
    expect(await launcher(page).getAttribute('aria-label')).toBe('Chat with Acme recruiting');
    expect(await panel(page).isVisible()).toBe(false);
    // data-position="left".
    const box = (await launcher(page).boundingBox())!;
    expect(box.x).toBeLessThan(100);

    await page.keyboard.press('Tab');
    expect(await widgetFocus(page)).toBe('launcher');
    await page.keyboard.press('Enter');
    await panel(page).waitFor({ state: 'visible' });
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('true');
    await eventually(async () => (await chat.evaluate(() => document.activeElement?.id)) === 'input', 'focus in the message box');

    expect(await chat.locator('#company').textContent()).toBe('Acme Robotics');
    expect(await chat.locator('#availability').textContent()).toBe('Recruiters reply Mon-Fri, 9 to 5');
    const greeting = await chat.locator('.msg--greeting').textContent();
    expect(greeting).toContain("Acme Robotics's recruiting assistant");
    expect(greeting).toContain('Python Developer');
    // The accent colour from WEBCHAT_ACCENT_COLOR on the header and the launcher.
    expect(await chat.locator('.chat__header').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(11, 110, 79)');
    expect(await launcher(page).evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(11, 110, 79)');

    await page.keyboard.type('hi');
    await page.keyboard.press('Enter');
    await chat.locator('.msg--bot', { hasText: 'Do you agree to continue?' }).waitFor({ timeout: 20_000 });
    const mine = chat.locator('.msg--candidate', { hasText: 'hi' });
    await mine.locator('.msg__state', { hasText: 'Sent' }).waitFor();
    expect(await mine.locator('time').count()).toBe(1);

    // Escape inside the chat minimises it and gives focus back to the launcher.
    await page.keyboard.press('Escape');
    await panel(page).waitFor({ state: 'hidden' });
    await eventually(async () => (await widgetFocus(page)) === 'launcher', 'focus back on the launcher');
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('false');
    expect(seen).toEqual({ dialogs: [], errors: [] });
  }, 90_000);

  it('shows an unread badge and a preview when a recruiter writes while it is closed, with their name once open', async () => {
    const { page, chat } = await careersPage();
    await launcher(page).click();
    await say(chat, 'hi');
    await chat.locator('.msg--bot', { hasText: 'Do you agree to continue?' }).waitFor({ timeout: 20_000 });
    const conversationId = latestWebchatConversation();
    await chat.locator('#minimise').click();
    await panel(page).waitFor({ state: 'hidden' });

    const login = await api('/auth/login', '', { email: EMAIL, password: PASSWORD });
    const token = login.token as string;
    const name = (login.operator as { name: string }).name;
    await api(`/conversations/${conversationId}/takeover`, token);
    await api(`/conversations/${conversationId}/messages`, token, { text: 'Hello, I read your answers: when can you talk?' });

    // The join notice and the message: two unread.
    const badge = page.locator('#parley-widget .badge');
    await badge.filter({ hasText: '2' }).waitFor({ timeout: 20_000 });
    expect(await launcher(page).getAttribute('aria-label')).toBe('Chat with Acme recruiting (2 unread messages)');
    const preview = page.locator('#parley-widget .preview');
    expect(await preview.textContent()).toContain('when can you talk?');
    expect(await preview.textContent()).toContain(name);

    await preview.click();
    await panel(page).waitFor({ state: 'visible' });
    expect(await badge.isVisible()).toBe(false);
    expect(await preview.isVisible()).toBe(false);
    expect(await chat.locator('.notice').first().textContent()).toBe(`${name} from the recruiting team has joined the chat.`);
    const fromRecruiter = chat.locator('.msg--operator', { hasText: 'when can you talk?' });
    expect(await fromRecruiter.locator('.msg__author').innerText()).toMatch(new RegExp(`${name} · Recruiter$`));
    expect(await fromRecruiter.locator('.msg__avatar').textContent()).toBe(name.split(/\s+/).map((w) => w[0]!.toUpperCase()).slice(0, 2).join(''));
  }, 90_000);

  it('takes the whole screen on a phone, and its close button brings the launcher back', async () => {
    const { page, chat } = await careersPage({ width: 390, height: 844 });
    await launcher(page).tap();
    await panel(page).waitFor({ state: 'visible' });
    expect(await panel(page).boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    expect(await launcher(page).isVisible()).toBe(false);
    await chat.locator('#close').tap();
    await panel(page).waitFor({ state: 'hidden' });
    expect(await launcher(page).isVisible()).toBe(true);
  }, 90_000);

  it('has no serious or critical axe-core violations, closed and open, in the page and in the chat', async () => {
    const { page, chat } = await careersPage();
    await launcher(page).click();
    await say(chat, 'hi');
    await chat.locator('.msg--bot', { hasText: 'Do you agree to continue?' }).waitFor({ timeout: 20_000 });
    type Violation = { id: string; impact: string | null; nodes: { target: unknown }[] };
    const scan = async (where: Page | Frame): Promise<Violation[]> => {
      // Contrast is judged on the settled page: a message still fading in (160 ms) is half transparent.
      await where.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
      await where.evaluate(AXE_SOURCE);
      const result = await where.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: Violation[] }> } }).axe;
        return (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, iframes: false })).violations;
      });
      return result.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => ({ target: n.target })) }));
    };
    expect(await scan(chat)).toEqual([]);
    expect(await scan(page)).toEqual([]);
    await chat.locator('#minimise').click();
    await panel(page).waitFor({ state: 'hidden' });
    expect(await scan(page)).toEqual([]);
  }, 120_000);

  it('marks a refused message "Not sent" with the reason and a Retry button that sends it once', async () => {
    const { page, chat } = await careersPage();
    await launcher(page).click();
    for (const text of ['hi', 'one', 'two']) await say(chat, text);
    await chat.locator('.msg--candidate', { hasText: 'two' }).locator('.msg__state', { hasText: 'Sent' }).waitFor({ timeout: 20_000 });
    await say(chat, 'three, too fast');
    const refused = chat.locator('.msg--candidate', { hasText: 'three, too fast' });
    await refused.locator('.msg__state', { hasText: 'Not sent' }).waitFor({ timeout: 20_000 });
    expect(await chat.locator('#error').textContent()).toBe('You are sending messages too quickly. Please wait a few seconds.');
    const conversationId = latestWebchatConversation();
    // The limit's window slides: Retry until it is taken (each refused try leaves it "Not sent").
    const retry = refused.getByRole('button', { name: /^Retry sending/ });
    await eventually(
      async () => {
        const state = await refused.getAttribute('data-state');
        if (state === 'failed') {
          await new Promise((r) => setTimeout(r, 250)); // pace the retries, not a wait for an outcome
          await retry.click();
        }
        return state === 'sent';
      },
      'the retried message to be sent',
      40_000,
    );
    const stored = (await parley!.store.listMessages(conversationId, { limit: 100 })).filter((m) => m.direction === 'in' && m.text === 'three, too fast');
    expect(stored).toHaveLength(1);
    expect(await refused.locator('.msg__retry').count()).toBe(0);
  }, 90_000);

  it('queues a message typed while Parley is down and sends it once when Parley is back', async () => {
    const { page, chat } = await careersPage();
    await launcher(page).click();
    await say(chat, 'hi');
    await chat.locator('.msg--bot', { hasText: 'Do you agree to continue?' }).waitFor({ timeout: 20_000 });
    const conversationId = latestWebchatConversation();
    const botBefore = await chat.locator('.msg--bot:not(.msg--greeting)').count();

    await parley!.stop();
    parley = undefined;
    await chat.locator('#status', { hasText: 'Reconnecting' }).waitFor({ timeout: 20_000 });
    await say(chat, 'yes I agree');
    const queued = chat.locator('.msg--candidate', { hasText: 'yes I agree' });
    await queued.locator('.msg__state', { hasText: 'Waiting for connection' }).waitFor();

    await startParleyHere();
    await queued.locator('.msg__state', { hasText: 'Sent' }).waitFor({ timeout: 30_000 });
    await chat.locator('#status', { hasText: 'Online' }).waitFor();
    // The bot answered it (the next intake question follows the consent).
    await eventually(async () => (await chat.locator('.msg--bot:not(.msg--greeting)').count()) > botBefore, `the bot to answer the queued message: ${(await chat.locator('#log').innerText()).slice(-400)}`, 30_000);
    const stored = (await parley!.store.listMessages(conversationId, { limit: 100 })).filter((m) => m.direction === 'in' && m.text === 'yes I agree');
    expect(stored).toHaveLength(1);
    expect(await chat.locator('.msg--candidate', { hasText: 'yes I agree' }).count()).toBe(1);
  }, 120_000);
});
