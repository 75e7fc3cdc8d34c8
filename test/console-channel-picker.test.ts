/**
 * Issue 15: one candidate on web chat and by email. The recruiter, in the web chat conversation,
 * answers on the email channel: the mail reaches the real SMTP capture, in the candidate's email
 * thread, and nothing goes to the web chat.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { addOperator, PUBLIC_API_BASE } from '../operator-console/index.js';
import { api, login } from '../operator-console/testing.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';
import { startSmtpCapture, type TestSmtp } from './support/mail-servers.js';
import { mailgunForm, mimeMail } from './support/mailgun.js';

const PASSWORD = 'correct-horse-battery';
const KEY = 'mailgun-signing-key-0123456789';
const ADDRESS = 'ana.picker@candidate.example';
let app: TestParley;
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, EMAIL_FROM: 'Acme Jobs <jobs@acme.example>', SMTP_URL: smtp.url, MAILGUN_SIGNING_KEY: KEY });
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await smtp?.stop();
});

/** A signed Mailgun route post (HMAC-SHA256 of timestamp + token) carrying one plain mail. */
function mailgunPost(from: string, messageId: string, body: string): FormData {
  return mailgunForm(mimeMail({ from: `Ana <${from}>`, messageId, body, subject: 'My application' }), KEY, { sender: from });
}

interface ChannelRow {
  conversationId: string;
  channel: string;
  lastActivityAt: string;
  current: boolean;
}

it('the recruiter answers from the web chat conversation on the email channel: the mail arrives in the candidate\'s thread', async () => {
  const chat = await ChatClient.connect(app.url);
  await chat.ask('hi', /agree to continue/);
  const web = await app.parley.store.getConversation(chat.conversationId);
  expect(web).toBeDefined();

  // The recruiter records the candidate's address (public API); then the candidate writes by email.
  const token = (await login(app.url, 'admin@acme.test', PASSWORD)).token;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const keyRes = await fetch(`${app.url}${PUBLIC_API_BASE}/api-keys`, { method: 'POST', headers, body: JSON.stringify({ name: 'ats', scope: 'admin' }) });
  const apiKey = ((await keyRes.json()) as { key: string }).key;
  const patched = await fetch(`${app.url}${PUBLIC_API_BASE}/candidates/${web!.candidateId}`, { method: 'PATCH', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ email: ADDRESS }) });
  expect(patched.status).toBe(200);
  expect((await fetch(`${app.url}/webhooks/email/mailgun/mime`, { method: 'POST', body: mailgunPost(ADDRESS, 'ana-picker-1@mail.example', 'Hello, I applied on your site too.') })).status).toBe(200);
  await smtp.waitFor((m) => m.to.includes(ADDRESS) && /agree to continue/.test(m.parsed.text ?? ''), 1, 60_000);
  const email = await app.parley.store.findConversationByRef({ channel: 'email', externalId: ADDRESS });
  expect(email?.candidateId).toBe(web!.candidateId);

  // The picker's options: both of the candidate's channels, the open one marked current.
  const channels = await api<{ channels: ChannelRow[] }>(app.url, token, `/conversations/${web!.id}/channels`);
  expect(channels.status).toBe(200);
  expect(channels.body.channels.map((c) => [c.channel, c.conversationId, c.current]).sort()).toEqual([
    ['email', email!.id, false],
    ['webchat', web!.id, true],
  ]);
  expect(channels.body.channels.every((c) => !Number.isNaN(Date.parse(c.lastActivityAt)))).toBe(true);

  // A conversation of another candidate is not one of this candidate's channels.
  const other = await ChatClient.connect(app.url);
  await other.ask('hello', /agree to continue/);
  const refused = await api(app.url, token, `/conversations/${web!.id}/reply`, { method: 'POST', body: { conversationId: other.conversationId, text: 'Wrong person' } });
  expect(refused.status).toBe(400);

  const text = 'Hi Ana, this is Admin from Acme: could you send me your CV by reply?';
  const sent = await api<{ channel: string; conversationId: string; author: string }>(app.url, token, `/conversations/${web!.id}/reply`, { method: 'POST', body: { conversationId: email!.id, text } });
  expect(sent.status).toBe(201);
  expect(sent.body).toEqual(expect.objectContaining({ channel: 'email', conversationId: email!.id, author: 'operator' }));
  const mail = await smtp.waitFor((m) => m.to.includes(ADDRESS) && (m.parsed.text ?? '').includes(text), 1, 60_000);
  // In the candidate's email thread, rooted at the mail they sent.
  expect([mail.parsed.references ?? []].flat()[0]).toBe('<ana-picker-1@mail.example>');
  // Takeover rules: answering there took the email conversation over (its bot stays silent).
  const after = await app.parley.store.getConversation(email!.id);
  expect(after).toEqual(expect.objectContaining({ mode: 'human', assignedOperatorName: 'Admin' }));
  // Nothing went to the web chat.
  await eventually(async () => (await app.parley.store.listMessages(email!.id)).some((m) => m.text === text && m.status === 'sent'), 'the email reply marked sent');
  expect(chat.received.some((m) => m.text === text)).toBe(false);

  // Another recruiter may not answer there while Admin holds it (the takeover rules): 409, nothing mailed.
  await addOperator(app.parley.ports.operators, { email: 'rita@acme.test', name: 'Rita', role: 'recruiter', password: PASSWORD }, new Date());
  const rita = (await login(app.url, 'rita@acme.test', PASSWORD)).token;
  const held = await api<{ error: { message: string } }>(app.url, rita, `/conversations/${web!.id}/reply`, { method: 'POST', body: { conversationId: email!.id, text: 'Rita here' } });
  expect(held.status).toBe(409);
  expect(held.body.error.message).toMatch(/^Admin /);
  expect((await app.parley.store.listMessages(email!.id)).some((m) => m.text === 'Rita here')).toBe(false);
  chat.close();
  other.close();
}, 120_000);
