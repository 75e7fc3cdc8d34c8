import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { addOperator } from '../../operator-console/index.js';
import { chromiumAvailable, launchChromium, watchPage } from '../support/browser.js';
import { ChatClient, eventually, startParley, type TestParley } from '../support/harness.js';

const hasChromium = chromiumAvailable();
const itBrowser = hasChromium ? it : it.skip;
const PASSWORD = 'correct-horse-battery';
let app: TestParley;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD });
  await addOperator(app.parley.ports.operators, { email: 'rita@acme.test', name: 'Rita Recruiter', role: 'recruiter', password: PASSWORD }, new Date());
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function signIn(email: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  await page.goto(`${app.url}/console`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.locator('#connection-status', { hasText: 'Live' }).waitFor();
  return page;
}

itBrowser('resolve, reopen on a new candidate message, and snooze: audited and live in every operator\'s console, with a status filter', async () => {
  const candidate = await ChatClient.connect(app.url);
  await candidate.say('hi');
  await eventually(() => candidate.conversationId !== '', 'the conversation');
  const id = candidate.conversationId;
  const admin = await signIn('admin@acme.test');
  const rita = await signIn('rita@acme.test');
  const seen = [watchPage(admin), watchPage(rita)];
  const row = (page: Page, status: string) => page.locator(`.conv[data-id="${id}"][data-status="${status}"]`);
  await row(rita, 'open').waitFor();

  await admin.goto(`${app.url}/console#/conversations/${encodeURIComponent(id)}`);
  await admin.click('#resolve');
  await admin.locator('#status-controls[data-status="resolved"]').waitFor();
  // Rita's console, which did nothing, shows it resolved; her "Open" filter hides it.
  await row(rita, 'resolved').locator('.badge--status', { hasText: 'Resolved' }).waitFor();
  await rita.selectOption('#status-filter', 'open');
  await rita.locator(`.conv[data-id="${id}"]`).waitFor({ state: 'detached' });
  await rita.selectOption('#status-filter', 'resolved');
  await row(rita, 'resolved').waitFor();
  await rita.selectOption('#status-filter', 'any');

  // The candidate writes again: open for everyone.
  await candidate.say('one more question about the role');
  await row(rita, 'open').waitFor();
  await admin.locator('#status-controls[data-status="open"]').waitFor();

  await admin.selectOption('#snooze', '1h');
  await admin.locator('#status-controls[data-status="snoozed"] .badge--status', { hasText: 'Snoozed until' }).waitFor();
  await row(rita, 'snoozed').waitFor();

  const audit = (await app.parley.store.listEvents({ conversationId: id, limit: 100 })).filter((e) => e.type === 'OperatorAction' && e.action === 'conversation-status');
  expect(audit.map((e) => (e.type === 'OperatorAction' ? e.details?.status : undefined))).toEqual(['resolved', 'snoozed']);
  for (const s of seen) expect(s.errors).toEqual([]);
  candidate.socket.close();
}, 120_000);
