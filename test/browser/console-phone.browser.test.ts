/**
 * The console on a phone (390x844, issue 19): no horizontal scroll; the sound and desktop
 * notification controls are reachable from the top bar's "More" menu; the Team view stacks each
 * operator instead of scrolling a table sideways. And the failing-jobs banner (issue 14) shows
 * a scheduled job that keeps failing.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { PLUGINS } from '../../bin/plugins/index.js';
import { chromiumAvailable, launchChromium, watchPage } from '../support/browser.js';
import { CONSOLE_ADMIN, signInConsole } from '../support/console-browser.js';
import { api, login } from '../../operator-console/testing.js';
import { eventually, startParley, type TestParley } from '../support/harness.js';
import { brokenJob } from '../support/test-plugins.js';

const hasChromium = chromiumAvailable();
const itBrowser = hasChromium ? it : it.skip;

let app: TestParley;
let browser: Browser;
beforeAll(async () => {
  if (!hasChromium) return;
  app = await startParley({ PARLEY_ADMIN_EMAIL: CONSOLE_ADMIN.email, PARLEY_ADMIN_PASSWORD: CONSOLE_ADMIN.password, JOBS_PROCESS_EVERY_MS: '50', JOBS_MAX_RETRIES: '0' }, { plugins: [...PLUGINS, brokenJob] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const noSideScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
/** Inside the viewport and not hidden: a phone user can see and tap it. */
const onScreen = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= window.innerWidth && r.top >= 0 && r.bottom <= window.innerHeight;
  }, selector);

itBrowser('at 390x844: no sideways scroll, notification controls in the More menu, Team rows stacked', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const seen = watchPage(page);
  await signInConsole(page, app.url);
  expect(await noSideScroll(page)).toBe(true);

  // Hidden in the bar, reachable from More.
  expect(await onScreen(page, '#notify-sound')).toBe(false);
  expect(await onScreen(page, '#topbar-more')).toBe(true);
  await page.click('#topbar-more');
  await page.locator('#notify-sound').waitFor({ state: 'visible' });
  expect(await onScreen(page, '#notify-sound')).toBe(true);
  expect(await onScreen(page, '#notify-desktop')).toBe(true);
  await page.click('#notify-sound');
  await page.locator('#notify-sound[aria-pressed="true"]').waitFor();
  await page.keyboard.press('Escape');
  await page.locator('#notify-sound').waitFor({ state: 'hidden' });

  // Team: nothing scrolls sideways, in the page or inside the card.
  await page.goto(`${app.url}/console#/team`);
  await page.locator('tr.member').first().waitFor();
  expect(await noSideScroll(page)).toBe(true);
  expect(await page.evaluate(() => [...document.querySelectorAll('.team-scroll')].every((el) => el.scrollWidth <= el.clientWidth))).toBe(true);
  expect(await onScreen(page, 'tr.member .member__role')).toBe(true);
  // Stacked: the role is under the display name, which gets the card's width to edit in.
  const cells = await page.evaluate(() => {
    const row = document.querySelector('tr.member')!;
    const name = row.querySelector('.member__name')!.getBoundingClientRect();
    const role = row.querySelector('.member__role')!.getBoundingClientRect();
    return { nameBottom: name.bottom, roleTop: role.top, nameWidth: name.width };
  });
  expect(cells.roleTop).toBeGreaterThanOrEqual(cells.nameBottom);
  expect(cells.nameWidth).toBeGreaterThan(300);
  await page.screenshot({ path: `${app.dataDir}/console-phone-team.png` });
  expect(seen.errors).toEqual([]);
  await page.close();
});

itBrowser('the failing-jobs banner names a scheduled job that failed', async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await signInConsole(page, app.url);
  expect(await page.locator('#system-banner').isVisible()).toBe(false);
  await app.parley.services.scheduler!.schedule({ name: 'ats-export', key: 'ats-export:1', runAt: new Date(), data: {} });
  // Once the failure is recorded (the REST route says so), the banner shows it on the next load.
  await eventually(async () => ((await api<{ total: number }>(app.url, (await login(app.url, CONSOLE_ADMIN.email, CONSOLE_ADMIN.password)).token, '/system/jobs')).body.total ?? 0) > 0, 'the job to fail');
  await page.reload();
  await page.locator('#system-banner').waitFor({ state: 'visible' });
  expect(await page.locator('#system-banner').textContent()).toContain('1 background job is failing: ats-export (ATS unreachable)');
  await page.click('#system-banner-dismiss');
  await page.locator('#system-banner').waitFor({ state: 'hidden' });
  await page.close();
});
