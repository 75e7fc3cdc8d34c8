/**
 * Inbound mail from Mailgun routes (forward to a URL ending in "mime"): signed posts are stored
 * like any mail; forged or stale ones get 401 and store nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startParley, type TestParley } from './support/harness.js';
import { mailgunForm, mimeMail } from './support/mailgun.js';
import { startSmtpCapture, type TestSmtp } from './support/mail-servers.js';
import { startMailParley, type MailParley } from './support/mailing-parley.js';

const KEY = 'mailgun-signing-key-0123456789';
const PATH = '/webhooks/email/mailgun/mime';

function mime(from: string, messageId: string, body: string): string {
  return mimeMail({ from: `Candidate <${from}>`, messageId, body });
}

/** The multipart form Mailgun posts, signed with `key`. */
function form(raw: string, key: string, timestamp?: string): FormData {
  return mailgunForm(raw, key, timestamp ? { timestamp } : {});
}

describe('email in through Mailgun routes', () => {
  let smtp: TestSmtp;
  let app: TestParley;

  let mailer: MailParley;
  beforeAll(async () => {
    mailer = await startMailParley({ MAILGUN_SIGNING_KEY: KEY });
    ({ app, smtp } = mailer);
  }, 60_000);

  afterAll(async () => {
    await mailer?.stop();
  });

  const conversationOf = (externalId: string) => app.parley.store.findConversationByRef({ channel: 'email', externalId });

  it('refuses a forged signature (401) and stores nothing', async () => {
    const res = await fetch(`${app.url}${PATH}`, { method: 'POST', body: form(mime('forged@candidate.example', 'forged-1@x', 'hi'), 'not-the-key') });
    expect(res.status).toBe(401);
    expect(await conversationOf('forged@candidate.example')).toBeUndefined();
  });

  it('refuses a correctly signed post that is hours old (a replay)', async () => {
    const old = String(Math.floor(Date.now() / 1000) - 3 * 3600);
    const res = await fetch(`${app.url}${PATH}`, { method: 'POST', body: form(mime('replay@candidate.example', 'replay-1@x', 'hi'), KEY, old) });
    expect(res.status).toBe(401);
    expect(await conversationOf('replay@candidate.example')).toBeUndefined();
  });

  it('ignores mail from its own address (a copy of a sent mail, a forwarding loop): no conversation, no reply', async () => {
    const res = await fetch(`${app.url}${PATH}`, { method: 'POST', body: form(mime('jobs+r0123456789abcdef01234567@acme.example', 'own-1@x', 'hi'), KEY) });
    expect(res.status).toBe(200);
    expect(await conversationOf('jobs+r0123456789abcdef01234567@acme.example')).toBeUndefined();
    expect(await conversationOf('jobs@acme.example')).toBeUndefined();
  });

  it('stores a signed mail once and answers it by email', async () => {
    const raw = mime('signed@candidate.example', 'signed-1@x', 'hi');
    const first = await fetch(`${app.url}${PATH}`, { method: 'POST', body: form(raw, KEY) });
    expect(first.status).toBe(200);
    // Mailgun retries on a timeout: the same Message-ID is stored once.
    const again = await fetch(`${app.url}${PATH}`, { method: 'POST', body: form(raw, KEY) });
    expect(again.status).toBe(200);
    const conversation = await conversationOf('signed@candidate.example');
    expect(conversation).toBeDefined();
    const inbound = (await app.parley.store.listMessages(conversation!.id)).filter((m) => m.direction === 'in');
    expect(inbound.map((m) => m.text)).toEqual(['hi']);
    const reply = await smtp.waitFor((m) => m.to.includes('signed@candidate.example') && /agree to continue/.test(m.parsed.text ?? ''), 1, 60_000);
    // In the candidate's thread: rooted at the mail Mailgun posted.
    expect([reply.parsed.references ?? []].flat()[0]).toBe('<signed-1@x>');
  }, 90_000);

  it('the same address is the same candidate, on email and on another channel that knows the address', async () => {
    await fetch(`${app.url}${PATH}`, { method: 'POST', body: form(mime('Same.Person@Candidate.example', 'same-1@x', 'hi'), KEY) });
    const byEmail = await conversationOf('same.person@candidate.example');
    expect(byEmail).toBeDefined();
    // A Teams user's profile carries their address (Teams is the next channel; its adapter is not needed to store a message).
    const { conversationId } = await app.parley.engine.receive({ ref: { channel: 'teams', externalId: '29:1a2b3c' }, providerMessageId: 'teams-1', sender: { id: '29:1a2b3c', email: 'same.person@candidate.example' }, kind: 'text', text: 'hello', receivedAt: new Date() });
    const onTeams = await app.parley.store.getConversation(conversationId);
    expect(onTeams?.id).not.toBe(byEmail!.id);
    expect(onTeams?.candidateId).toBe(byEmail!.candidateId);
  }, 90_000);
});

describe('email settings', () => {
  it('incomplete settings stop start-up with a message naming the missing one', async () => {
    await expect(startParley({ EMAIL_FROM: 'Acme Jobs <jobs@acme.example>' })).rejects.toThrow(/SMTP_URL: required to enable email/);
    await expect(startParley({ SMTP_URL: 'smtp://127.0.0.1:2525' })).rejects.toThrow(/EMAIL_FROM: required to enable email/);
    await expect(startParley({ EMAIL_FROM: 'Acme <jobs@acme.example>', SMTP_HOST: 'smtp.acme.example', IMAP_HOST: 'imap.acme.example' })).rejects.toThrow(/IMAP_USER: required/);
  });
});

describe('DKIM', () => {
  it('signs every mail when EMAIL_DKIM_* are set', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().replace(/\n/g, '\\n');
    const smtp = await startSmtpCapture();
    const app = await startParley({ EMAIL_FROM: 'Acme Jobs <jobs@acme.example>', SMTP_URL: smtp.url, MAILGUN_SIGNING_KEY: KEY, EMAIL_DKIM_DOMAIN: 'acme.example', EMAIL_DKIM_SELECTOR: 'parley2026', EMAIL_DKIM_PRIVATE_KEY: pem });
    try {
      await fetch(`${app.url}${PATH}`, { method: 'POST', body: form(mime('dkim@candidate.example', 'dkim-1@x', 'hi'), KEY) });
      const sent = await smtp.waitFor((m) => m.to.includes('dkim@candidate.example'), 1, 60_000);
      const header = /^DKIM-Signature:(.*(?:\r?\n[ \t].*)*)/im.exec(sent.raw)?.[1]?.replace(/\s+/g, '') ?? '';
      expect(header).toMatch(/(^|;)d=acme\.example;/);
      expect(header).toMatch(/(^|;)s=parley2026;/);
      expect(header).toMatch(/(^|;)b=[A-Za-z0-9+/=]{40,}/);
    } finally {
      await app.stop();
      await smtp.stop();
    }
  }, 90_000);
});
