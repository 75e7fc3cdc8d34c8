/**
 * The email channel through its real entry points: candidates' mails are delivered to a real
 * dovecot IMAP mailbox (APPEND, as an MTA would) that Parley watches; Parley's mails are captured
 * by a real SMTP server (smtp-server). Reply fixtures are recorded-style client sources
 * (test/__fixtures__/email).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import type { OperatorNotificationKind } from '../core/engine/index.js';
import { scriptedCandidate } from './__fixtures__/interview/candidates.js';
import { eventually, startParley, type TestParley } from './support/harness.js';
import { requireDovecot, startDovecot, startSmtpCapture, type CapturedMail, type TestImap, type TestSmtp } from './support/mail-servers.js';

const MAILBOX = 'jobs@acme.example';
const TIMEOUT = 60_000;
let seq = 0;

/** A recorded-style fixture with this conversation's addresses, ids and quoted text filled in. */
function fixture(name: string, v: { from: string; to: string; messageId: string; inReplyTo: string; subject: string; answer?: string; quoted?: string }): string {
  const quoted = (v.quoted ?? '').trim();
  return readFileSync(new URL(`./__fixtures__/email/${name}`, import.meta.url), 'utf8')
    .replaceAll('{{FROM}}', v.from)
    .replaceAll('{{TO}}', v.to)
    .replaceAll('{{MESSAGE_ID}}', v.messageId)
    .replaceAll('{{IN_REPLY_TO}}', v.inReplyTo)
    .replaceAll('{{SUBJECT}}', v.subject)
    .replaceAll('{{ANSWER}}', v.answer ?? '')
    .replaceAll('{{QUOTED}}', quoted.split('\n').join('\n> '))
    .replaceAll('{{QUOTED_PLAIN}}', quoted)
    .replaceAll('{{QUOTED_HTML}}', quoted.split(/\n{2,}/).map((p) => `<p>${p.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\n/g, '<br>')}</p>`).join(''))
    .replace(/\r?\n/g, '\r\n');
}

/** A header as sent (unfolded), straight from the captured source. */
function rawHeader(m: CapturedMail, name: string): string | undefined {
  const head = m.raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  return head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim();
}

const bare = (id: string | undefined) => (id ?? '').replace(/[<>]/g, '');
const refsOf = (m: CapturedMail) => [m.parsed.references ?? []].flat().map(bare);

const ok = requireDovecot();
(ok ? describe : describe.skip)('email channel over real IMAP (dovecot) and SMTP', () => {
  let imap: TestImap;
  let smtp: TestSmtp;
  let app: TestParley;
  let mailbox: ImapFlow;
  const notes: { conversationId: string; kind: OperatorNotificationKind; body: string }[] = [];

  beforeAll(async () => {
    imap = await startDovecot(MAILBOX);
    smtp = await startSmtpCapture();
    app = await startParley({
      EMAIL_FROM: `Acme Jobs <${MAILBOX}>`,
      SMTP_URL: smtp.url,
      IMAP_URL: imap.url,
      IMAP_POLL_SEC: '5',
      INTERVIEW_MIN_QUESTIONS: '2',
      INTERVIEW_MAX_QUESTIONS: '2',
    });
    const notify = app.parley.services.notifyOperators;
    app.parley.services.notifyOperators = async (n) => {
      notes.push(n);
      await notify?.(n);
    };
    mailbox = new ImapFlow({ host: imap.host, port: imap.port, secure: false, auth: { user: imap.user, pass: imap.pass }, logger: false });
    await mailbox.connect();
  }, TIMEOUT);

  afterAll(async () => {
    await mailbox?.logout().catch(() => undefined);
    await app?.stop();
    await smtp?.stop();
    await imap?.stop();
  });

  /** Deliver a raw mail into the watched INBOX, as the MTA would; returns its UID. */
  async function deliver(raw: string): Promise<number> {
    const res = await mailbox.append('INBOX', Buffer.from(raw.replace(/\r?\n/g, '\r\n')));
    if (!res || !res.uid) throw new Error('APPEND gave no UID');
    return res.uid;
  }

  /** Wait until Parley flagged the mail processed (stored, or deliberately not an answer). */
  async function processed(uid: number): Promise<void> {
    const deadline = Date.now() + TIMEOUT;
    for (;;) {
      const lock = await mailbox.getMailboxLock('INBOX');
      let flags: Set<string> | undefined;
      try {
        flags = (await mailbox.fetchOne(String(uid), { flags: true }, { uid: true }) || undefined)?.flags;
      } finally {
        lock.release();
      }
      if (flags?.has('$ParleyProcessed')) return;
      if (Date.now() > deadline) throw new Error(`mail ${uid} was never processed`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  function plain(from: string, body: string, opts: { to?: string; subject?: string; messageId?: string; inReplyTo?: string } = {}): { raw: string; messageId: string } {
    const messageId = opts.messageId ?? `cand-${++seq}-${Date.now()}@candidate.example`;
    const thread = opts.inReplyTo ? `In-Reply-To: <${opts.inReplyTo}>\r\nReferences: <${opts.inReplyTo}>\r\n` : '';
    const raw = `From: Candidate <${from}>\r\nTo: ${opts.to ?? MAILBOX}\r\nSubject: ${opts.subject ?? 'Application'}\r\nMessage-ID: <${messageId}>\r\n${thread}Date: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;
    return { raw, messageId };
  }

  const to = (address: string) => (m: CapturedMail) => m.to.includes(address);
  const mailsTo = (address: string) => smtp.mails.filter(to(address));

  async function conversationOf(address: string) {
    return app.parley.store.findConversationByRef({ channel: 'email', externalId: address });
  }

  async function inboundTexts(address: string): Promise<string[]> {
    const conversation = await conversationOf(address);
    if (!conversation) return [];
    return (await app.parley.store.listMessages(conversation.id, { limit: 200 })).filter((m) => m.direction === 'in').map((m) => m.text);
  }

  /** Every turn and send has finished (a deterministic marker for "nothing more will come"). */
  async function settled(): Promise<void> {
    await eventually(() => app.parley.engine.queueDepth() === 0, 'an idle engine', TIMEOUT);
  }

  it(
    'a candidate completes intake and a short interview entirely by email; the thread stays one thread',
    async () => {
      const ada = 'ada@candidate.example';
      const answer = await scriptedCandidate('strong');
      const first = plain(ada, 'Hi, I would like to apply.', { subject: 'Application: Python Developer' });
      const sentIds = [first.messageId];
      await deliver(first.raw);
      let last = await smtp.waitFor((m) => to(ada)(m) && /agree to continue/.test(m.parsed.text ?? ''), 1, TIMEOUT);
      // Each reply goes to the Reply-To (the conversation's token) with the Gmail-style quote.
      const reply = async (text: string, expect: RegExp) => {
        const replyTo = last.parsed.replyTo?.value[0]?.address ?? '';
        const messageId = `cand-${++seq}@candidate.example`;
        sentIds.push(messageId);
        const before = mailsTo(ada).length;
        await deliver(fixture('gmail-reply.eml', { from: ada, to: replyTo, messageId, inReplyTo: bare(last.parsed.messageId), subject: last.parsed.subject ?? '', answer: text, quoted: last.parsed.text ?? '' }));
        last = await smtp.waitFor((m) => to(ada)(m) && mailsTo(ada).indexOf(m) >= before && expect.test(m.parsed.text ?? ''), 1, TIMEOUT);
        return last;
      };
      await reply('Yes, continue', /What is your name/);
      await reply('Ada Lovelace', /Which role/);
      let question = await reply('Python Developer', /^Question 1: /);
      for (let i = 0; i < 5 && !/That's the end of the interview/.test(question.parsed.text ?? ''); i++) {
        const text = answer(question.parsed.text ?? '');
        if (!text) throw new Error(`not a bank question: ${question.parsed.text}`);
        question = await reply(text, /^Question \d+: |That's the end of the interview/);
      }
      expect(question.parsed.text).toMatch(/That's the end of the interview/);

      const conversation = await conversationOf(ada);
      const candidate = await app.parley.store.getCandidate(conversation!.candidateId);
      expect(candidate).toMatchObject({ name: 'Ada Lovelace', stage: 'assessed' });
      // Quotes never reached the core: every stored answer is just what Ada wrote.
      const texts = await inboundTexts(ada);
      expect(texts.slice(1, 4)).toEqual(['Yes, continue', 'Ada Lovelace', 'Python Developer']);
      expect(texts.join('\n')).not.toMatch(/wrote:|agree to continue|What is your name/);

      await settled();
      const mails = mailsTo(ada);
      const ids = mails.map((m) => bare(m.parsed.messageId));
      expect(new Set(ids).size).toBe(mails.length);
      for (const m of mails) {
        // One thread: rooted at Ada's first mail, each mail answering the mail before it.
        expect(refsOf(m)[0]).toBe(first.messageId);
        expect(m.parsed.subject).toBe('Re: Application: Python Developer');
        expect(m.parsed.text?.length).toBeGreaterThan(0);
        expect(m.parsed.html).toContain('<p');
        expect(m.parsed.replyTo?.value[0]?.address).toMatch(/^jobs\+r[0-9a-f]{24}@acme\.example$/);
        expect(rawHeader(m, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
        expect(rawHeader(m, 'List-Unsubscribe')).toMatch(/\/email\/unsubscribe\/[0-9a-f]{24}/);
      }
      const replyTo = new Set(mails.map((m) => m.parsed.replyTo?.value[0]?.address));
      expect(replyTo.size).toBe(1);
      for (const m of mails) {
        const inReplyTo = bare(m.parsed.inReplyTo);
        const earlier = [...sentIds, ...ids.slice(0, ids.indexOf(bare(m.parsed.messageId)))];
        expect(earlier).toContain(inReplyTo);
        expect(refsOf(m)).toContain(inReplyTo);
      }
      // Every answer of Ada's is referenced by the bot mail that followed it.
      for (const id of sentIds) expect(mails.some((m) => bare(m.parsed.inReplyTo) === id)).toBe(true);
    },
    TIMEOUT * 4,
  );

  it.each([
    ['Gmail (text + HTML, wrapped "On … wrote:")', 'gmail-reply.eml', 'gmail'],
    ['Outlook ("Get Outlook for iOS", header block)', 'outlook-reply.eml', 'outlook'],
    ['Apple Mail ("Sent from my iPhone" above the quote)', 'apple-mail-reply.eml', 'apple'],
    ['Outlook on the web, HTML only', 'outlook-web-html-only.eml', 'owa'],
  ])(
    'a quoted reply from %s yields only the new text, and it is the answer',
    async (_client, file, who) => {
      const address = `${who}@candidate.example`;
      const first = plain(address, 'hello');
      await deliver(first.raw);
      const consent = await smtp.waitFor((m) => to(address)(m) && /agree to continue/.test(m.parsed.text ?? ''), 1, TIMEOUT);
      const replyTo = consent.parsed.replyTo?.value[0]?.address ?? '';
      await deliver(fixture(file, { from: address, to: replyTo, messageId: `${who}-reply@candidate.example`, inReplyTo: bare(consent.parsed.messageId), subject: consent.parsed.subject ?? '', answer: 'Yes, continue', quoted: consent.parsed.text ?? '' }));
      await smtp.waitFor((m) => to(address)(m) && /What is your name/.test(m.parsed.text ?? ''), 1, TIMEOUT);
      expect(await inboundTexts(address)).toEqual(['hello', 'Yes, continue']);
    },
    TIMEOUT * 2,
  );

  it(
    'an out-of-office reply and a bounce are not answers; a hard bounce marks the candidate unreachable and tells the console',
    async () => {
      const address = 'away@candidate.example';
      await deliver(plain(address, 'hi').raw);
      const consent = await smtp.waitFor((m) => to(address)(m) && /agree to continue/.test(m.parsed.text ?? ''), 1, TIMEOUT);
      const vars = { from: address, to: consent.parsed.replyTo?.value[0]?.address ?? MAILBOX, inReplyTo: bare(consent.parsed.messageId), subject: consent.parsed.subject ?? '' };
      await smtp.waitFor((m) => to(address)(m) && /We have your application/.test(m.parsed.text ?? ''), 1, TIMEOUT);
      await settled();
      const mailed = mailsTo(address).length;
      const ooo = await deliver(fixture('out-of-office.eml', { ...vars, messageId: 'ooo-1@candidate.example' }));
      await processed(ooo);
      await settled();
      expect(await inboundTexts(address)).toEqual(['hi']);
      expect(mailsTo(address)).toHaveLength(mailed);

      const bounce = await deliver(fixture('bounce-hard.eml', { ...vars, to: MAILBOX, messageId: 'bounce-1@mx.candidate.example' }));
      await processed(bounce);
      await settled();
      expect(await inboundTexts(address)).toEqual(['hi']);
      // The daemon is not a candidate either.
      expect(await conversationOf('mailer-daemon@mx.candidate.example')).toBeUndefined();
      const conversation = await conversationOf(address);
      expect((await app.parley.store.getCandidate(conversation!.candidateId))?.unreachable).toBe(true);
      expect(notes).toContainEqual(expect.objectContaining({ conversationId: conversation!.id, kind: 'delivery-failed', body: expect.stringContaining(address) }));
      // Nothing more is mailed to a dead address.
      const row = await app.parley.engine.send(conversation!.id, { text: 'Are you still interested?' }, 'operator');
      await eventually(async () => (await app.parley.store.getMessage(row.id))?.status === 'suppressed', 'the send suppressed', TIMEOUT);
      expect((await app.parley.store.getMessage(row.id))?.suppressedReason).toBe('unreachable');
    },
    TIMEOUT * 2,
  );

  it(
    'the same Message-ID delivered twice is processed once',
    async () => {
      const address = 'twice@candidate.example';
      const mail = plain(address, 'hi there', { messageId: 'same-id-1@candidate.example' });
      const a = await deliver(mail.raw);
      const b = await deliver(mail.raw);
      await processed(a);
      await processed(b);
      await smtp.waitFor(to(address), 1, TIMEOUT);
      await settled();
      expect(await inboundTexts(address)).toEqual(['hi there']);
      // One turn's replies, once each.
      const texts = mailsTo(address).map((m) => m.parsed.text);
      expect(new Set(texts).size).toBe(texts.length);
    },
    TIMEOUT * 2,
  );

  it(
    'one-click unsubscribe (RFC 8058) opts the candidate out like STOP; later sends are suppressed',
    async () => {
      const address = 'leaving@candidate.example';
      await deliver(plain(address, 'hi').raw);
      const consent = await smtp.waitFor((m) => to(address)(m) && /agree to continue/.test(m.parsed.text ?? ''), 1, TIMEOUT);
      const link = /<(https?:\/\/[^>]+)>/.exec(rawHeader(consent, 'List-Unsubscribe') ?? '')?.[1] ?? '';
      const res = await fetch(`${app.url}${new URL(link).pathname}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      expect(res.status).toBe(200);
      const conversation = await conversationOf(address);
      await eventually(async () => (await app.parley.store.getCandidate(conversation!.candidateId))?.optedOut === true, 'the candidate opted out', TIMEOUT);
      await settled();
      const row = await app.parley.engine.send(conversation!.id, { text: 'We have a new role for you!' }, 'operator');
      await eventually(async () => (await app.parley.store.getMessage(row.id))?.status === 'suppressed', 'the send suppressed', TIMEOUT);
      expect((await app.parley.store.getMessage(row.id))?.suppressedReason).toBe('opted-out');
      expect(mailsTo(address).some((m) => /new role/.test(m.parsed.text ?? ''))).toBe(false);
      // A link for nobody's conversation changes nothing.
      const unknown = await fetch(`${app.url}/email/unsubscribe/${'0'.repeat(24)}`, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(unknown.status).toBe(404);
    },
    TIMEOUT * 2,
  );
});

(ok ? describe : describe.skip)('email over IMAP: mail that arrived while Parley was down', () => {
  let imap: TestImap;
  let smtp: TestSmtp;
  let app: TestParley | undefined;
  let mailbox: ImapFlow;

  beforeAll(async () => {
    imap = await startDovecot(MAILBOX);
    smtp = await startSmtpCapture();
    mailbox = new ImapFlow({ host: imap.host, port: imap.port, secure: false, auth: { user: imap.user, pass: imap.pass }, logger: false });
    await mailbox.connect();
  }, TIMEOUT);

  afterAll(async () => {
    await mailbox?.logout().catch(() => undefined);
    await app?.stop();
    await smtp?.stop();
    await imap?.stop();
  });

  const count = async (folder: string) => {
    const status = await mailbox.status(folder, { messages: true });
    return status ? status.messages : undefined;
  };

  it(
    'is read on start, answered, and moved to IMAP_PROCESSED_FOLDER (not deleted)',
    async () => {
      const raw = `From: Early Bird <early@candidate.example>\r\nTo: ${MAILBOX}\r\nSubject: Application\r\nMessage-ID: <early-1@candidate.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhi\r\n`;
      await mailbox.append('INBOX', Buffer.from(raw));
      app = await startParley({ EMAIL_FROM: `Acme Jobs <${MAILBOX}>`, SMTP_URL: smtp.url, IMAP_URL: imap.url, IMAP_PROCESSED_FOLDER: 'Parley-Done', IMAP_POLL_SEC: '5' });
      await smtp.waitFor((m) => m.to.includes('early@candidate.example') && /agree to continue/.test(m.parsed.text ?? ''), 1, TIMEOUT);
      await eventually(async () => (await count('Parley-Done')) === 1, 'the mail moved', TIMEOUT);
      expect(await count('INBOX')).toBe(0);
      const lock = await mailbox.getMailboxLock('Parley-Done');
      try {
        const moved = await mailbox.fetchOne('1', { source: true, flags: true });
        expect(moved && moved.source?.toString()).toContain('Message-ID: <early-1@candidate.example>');
        expect(moved && moved.flags?.has('$ParleyProcessed')).toBe(true);
      } finally {
        lock.release();
      }
    },
    TIMEOUT * 2,
  );
});
