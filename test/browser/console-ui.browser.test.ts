import { expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { watchPage } from '../support/browser.js';
import { consoleBrowserSuite, signInConsole } from '../support/console-browser.js';
import { ChatClient, eventually } from '../support/harness.js';

const suite = consoleBrowserSuite();
const itBrowser = suite.hasChromium ? it : it.skip;

async function signIn(viewport: { width: number; height: number }): Promise<Page> {
  const page = await (await suite.browser.newContext({ viewport })).newPage();
  await signInConsole(page, suite.app.url);
  return page;
}

function overlaps(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

for (const viewport of [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
]) {
  itBrowser(`Escape closes the notification panel, toasts never cover the composer, the note box is cleared after saving (${viewport.width}x${viewport.height})`, async () => {
    const candidate = await ChatClient.connect(suite.app.url);
    await candidate.say('hello there');
    await eventually(() => candidate.conversationId !== '', 'the conversation');
    const page = await signIn(viewport);
    const seen = watchPage(page);

    await page.click('#notification-bell, button[aria-label^="Notifications"]');
    await page.locator('#notification-panel').waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await page.locator('#notification-panel').waitFor({ state: 'hidden' });

    await page.goto(`${suite.app.url}/console#/conversations/${encodeURIComponent(candidate.conversationId)}`);
    await page.locator('#transcript .msg--candidate', { hasText: 'hello there' }).waitFor();
    await page.click('#takeover');
    const toast = page.locator('.toast', { hasText: 'You are now handling this conversation' });
    await toast.waitFor();
    await page.locator('#composer-send').scrollIntoViewIfNeeded();
    for (const target of ['#composer-send', '#composer-input']) {
      const [t, c] = [await toast.boundingBox(), await page.locator(target).boundingBox()];
      expect(t && c).toBeTruthy();
      expect({ target, overlaps: overlaps(t!, c!) }).toEqual({ target, overlaps: false });
    }

    // The note panel (on a phone: opened from the conversation header).
    const notesTab = page.locator('.tab[data-tab="notes"]');
    if (!(await notesTab.isVisible())) await page.click('#details-toggle');
    await notesTab.click();
    await page.fill('#note-input', 'Prefers a call after 6pm');
    await page.click('.note-form button[type=submit]');
    await page.locator('#notes .note__text', { hasText: 'Prefers a call after 6pm' }).waitFor();
    await expect(page.locator('#note-input').inputValue()).resolves.toBe('');
    expect(seen.errors).toEqual([]);
    candidate.socket.close();
  }, 120_000);
}

for (const viewport of [
  { width: 390, height: 844 },
  { width: 360, height: 740 },
]) {
  itBrowser(`on a phone (${viewport.width}x${viewport.height}): no sideways scroll, Take over in view, the details panel reachable, back to the list`, async () => {
    const candidate = await ChatClient.connect(suite.app.url);
    await candidate.say('hi from my phone');
    await eventually(() => candidate.conversationId !== '', 'the conversation');
    const page = await signIn(viewport);
    const seen = watchPage(page);
    const noSidewaysScroll = async (where: string) => {
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect({ where, fits: widths.scroll <= widths.client, ...widths }).toEqual(expect.objectContaining({ where, fits: true }));
    };
    const inView = async (selector: string) => {
      // Found and measured in one step in the page: a live update re-draws the header, and a box
      // asked of the element it replaced is null (`boundingBox()` resolves, then measures).
      const box = await page.locator(selector).evaluate((el) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height, hidden: getComputedStyle(el).visibility === 'hidden' };
      });
      expect({ selector, shown: box.width > 0 && box.height > 0 && !box.hidden }).toEqual({ selector, shown: true });
      expect({ selector, inside: box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height }).toEqual({ selector, inside: true });
    };

    const row = page.locator(`.conv[data-id="${candidate.conversationId}"]`);
    await row.waitFor();
    await noSidewaysScroll('list');
    await row.locator('button').click();
    await page.locator('#transcript .msg--candidate', { hasText: 'hi from my phone' }).waitFor();
    await expect(page.locator('#conversation-list').isVisible()).resolves.toBe(false);
    await noSidewaysScroll('conversation');
    await inView('#takeover');
    await page.screenshot({ path: `${process.env.TMPDIR ?? '/tmp'}/console-phone-${viewport.width}.png` });

    await page.click('#details-toggle');
    await page.locator('.tab[data-tab="notes"]').click();
    await inView('#note-input');
    await noSidewaysScroll('details');
    await page.keyboard.press('Escape');
    await page.locator('#note-input').waitFor({ state: 'hidden' });

    await page.click('#takeover');
    await page.locator('#mode', { hasText: 'You are handling this' }).waitFor();
    await inView('#composer-send');
    await noSidewaysScroll('composer');

    await page.click('#back-to-list');
    await row.waitFor({ state: 'visible' });
    expect(seen.errors).toEqual([]);
    candidate.socket.close();
  }, 120_000);
}
