/**
 * Read receipts in the console: an operator's reply on WhatsApp (Meta Cloud API, Graph faked with
 * nock in this process) shows Sent, then Delivered and Read as Meta's status callbacks arrive at
 * the real webhook. The callbacks are the recorded fixture, whose timestamps lie in the past
 * (the provider's clock): the console must still move the status on.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import nock from 'nock';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium, watchPage } from '../support/browser.js';
import { signInConsole } from '../support/console-browser.js';
import { fixture } from '../support/fixtures.js';
import { eventually, startParley, type TestParley } from '../support/harness.js';

const hasChromium = chromiumAvailable();
const itBrowser = hasChromium ? it : it.skip;
const GRAPH = 'http://graph.test';
const SECRET = 'meta-app-secret';
let app: TestParley;
let browser: Browser;
let seq = 0;

beforeAll(async () => {
  if (!hasChromium) return;
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  nock(GRAPH)
    .post('/v21.0/106540352242922/messages')
    .times(50)
    .reply(200, async (req: unknown) => {
      const json = (await (req as Request).json()) as { to?: string; status?: string };
      if (json.status === 'read') return { success: true };
      return { messaging_product: 'whatsapp', contacts: [{ input: json.to, wa_id: json.to }], messages: [{ id: `wamid.out.${++seq}` }] };
    });
  app = await startParley({
    PARLEY_ADMIN_EMAIL: 'admin@acme.test',
    PARLEY_ADMIN_PASSWORD: 'correct-horse-battery',
    WHATSAPP_ACCESS_TOKEN: 'EAAG-test-token',
    WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
    WHATSAPP_APP_SECRET: SECRET,
    WHATSAPP_VERIFY_TOKEN: 'verify-me',
    WHATSAPP_GRAPH_URL: `${GRAPH}/v21.0`,
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});

async function webhook(payload: unknown): Promise<void> {
  const body = JSON.stringify(payload);
  const res = await fetch(`${app.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` }, body });
  expect(res.status).toBe(200);
}

function statusCallback(wamid: string, status: 'delivered' | 'read') {
  return fixture<{ entry: { changes: { value: { statuses: { id: string; status: string }[] } }[] }[] }>('whatsapp/meta/statuses.json', (j) => {
    const s = j.entry[0]!.changes[0]!.value.statuses[0]!;
    s.id = wamid;
    s.status = status;
  });
}

itBrowser('an operator\'s WhatsApp reply shows Delivered, then Read, from Meta\'s status callbacks', async () => {
  await webhook(fixture('whatsapp/meta/text.json'));
  let conversationId = '';
  await eventually(async () => {
    conversationId = (await app.parley.store.findConversationByRef({ channel: 'whatsapp', externalId: '+4915112345678' }))?.id ?? '';
    return conversationId !== '';
  }, 'the WhatsApp conversation');

  const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  const seen = watchPage(page);
  await signInConsole(page, app.url);
  await page.goto(`${app.url}/console#/conversations/${encodeURIComponent(conversationId)}`);
  await page.click('#takeover');
  await page.fill('#composer-input', 'Thanks, a recruiter will call you tomorrow.');
  await page.keyboard.press('Enter');
  const status = page.locator('#transcript .msg--operator', { hasText: 'Thanks, a recruiter will call you tomorrow.' }).locator('.msg__status');
  await status.filter({ hasText: /^sent$/i }).waitFor();

  const reply = (await app.parley.store.listMessages(conversationId, { limit: 50 })).find((m) => m.text === 'Thanks, a recruiter will call you tomorrow.');
  if (!reply?.providerMessageId) throw new Error('the reply has no WhatsApp message id');
  await webhook(statusCallback(reply.providerMessageId, 'delivered'));
  await status.filter({ hasText: /^delivered$/i }).waitFor();
  await webhook(statusCallback(reply.providerMessageId, 'read'));
  await status.filter({ hasText: /^read$/i }).waitFor();
  expect(await status.innerText()).toBe('Read');
  expect(seen.errors).toEqual([]);
}, 120_000);
