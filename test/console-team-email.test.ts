import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { OperatorProfile, TeamInvite } from '../operator-console/contract.js';
import { api, login } from '../operator-console/testing.js';
import { startParley, type TestParley } from './support/harness.js';
import { startSmtpCapture, type TestSmtp } from './support/mail-servers.js';

const PASSWORD = 'correct-horse-battery';
let app: TestParley;
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, EMAIL_FROM: 'Acme Jobs <jobs@acme.example>', SMTP_URL: smtp.url, PUBLIC_URL: 'https://jobs.acme.example' });
});
afterAll(async () => {
  await app?.stop();
  await smtp?.stop();
});

it('with the email channel on, the invite is emailed (link on PUBLIC_URL) and that link creates the operator', async () => {
  const admin = (await login(app.url, 'admin@acme.test', PASSWORD)).token;
  const r = await api<{ invite: TeamInvite; url: string; emailed: boolean }>(app.url, admin, '/team/invites', { method: 'POST', body: { email: 'omar@acme.test', role: 'viewer' } });
  expect(r.status).toBe(201);
  expect(r.body.emailed).toBe(true);
  expect(r.body.url).toMatch(/^https:\/\/jobs\.acme\.example\/console\/invite#[A-Za-z0-9_-]{43}$/);
  const mail = await smtp.waitFor((m) => m.to.includes('omar@acme.test'));
  expect(mail.parsed.subject).toBe('Admin invited you to the Parley console');
  const link = (mail.parsed.text ?? '').match(/https:\/\/jobs\.acme\.example\/console\/invite#(\S+)/);
  expect(link?.[0]).toBe(r.body.url);
  const accepted = await api<{ operator: OperatorProfile }>(app.url, undefined, '/team/invites/accept', { method: 'POST', body: { token: link?.[1], name: 'Omar', password: 'omar-password' } });
  expect(accepted.status).toBe(201);
  expect((await login(app.url, 'omar@acme.test', 'omar-password')).operator).toEqual(expect.objectContaining({ name: 'Omar', role: 'viewer' }));
});
