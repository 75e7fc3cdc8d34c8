/**
 * The console's Integrations view in Chromium (admins): an API key is created and shown once,
 * then works against the public API; a webhook subscription to a loopback receiver shows its
 * signing secret once; a delivery appears in its log with the receiver's answer, and "Resend"
 * sends the same event again.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { PUBLIC_API_BASE } from '../../operator-console/index.js';
import { WEBHOOK_EVENTS } from '../../operator-console/api/schemas.js';
import { chromiumAvailable, launchChromium, watchPage } from '../support/browser.js';
import { eventually, startParley, type TestParley } from '../support/harness.js';

const hasChromium = chromiumAvailable();
const describeBrowser = hasChromium ? describe : describe.skip;
const PASSWORD = 'correct-horse-battery';
let app: TestParley;
let browser: Browser;
let receiver: Server;
let receiverUrl: string;
const hits: { id: string; type: string }[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_POLL_MS: '50' });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      hits.push(JSON.parse(body) as { id: string; type: string });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  receiver?.closeAllConnections();
  receiver?.close();
  await app?.stop();
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`${app.url}/console`);
  await page.fill('#email', 'admin@acme.test');
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.locator('#connection-status', { hasText: 'Live' }).waitFor();
}

describeBrowser('Integrations in Chromium', () => {
  it('creates an API key shown once, subscribes a webhook, shows its delivery log and resends', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    const seen = watchPage(page);
    page.on('dialog', (d) => void d.accept());
    await signIn(page);
    await page.click('.nav__item[data-view="integrations"]');
    const keys = page.locator('#api-keys');
    await keys.locator('h3', { hasText: 'API keys' }).waitFor();
    await keys.locator('input[name="name"]').fill('ATS sync');
    await keys.locator('select[name="scope"]').selectOption('write');
    await keys.locator('button[type="submit"]').click();
    const key = (await keys.locator('.secret-once__value').textContent()) ?? '';
    expect(key).toMatch(/^pk_/);
    await keys.locator('tr', { hasText: 'ATS sync' }).waitFor();
    const r = await fetch(`${app.url}${PUBLIC_API_BASE}/roles`, { headers: { authorization: `Bearer ${key}` } });
    expect(r.status).toBe(200);
    // Shown once: a fresh view of the page has the key nowhere.
    await page.reload();
    await page.locator('#api-keys tr', { hasText: 'ATS sync' }).waitFor();
    expect(await page.content()).not.toContain(key);

    const hooks = page.locator('#webhooks');
    await hooks.locator('input[name="url"]').fill(receiverUrl);
    // The console offers exactly the events the API accepts (read from its OpenAPI document).
    await hooks.locator('.checks label').first().waitFor();
    expect(await hooks.locator('.checks label').allTextContents()).toEqual([...WEBHOOK_EVENTS]);
    await hooks.locator('label', { hasText: 'candidate.created' }).locator('input').check();
    await hooks.locator('button[type="submit"]').click();
    expect(await hooks.locator('.secret-once__value').textContent()).toMatch(/^whsec_/);
    const row = hooks.locator('tr', { hasText: receiverUrl });
    await row.waitFor();

    const created = await fetch(`${app.url}${PUBLIC_API_BASE}/candidates`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Browser Bea' }) });
    expect(created.status).toBe(201);
    await eventually(() => hits.some((h) => h.type === 'candidate.created'), 'candidate.created delivered');
    await row.locator('button', { hasText: 'Deliveries' }).click();
    const log = page.locator('#webhook-deliveries');
    const delivery = log.locator('tbody tr', { hasText: 'candidate.created' });
    await eventually(async () => (await delivery.count()) === 1 && /delivered/.test((await delivery.textContent()) ?? ''), 'delivery listed as delivered');
    expect(await delivery.textContent()).toContain('204');
    await delivery.locator('button', { hasText: 'Resend' }).click();
    await eventually(() => hits.filter((h) => h.type === 'candidate.created').length === 2, 'resent');
    const [first, second] = hits.filter((h) => h.type === 'candidate.created');
    expect(second?.id).toBe(first?.id);

    // Candidate data: the export downloads a zip of that candidate.
    const bea = (await created.json()) as { id: string };
    const data = page.locator('#candidate-data');
    await data.locator('input[name="candidateId"]').fill(bea.id);
    const [download] = await Promise.all([page.waitForEvent('download'), data.locator('button[type="submit"]').click()]);
    expect(download.suggestedFilename()).toBe(`parley-candidate-${bea.id}.zip`);
    const zip = unzipSync(new Uint8Array(readFileSync((await download.path()) as string)));
    expect(JSON.parse(Buffer.from(zip['profile.json'] as Uint8Array).toString())).toMatchObject({ id: bea.id, name: 'Browser Bea' });
    expect(seen.errors).toEqual([]);
  }, 120_000);
});
