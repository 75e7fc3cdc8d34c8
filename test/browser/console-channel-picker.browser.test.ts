/**
 * Issue 15 in Chromium: a candidate on web chat and by email. In the web chat conversation the
 * transcript badges each message's channel, the composer's picker offers both channels, and the
 * reply sent "on Email" reaches the real SMTP capture.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { PUBLIC_API_BASE } from '../../operator-console/index.js';
import { login } from '../../operator-console/testing.js';
import { watchPage } from '../support/browser.js';
import { CONSOLE_ADMIN, consoleBrowserSuite, signInConsole } from '../support/console-browser.js';
import { ChatClient } from '../support/harness.js';
import { startSmtpCapture, type TestSmtp } from '../support/mail-servers.js';
import { mailgunForm, mimeMail } from '../support/mailgun.js';

const KEY = 'mailgun-signing-key-0123456789';
const ADDRESS = 'bea.picker@candidate.example';
let smtp: TestSmtp;
// The capture listens first (declared before the suite's hooks): the suite's Parley reads SMTP_URL when it starts.
const env: Record<string, string> = { EMAIL_FROM: 'Acme Jobs <jobs@acme.example>', MAILGUN_SIGNING_KEY: KEY };
beforeAll(async () => {
  smtp = await startSmtpCapture();
  env.SMTP_URL = smtp.url;
});
const suite = consoleBrowserSuite(env);
const itBrowser = suite.hasChromium ? it : it.skip;
afterAll(async () => {
  await smtp?.stop();
});

function mailgunPost(from: string, messageId: string, body: string): FormData {
  return mailgunForm(mimeMail({ from: `Bea <${from}>`, messageId, body, subject: 'My application' }), KEY, { sender: from });
}

itBrowser('the picker shows both channels, messages carry a channel badge, and a reply on Email is mailed', async () => {
  const { app } = suite;
  const chat = await ChatClient.connect(app.url);
  await chat.ask('hi', /agree to continue/);
  const web = await app.parley.store.getConversation(chat.conversationId);
  const token = (await login(app.url, CONSOLE_ADMIN.email, CONSOLE_ADMIN.password)).token;
  const keyRes = await fetch(`${app.url}${PUBLIC_API_BASE}/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ats', scope: 'admin' }) });
  const apiKey = ((await keyRes.json()) as { key: string }).key;
  const patched = await fetch(`${app.url}${PUBLIC_API_BASE}/candidates/${web!.candidateId}`, { method: 'PATCH', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ email: ADDRESS }) });
  expect(patched.status).toBe(200);
  expect((await fetch(`${app.url}/webhooks/email/mailgun/mime`, { method: 'POST', body: mailgunPost(ADDRESS, 'bea-picker-1@mail.example', 'Hello from my inbox.') })).status).toBe(200);
  await smtp.waitFor((m) => m.to.includes(ADDRESS) && /agree to continue/.test(m.parsed.text ?? ''), 1, 60_000);

  const page = await suite.browser.newPage();
  const seen = watchPage(page);
  await signInConsole(page, app.url);
  await page.goto(`${app.url}/console#/conversations/${encodeURIComponent(chat.conversationId)}`);
  // Every message of this conversation is badged with its channel (the candidate has two).
  const candidateMsg = page.locator('#transcript .msg--candidate', { hasText: 'hi' }).first();
  await expect(candidateMsg.locator('.badge--channel').textContent()).resolves.toBe('Web chat');
  await page.click('#takeover');
  const picker = page.locator('#reply-channel');
  await picker.waitFor();
  const options = await picker.locator('option').evaluateAll((els) => els.map((o) => ({ channel: (o as HTMLOptionElement).dataset.channel, text: o.textContent ?? '' })));
  expect(options.map((o) => o.channel)).toEqual(['webchat', 'email']);
  expect(options[0]!.text).toContain('Web chat (this conversation)');
  expect(options[1]!.text).toMatch(/^Answer on Email · last active /);
  expect(await picker.inputValue()).toBe(chat.conversationId);

  const text = 'Hi Bea, I will follow up by email with the details.';
  await picker.selectOption({ label: options[1]!.text });
  await page.fill('#composer-input', text);
  await page.click('#composer-send');
  await page.locator('.toast', { hasText: 'Sent on Email.' }).waitFor();
  const mail = await smtp.waitFor((m) => m.to.includes(ADDRESS) && (m.parsed.text ?? '').includes(text), 1, 60_000);
  expect([mail.parsed.references ?? []].flat()[0]).toBe('<bea-picker-1@mail.example>');
  expect(chat.received.some((m) => m.text === text)).toBe(false);
  expect(seen.errors).toEqual([]);
  chat.close();
}, 120_000);
