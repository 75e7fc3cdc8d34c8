/**
 * Scheduling follow-ups through the real entry points (web chat over Socket.IO, REST, a real SMTP
 * server): the candidate cancels by chat ("cancel my interview", `/cancel`) and both sides get a
 * METHOD:CANCEL with the invite's UID; an invite that could not go out when the slot was booked
 * (the SMTP server down, then Parley stopped) is sent when Parley starts again on the same data.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../core/ports/index.js';
import { login } from '../operator-console/testing.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';
import { startSmtpCapture, type CapturedMail, type TestSmtp } from './support/mail-servers.js';
import { freePort } from './support/ports.js';

const PASSWORD = 'correct-horse-battery';
const TIMEOUT = 60_000;
const RITA = { name: 'Rita', email: 'rita@acme.example', timeZone: 'Europe/Lisbon', weekly: { tue: [['10:00', '11:30']] } };
const field = (ics: string, name: string) => new RegExp(`^${name}[:;]([^\\r\\n]*)`, 'm').exec(ics)?.[1];
function icsOf(m: CapturedMail): string {
  const part = m.parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  if (!part) throw new Error(`no calendar part in "${m.parsed.subject ?? ''}"`);
  return part.content.toString('utf8').replace(/\r\n[ \t]/g, '');
}

/** Boot-strap helpers shared by both suites. */
function env(smtpUrl: string, extra: Record<string, string> = {}) {
  return { PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, EMAIL_FROM: 'Acme Jobs <jobs@acme.example>', SMTP_URL: smtpUrl, JOBS_PROCESS_EVERY_MS: '50', ...extra };
}
async function rest(app: TestParley, method: string, path: string, body?: unknown) {
  const { token } = await login(app.url, 'admin@acme.test', PASSWORD);
  const res = await fetch(`${app.url}/api/v1/scheduling${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined };
}
/** A web chat candidate past consent with an email and a zone on file, offered slots and booked on the first. */
async function booked(app: TestParley, email: string): Promise<ChatClient> {
  const c = await ChatClient.connect(app.url);
  await c.ask('hi', /Do you agree/);
  await app.parley.engine.mutate(c.conversationId, ({ conversation, candidate }) => ({ conversation, candidate: { ...candidate, email, timeZone: 'Europe/Lisbon' } }));
  expect((await rest(app, 'POST', `/conversations/${c.conversationId}/offer`)).body).toEqual({ result: 'offered' });
  await c.waitForBot(/next free times/);
  await c.ask('1', /You're booked: Tuesday 3 March at 10:00/);
  return c;
}

describe('the candidate cancels by chat', () => {
  let smtp: TestSmtp;
  let app: TestParley;
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z')); // Monday

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    app = await startParley(env(smtp.url), { clock });
    expect((await rest(app, 'PUT', '/recruiters/rita', RITA)).status).toBe(200);
  }, TIMEOUT);
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
  });

  it('"cancel my interview" frees the slot, clears the schedule and sends METHOD:CANCEL with the same UID to both sides; /cancel with nothing booked says so', async () => {
    const c = await booked(app, 'maria@example.com');
    const invite = icsOf(await smtp.waitFor((m) => m.to.includes('maria@example.com')));
    await eventually(async () => (await app.parley.store.getConversation(c.conversationId))?.state.schedule !== undefined, 'the interview to be scheduled');

    const reply = await c.ask('Sorry, I need to cancel my interview', /cancelled/);
    expect(reply.text).toBe('Done: your interview on Tuesday 3 March at 10:00 (Europe/Lisbon) is cancelled. A calendar cancellation is on its way. Write /reschedule if you would like a new time.');
    for (const to of ['maria@example.com', 'rita@acme.example']) {
      const cancel = icsOf(await smtp.waitFor((m) => m.to.includes(to) && /^Cancelled:/.test(m.parsed.subject ?? '')));
      expect(field(cancel, 'METHOD')).toBe('CANCEL');
      expect(field(cancel, 'STATUS')).toBe('CANCELLED');
      expect(field(cancel, 'UID')).toBe(field(invite, 'UID'));
      expect(field(cancel, 'SEQUENCE')).toBe('1');
    }
    expect((await app.parley.store.getConversation(c.conversationId))?.state.schedule).toBeUndefined();
    const slots = (await rest(app, 'GET', '/slots?count=1')).body as { slots: { start: string }[] };
    expect(slots.slots[0]?.start).toBe('2026-03-03T10:00:00.000Z');
    await c.ask('/cancel', /no interview booked, so there is nothing to cancel/);
    c.close();
  }, TIMEOUT);

  it('/cancel cancels too', async () => {
    const c = await booked(app, 'otto@example.com');
    await c.ask('/cancel', /is cancelled/);
    await smtp.waitFor((m) => m.to.includes('otto@example.com') && /^Cancelled:/.test(m.parsed.subject ?? ''));
    c.close();
  }, TIMEOUT);
});

describe('an invite that did not go out when the slot was booked', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-sched-resume-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is sent when Parley starts again (the follow-up is kept in the store until it succeeds)', async () => {
    const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
    // First run: nothing listens on the SMTP port, so the invites fail after the booking.
    const deadSmtp = `smtp://127.0.0.1:${await freePort()}`;
    const first = await startParley(env(deadSmtp, { PARLEY_DATA_DIR: dataDir }), { clock });
    expect((await rest(first, 'PUT', '/recruiters/rita', RITA)).status).toBe(200);
    const c = await booked(first, 'nadia@example.com');
    await eventually(async () => (await first.parley.store.getConversation(c.conversationId))?.stage === 'scheduled', 'the interview to be scheduled');
    c.close();
    await first.stop(); // waits for the failed follow-up

    const smtp = await startSmtpCapture();
    const second = await startParley(env(smtp.url, { PARLEY_DATA_DIR: dataDir }), { clock });
    try {
      const invite = icsOf(await smtp.waitFor((m) => m.to.includes('nadia@example.com')));
      expect(field(invite, 'METHOD')).toBe('REQUEST');
      expect(field(invite, 'DTSTART')).toBe('20260303T100000Z');
      await smtp.waitFor((m) => m.to.includes('rita@acme.example'));
      await eventually(async () => (await second.parley.store.kvList('scheduling-followups')).length === 0, 'the follow-up to be done');
      // Sent once: the reminders were scheduled in the first run and not again.
      const scheduled = await second.parley.store.listEvents({ conversationId: c.conversationId, types: ['InterviewScheduled'] });
      expect(scheduled).toHaveLength(1);
    } finally {
      await second.stop();
      await smtp.stop();
    }
  }, TIMEOUT * 2);
});
