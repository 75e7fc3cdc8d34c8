/**
 * Keyboard shortcuts in Chromium: j / k move through the list as shown, t takes over, r focuses
 * the composer, h hands back, / goes to the search box, ? lists them (Escape closes); and none of
 * them fires while the operator types in a box.
 */
import { expect, it } from '@jest/globals';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { watchPage } from '../support/browser.js';
import { consoleBrowserSuite, signInConsole } from '../support/console-browser.js';
import { ChatClient, eventually } from '../support/harness.js';

// Screenshots go to the test output; UPDATE_DOC_SCREENSHOTS=1 refreshes the guide's (docs/img).
const IMG_DIR = process.env.UPDATE_DOC_SCREENSHOTS === '1' ? new URL('../../docs/img/', import.meta.url).pathname : join(tmpdir(), 'parley-doc-screenshots/');
const suite = consoleBrowserSuite();
const itBrowser = suite.hasChromium ? it : it.skip;

const selected = (page: Page) => page.evaluate(() => document.querySelector('#conversation-list .conv--selected')?.getAttribute('data-id') ?? null);
const rows = (page: Page) => page.evaluate(() => [...document.querySelectorAll('#conversation-list .conv[data-id]')].map((r) => r.getAttribute('data-id')));
const blur = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
const active = (page: Page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.className || '');

itBrowser('j / k / t / r / h / / / ? work from the keyboard and never while typing', async () => {
  const { app } = suite;
  const candidates: ChatClient[] = [];
  for (const text of ['hi', 'hello', 'hey']) {
    const c = await ChatClient.connect(app.url);
    await c.ask(text, /Do you agree/);
    candidates.push(c);
  }
  const page = await (await suite.browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  const seen = watchPage(page);
  await signInConsole(page, app.url);
  await eventually(async () => (await rows(page)).length === 3, 'three rows');
  const order = await rows(page);

  await page.keyboard.press('j');
  await page.waitForFunction((id) => location.hash === '#/conversations/' + encodeURIComponent(id!), order[0]);
  await page.keyboard.press('j');
  await page.waitForFunction((id) => location.hash === '#/conversations/' + encodeURIComponent(id!), order[1]);
  await page.keyboard.press('k');
  await page.waitForFunction((id) => location.hash === '#/conversations/' + encodeURIComponent(id!), order[0]);
  expect(await selected(page)).toBe(order[0]);

  await page.keyboard.press('t');
  await page.locator('#mode', { hasText: 'You are handling this' }).waitFor();
  await page.locator('#composer-input').waitFor();
  await blur(page); // focus off the composer
  await page.keyboard.press('r');
  expect(await active(page)).toBe('composer-input');

  // Typing in the composer: letters are text, not shortcuts.
  await page.keyboard.type('just typing jkth?');
  expect(await page.inputValue('#composer-input')).toBe('just typing jkth?');
  expect(await selected(page)).toBe(order[0]);
  expect(await page.locator('#shortcuts').count()).toBe(0);
  await page.fill('#composer-input', '');

  await blur(page);
  await page.keyboard.press('h');
  await page.locator('#handback-summary').waitFor();
  await page.click('#confirm-handback');
  await page.locator('#takeover').waitFor();

  await page.keyboard.press('/');
  expect(await active(page)).toContain('search__input');
  await page.keyboard.type('j');
  expect(await page.inputValue('.search__input')).toBe('j');
  expect(await page.evaluate(() => location.hash)).toBe('#/conversations/' + encodeURIComponent(order[0]!));
  await page.fill('.search__input', '');
  await blur(page);

  await page.keyboard.press('?');
  const overlay = page.locator('#shortcuts');
  await overlay.waitFor();
  for (const label of ['Next conversation', 'Previous conversation', 'Take over', 'Hand back', 'focus the composer', 'Search conversations']) await overlay.getByText(label).waitFor();
  await page.screenshot({ path: `${IMG_DIR}console-shortcuts.png` });
  // While the list is open, the inbox does not move underneath it.
  await page.keyboard.press('j');
  expect(await selected(page)).toBe(order[0]);
  await page.keyboard.press('Escape');
  await overlay.waitFor({ state: 'detached' });
  expect(seen.errors).toEqual([]);
  for (const c of candidates) c.close();
}, 120_000);
