/**
 * Getting the operator's attention, in Chromium: desktop notifications asked for on a click
 * (Chromium's permission granted by the test) and shown naming the candidate; the sound toggle,
 * remembered across a reload; the unread count in the tab title and on the favicon.
 */
import { expect, it } from '@jest/globals';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { watchPage } from '../support/browser.js';
import { consoleBrowserSuite, signInConsole } from '../support/console-browser.js';
import { ChatClient } from '../support/harness.js';

// Screenshots go to the test output; UPDATE_DOC_SCREENSHOTS=1 refreshes the guide's (docs/img).
const IMG_DIR = process.env.UPDATE_DOC_SCREENSHOTS === '1' ? new URL('../../docs/img/', import.meta.url).pathname : join(tmpdir(), 'parley-doc-screenshots/');
const suite = consoleBrowserSuite();
const itBrowser = suite.hasChromium ? it : it.skip;

/** Records what the page asks of the Notification API and how many tones it synthesises, calling the real ones. */
const SPY = `(() => {
  const Real = window.Notification;
  window.__shown = []; window.__asked = 0; window.__tones = 0;
  class Spy extends Real { constructor(title, opts) { super(title, opts); window.__shown.push({ title, body: opts && opts.body }); } }
  Object.defineProperty(Spy, 'permission', { get: () => Real.permission });
  Spy.requestPermission = (...a) => { window.__asked += 1; return Real.requestPermission(...a); };
  window.Notification = Spy;
  const osc = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function (...a) { window.__tones += 1; return osc.apply(this, a); };
})();`;

type Spied = { __shown: { title: string; body?: string }[]; __asked: number; __tones: number };
const spied = (page: Page) => page.evaluate((): Spied => { const w = window as unknown as Spied; return { __shown: w.__shown, __asked: w.__asked, __tones: w.__tones }; });
const shown = (page: Page) => page.evaluate(() => (window as unknown as Spied).__shown);

itBrowser('desktop notifications asked on a click and shown with the candidate\'s name; sound remembered; unread count in the title and favicon', async () => {
  const { app } = suite;
  const context = await suite.browser.newContext({ viewport: { width: 1366, height: 768 } });
  await context.addInitScript(SPY);
  const page = await context.newPage();
  const seen = watchPage(page);
  await signInConsole(page, app.url);

  // Nothing is asked before the operator clicks.
  const desktop = page.locator('#notify-desktop');
  expect(await desktop.getAttribute('data-permission')).toBe('default');
  expect((await spied(page)).__asked).toBe(0);
  await context.grantPermissions(['notifications'], { origin: app.url });
  await desktop.click();
  await page.locator('#notify-desktop[data-permission="granted"]', { hasText: 'Desktop alerts on' }).waitFor();
  expect((await spied(page)).__asked).toBe(1);

  // Sound on, remembered after a reload.
  await page.click('#notify-sound');
  await page.locator('#notify-sound[aria-pressed="true"]').waitFor();
  await page.reload();
  await page.locator('#connection-status', { hasText: 'Live' }).waitFor();
  await page.locator('#notify-sound[aria-pressed="true"]').waitFor();
  expect((await spied(page)).__tones).toBe(0);

  // A new candidate: a desktop notification and a chime.
  const c = await ChatClient.connect(app.url);
  await c.ask('hi', /Do you agree/);
  await page.waitForFunction(() => (window as unknown as Spied).__shown.some((n) => /new candidate/i.test(n.title)));
  expect((await spied(page)).__tones).toBeGreaterThan(0);
  await c.ask('Yes, continue', /What is your name/);
  await c.ask('Marta Nowak', /Which role/);
  await c.say('Python Developer');
  await page.waitForFunction(() => (window as unknown as Spied).__shown.some((n) => n.title === 'Marta Nowak wrote' && n.body === 'Python Developer'));

  // Four unread candidate messages: in the title and on the favicon.
  await page.waitForFunction(() => document.title.startsWith('(4) '));
  expect(await page.locator('link[rel="icon"]').getAttribute('data-unread')).toBe('4');
  expect(await page.locator('link[rel="icon"]').getAttribute('href')).toMatch(/^data:image\/png;base64,/);
  await page.screenshot({ path: `${IMG_DIR}console-notify.png` });

  // Reading the conversation clears them.
  await page.goto(`${app.url}/console#/conversations/${encodeURIComponent(c.conversationId)}`);
  await page.waitForFunction(() => !/^\(\d+\) /.test(document.title) && document.title.includes('Marta Nowak'));
  expect(await page.locator('link[rel="icon"]').getAttribute('data-unread')).toBe('0');
  expect((await shown(page)).length).toBeGreaterThan(0);
  expect(seen.errors).toEqual([]);
  c.close();
}, 120_000);
