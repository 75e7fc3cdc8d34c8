/**
 * HR alerts by email (EMAIL_HR_ALERTS): a web chat candidate asks for a human (/human), the jobs'
 * alerter raises the needs-human alert through the one hrBroadcast service, and the HR addresses
 * get it by mail (captured by a real SMTP server), with a link to the conversation in the console.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChatClient, startParley, type TestParley } from './support/harness.js';
import { startSmtpCapture, type TestSmtp } from './support/mail-servers.js';

describe('HR alerts by email', () => {
  let smtp: TestSmtp;
  let app: TestParley;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    app = await startParley({ EMAIL_FROM: 'Acme Jobs <jobs@acme.example>', SMTP_URL: smtp.url, EMAIL_HR_ALERTS: 'hr@acme.example, lead@acme.example', PUBLIC_URL: 'https://jobs.acme.example' });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
  });

  it('a candidate asking for a human alerts the HR addresses by email, linking the conversation', async () => {
    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /Do you agree/);
    await c.say('/human');
    const alert = await smtp.waitFor((m) => m.to.includes('hr@acme.example'));
    expect(alert.to.sort()).toEqual(['hr@acme.example', 'lead@acme.example']);
    expect(alert.parsed.subject).toMatch(/^Parley alert: .*human/i);
    expect(alert.parsed.text).toContain(`Open in the console: https://jobs.acme.example/console#/conversations/${c.conversationId}`);
    c.close();
  }, 60_000);

  it('refuses a malformed address list at start-up, naming the setting', async () => {
    await expect(startParley({ EMAIL_FROM: 'Acme Jobs <jobs@acme.example>', SMTP_URL: smtp.url, EMAIL_HR_ALERTS: 'hr@acme.example, not-an-address' })).rejects.toThrow(/EMAIL_HR_ALERTS/);
  });
});
