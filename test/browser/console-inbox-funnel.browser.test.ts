import { beforeAll, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ChannelId, NewDomainEvent } from '../../core/domain/index.js';
import { watchPage } from '../support/browser.js';
import { CONSOLE_ADMIN, consoleBrowserSuite, docScreenshotDir, signInConsole } from '../support/console-browser.js';

const suite = consoleBrowserSuite({ JOBS_ENABLED: 'false' });
const itBrowser = suite.hasChromium ? it : it.skip;
const PASSWORD = CONSOLE_ADMIN.password;
const IMG_DIR = docScreenshotDir();

/** Three candidates: two backend (web chat; one at risk, nudged, answered), one frontend on Telegram. */
const SEED: [string, ChannelId, string][] = [
  ['b1', 'webchat', 'backend'],
  ['b2', 'webchat', 'backend'],
  ['f1', 'telegram', 'frontend'],
];

beforeAll(async () => {
  if (!suite.hasChromium) return;
  const { app } = suite;
  const ids = new Map<string, string>();
  for (const [name, channel, role] of SEED) {
    const { conversation } = await app.parley.store.ensureConversation({ channel, externalId: `fb-${name}` }, { id: `fb-${name}` }, new Date());
    ids.set(name, conversation.id);
    await app.parley.engine.mutate(conversation.id, ({ conversation: c, candidate }) => ({ conversation: c, candidate: { ...candidate, role, stage: 'intake' }, events: [{ type: 'CandidateStateChanged', from: 'new', to: 'intake' }], actor: 'bot' }));
  }
  const emit = (name: string, event: NewDomainEvent) => app.parley.engine.mutate(ids.get(name)!, ({ conversation }) => ({ conversation, events: [event], actor: 'bot' }));
  await emit('b1', { type: 'CandidateAtRisk', score: 0.9, level: 'high', factors: [], recommendedAction: 'nudge' });
  await emit('b1', { type: 'NudgeSent', attempt: 1 });
  await emit('b1', { type: 'MessageReceived', messageId: 'm-b1', channel: 'webchat', actor: 'candidate' });
});

const candidates = (page: Page) => page.locator('.kpi', { hasText: 'Candidates' }).locator('.kpi__value');

for (const viewport of [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
]) {
  itBrowser(`funnel filters by role, channel and date, shows intervention success and exports CSV (${viewport.width}x${viewport.height})`, async () => {
    const context = await suite.browser.newContext({ viewport, acceptDownloads: true });
    const page = await context.newPage();
    const seen = watchPage(page);
    await signInConsole(page, suite.app.url, { email: 'admin@acme.test', password: PASSWORD });
    await page.goto(`${suite.app.url}/console#/funnel`);
    await candidates(page).filter({ hasText: /^3$/ }).waitFor();
    await page.locator('#interventions tr[data-kind="nudge"] .interventions__rate', { hasText: '100%' }).waitFor();

    await page.selectOption('#funnel-role', 'backend');
    await candidates(page).filter({ hasText: /^2$/ }).waitFor();
    await page.selectOption('#funnel-channel', 'telegram');
    await candidates(page).filter({ hasText: /^0$/ }).waitFor();
    await page.selectOption('#funnel-channel', '');
    await page.screenshot({ path: join(IMG_DIR, `console-funnel-filters-${viewport.width}.png`), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#funnel-csv')]);
    const csv = readFileSync((await download.path()) as string, 'utf8').split('\r\n');
    expect(csv[0]).toBe('section,item,metric,value');
    expect(csv).toEqual(expect.arrayContaining(['filter,role,,backend', 'summary,candidates,total,2', 'intervention,nudge,re_engaged_48h,1']));

    // Candidates who started tomorrow: none yet.
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000).toISOString().slice(0, 10);
    await page.fill('#funnel-from', tomorrow);
    await page.locator('#funnel-from').dispatchEvent('change');
    await candidates(page).filter({ hasText: /^0$/ }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(seen.errors).toEqual([]);
    await context.close();
  }, 120_000);
}
