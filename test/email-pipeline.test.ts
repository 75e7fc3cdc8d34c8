/**
 * The recruiting workflow's emails, sent by the workflow itself and captured by a real SMTP server
 * (smtp-server): application received on first contact by email, "continue your interview" (the
 * nudge job), interview scheduled with the invite (a slot picked by reply), the reminder (the
 * reminder job), and shortlisted / offer / rejection when a recruiter moves the stage (public
 * REST API). The candidate writes through the Mailgun inbound route (signed, real HTTP).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../core/ports/index.js';
import { login } from '../operator-console/testing.js';
import { ChatClient, eventually, type TestParley } from './support/harness.js';
import { mimeMail, postMailgun } from './support/mailgun.js';
import type { CapturedMail, TestSmtp } from './support/mail-servers.js';
import { calendarOf, startMailingParley, type MailingParley } from './support/mailing-parley.js';

const KEY = 'mailgun-signing-key-pipeline-0123';
const PASSWORD = 'correct-horse-battery';
const TIMEOUT = 60_000;
const ADA = 'ada@example.com';
let seq = 0;

describe('pipeline emails sent by the workflow', () => {
  let smtp: TestSmtp;
  let app: TestParley;
  let token: string;
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z')); // Monday

  /** The candidate's mail, posted by Mailgun's route (signed on the app's clock). */
  async function mail(from: string, body: string): Promise<void> {
    const raw = mimeMail({ from: `Candidate <${from}>`, messageId: `pipeline-${++seq}@example.com`, body, date: clock.now() });
    const res = await postMailgun(app.url, raw, KEY, { timestamp: String(Math.floor(clock.now().getTime() / 1000)), sender: from });
    expect(res.status).toBeLessThan(300);
  }
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.text()) as string };
  };
  /** A mail to `address` whose text part matches (in a candidate's thread the subject stays the thread's). */
  const to = (address: string, text: RegExp) => (m: CapturedMail) => m.to.includes(address) && text.test(m.parsed.text ?? '');
  const candidateIdOf = async (address: string) => (await app.parley.store.findConversationByRef({ channel: 'email', externalId: address }))!.candidateId;

  let mailing: MailingParley;
  beforeAll(async () => {
    mailing = await startMailingParley({ MAILGUN_SIGNING_KEY: KEY, NUDGE_DELAYS: '2h', NUDGE_MAX: '1', SCHEDULING_VIDEO_LINK: 'https://meet.example/acme' }, { clock });
    ({ app, smtp, token } = mailing);
  }, TIMEOUT);

  afterAll(async () => {
    await mailing?.stop();
  });

  it('application received on the first mail, then "continue your interview" when she goes quiet', async () => {
    await mail(ADA, 'Hello, I would like to apply.');
    const received = await smtp.waitFor(to(ADA, /Thank you for applying at Acme\. We have your application/));
    expect(received.parsed.html).toContain('We have your application');
    // In her thread: the reply's subject, threaded like the consent question.
    expect(received.parsed.subject).toBe('Re: Application');
    expect(received.parsed.inReplyTo).toBeTruthy();
    clock.set(new Date('2026-03-02T11:05:00Z'));
    await smtp.waitFor(to(ADA, /Your interview is waiting where you left it\. Just reply to this email to pick it up/));
  }, TIMEOUT);

  it('shortlisted on the recruiter\'s stage change; interview scheduled with the invite after a pick by reply; the reminder', async () => {
    token = (await login(app.url, 'admin@acme.test', PASSWORD)).token; // sessions run on domain time
    const candidateId = await candidateIdOf(ADA);
    expect((await api('PATCH', `/api/public/v1/candidates/${candidateId}`, { stage: 'screening' })).status).toBe(200);
    await smtp.waitFor(to(ADA, /You are on our shortlist at Acme\. Next is a conversation with the team/));

    expect((await api('PUT', '/api/v1/scheduling/recruiters/rita', { name: 'Rita', email: 'rita@acme.example', timeZone: 'Europe/Lisbon', weekly: { tue: [['10:00', '11:30']] } })).status).toBe(200);
    const conversationId = (await app.parley.store.findConversationByRef({ channel: 'email', externalId: ADA }))!.id;
    expect((await api('POST', `/api/v1/scheduling/conversations/${conversationId}/offer`)).status).toBe(200);
    await smtp.waitFor((m) => m.to.includes(ADA) && /which time zone are you in/.test(m.parsed.text ?? ''));
    await mail(ADA, 'Lisbon');
    await smtp.waitFor((m) => m.to.includes(ADA) && /1\. Tuesday 3 March at 10:00/.test(m.parsed.text ?? ''));
    await mail(ADA, '1');
    const scheduled = await smtp.waitFor(to(ADA, /Your interview is booked for Tuesday 3 March at 10:00 \(Europe\/Lisbon\) with Rita\./));
    expect(scheduled.parsed.text).toContain('Join here: https://meet.example/acme');
    const ics = calendarOf(scheduled);
    expect(ics).toMatch(/^METHOD:REQUEST/m);
    expect(ics).toMatch(/^DTSTART:20260303T100000Z/m);
    // One invite for her (in her thread), none sent beside it.
    expect(smtp.mails.filter((m) => m.to.includes(ADA) && calendarOf(m)).length).toBe(1);
    // The stored outbound message names its template (the email channel rendered it).
    const stored = await app.parley.store.listMessages(conversationId, { limit: 50 });
    expect(stored.filter((m) => m.direction === 'out').map((m) => m.emailTemplate?.name).filter(Boolean)).toEqual(expect.arrayContaining(['application-received', 'continue-interview', 'shortlisted', 'interview-scheduled']));

    await eventually(async () => (await app.parley.store.getConversation(conversationId))?.stage === 'scheduled', 'the interview to be scheduled');
    // Booked less than 24 h ahead: the 1-hour reminder is the one that goes out.
    clock.set(new Date('2026-03-03T09:00:00Z'));
    await smtp.waitFor(to(ADA, /A reminder that your interview is at Tuesday 3 March at 10:00 \(Europe\/Lisbon\)\./));
  }, TIMEOUT);

  it('offer and rejection on the recruiter\'s stage change, also to a web chat candidate whose email is known', async () => {
    token = (await login(app.url, 'admin@acme.test', PASSWORD)).token;
    expect((await api('PATCH', `/api/public/v1/candidates/${await candidateIdOf(ADA)}`, { stage: 'hired' })).status).toBe(200);
    await smtp.waitFor(to(ADA, /We are delighted to offer you the open role at Acme/));

    const chat = await ChatClient.connect(app.url);
    await chat.ask('hi', /Do you agree/);
    await app.parley.engine.mutate(chat.conversationId, ({ conversation, candidate }) => ({ conversation, candidate: { ...candidate, email: 'grace@example.com', name: 'Grace' } }));
    const graceId = (await app.parley.store.getConversation(chat.conversationId))!.candidateId;
    expect((await api('PATCH', `/api/public/v1/candidates/${graceId}`, { stage: 'rejected' })).status).toBe(200);
    const rejection = await smtp.waitFor(to('grace@example.com', /will not be moving forward with your application/));
    expect(rejection.parsed.text).toMatch(/^Hi Grace,/);
    // A thread Parley starts: the template's subject.
    expect(rejection.parsed.subject).toBe('Your application at Acme');
    // The same candidate, now also reachable by email.
    expect(await candidateIdOf('grace@example.com')).toBe(graceId);
    chat.close();
  }, TIMEOUT);

  it('application received when a candidate is imported with an address (public API)', async () => {
    token = (await login(app.url, 'admin@acme.test', PASSWORD)).token;
    const created = await api('POST', '/api/public/v1/candidates', { name: 'Katherine Johnson', email: 'kj@example.com', role: 'Data engineer' });
    expect(created.status).toBe(201);
    const received = await smtp.waitFor(to('kj@example.com', /Thank you for applying for the Data engineer role at Acme\. We have your application/));
    expect(received.parsed.text).toMatch(/^Hi Katherine Johnson,/);
    expect(received.parsed.subject).toBe('We received your application for Data engineer');
    expect(await candidateIdOf('kj@example.com')).toBe((JSON.parse(created.body) as { id: string }).id);
  }, TIMEOUT);
});
