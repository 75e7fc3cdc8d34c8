/**
 * Scheduling by chat through its real entry points: recruiters' availability over the REST API
 * (operator token), candidates over the web chat (real Socket.IO), invites captured by a real
 * SMTP server (smtp-server), reminders by the real job scheduler on a ManualClock.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../core/ports/index.js';
import { login } from '../operator-console/testing.js';
import { ChatClient, eventually, type TestParley } from './support/harness.js';
import type { CapturedMail, TestSmtp } from './support/mail-servers.js';
import { calendarOf, startMailingParley, type MailingParley } from './support/mailing-parley.js';
import { embeddedDb } from './support/embedded.js';

const PASSWORD = 'correct-horse-battery';
const TIMEOUT = 60_000;

/** The .ics of a captured invite (the text/calendar part). */
function icsOf(m: CapturedMail): string {
  const ics = calendarOf(m);
  if (ics === undefined) throw new Error(`no calendar part in "${m.parsed.subject ?? ''}"`);
  return ics;
}
const field = (ics: string, name: string) => new RegExp(`^${name}[:;]([^\\r\\n]*)`, 'm').exec(ics)?.[1];

describe('scheduling by chat', () => {
  let smtp: TestSmtp;
  let app: TestParley;
  let token: string;
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z')); // Monday

  const rest = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}/api/v1/scheduling${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as Record<string, unknown>) : text };
  };

  /** A web chat candidate past consent, with an email on file (as from an application form). */
  async function candidate(email: string): Promise<ChatClient> {
    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /Do you agree/);
    await app.parley.engine.mutate(c.conversationId, ({ conversation, candidate: cand }) => ({ conversation, candidate: { ...cand, email } }));
    return c;
  }

  let mailing: MailingParley;
  beforeAll(async () => {
    mailing = await startMailingParley({ SCHEDULING_OFFER_COUNT: '3', SCHEDULING_SLOT_MINUTES: '45', SCHEDULING_VIDEO_LINK: 'https://meet.example/acme' }, { clock });
    ({ app, smtp, token } = mailing);
  }, TIMEOUT);

  afterAll(async () => {
    await mailing?.stop();
  });

  it('publishes availability over the API (operator token only, validated)', async () => {
    expect((await fetch(`${app.url}/api/v1/scheduling/recruiters`)).status).toBe(401);
    expect((await rest('PUT', '/recruiters/rita', { name: 'Rita', timeZone: 'Mars/Olympus', weekly: {} })).status).toBe(400);
    expect((await rest('PUT', '/recruiters/rita', { name: 'Rita', timeZone: 'Europe/Lisbon', weekly: { tue: [['11:00', '10:00']] } })).status).toBe(400);
    // Tuesdays 10:00-11:30 Lisbon (UTC+0 in March), not on 17 March (exception: off).
    const put = await rest('PUT', '/recruiters/rita', { name: 'Rita', email: 'rita@acme.example', timeZone: 'Europe/Lisbon', weekly: { tue: [['10:00', '11:30']] }, exceptions: [{ date: '2026-03-17', hours: [] }] });
    expect(put.status).toBe(200);
    const slots = await rest('GET', '/slots?count=5');
    // Two Tuesdays within the 14-day horizon; the 17th is off (and past the horizon anyway).
    expect((slots.body as { slots: { start: string }[] }).slots.map((s) => s.start)).toEqual(['2026-03-03T10:00:00.000Z', '2026-03-03T10:45:00.000Z', '2026-03-10T10:00:00.000Z', '2026-03-10T10:45:00.000Z']);
  }, TIMEOUT);

  it('two candidates race for one slot: one wins, the other is offered the next free slots; both sides get an invite; reminders at 24 h and 1 h in the candidate\'s zone', async () => {
    const ny = await candidate('nadia@example.com');
    const lx = await candidate('luis@example.com');
    // Asked once for the zone; the answer is kept on the candidate.
    expect((await rest('POST', `/conversations/${ny.conversationId}/offer`)).body).toEqual({ result: 'asked-zone' });
    await ny.waitForBot(/which time zone are you in/);
    const nyOffer = await ny.ask('New York', /next free times \(America\/New_York\)/);
    expect(nyOffer.choices?.map((ch) => ch.label)).toEqual(['Tuesday 3 March at 05:00', 'Tuesday 3 March at 05:45', 'Tuesday 10 March at 06:00']);
    await rest('POST', `/conversations/${lx.conversationId}/offer`);
    await lx.waitForBot(/which time zone/);
    const lxOffer = await lx.ask('Europe/Lisbon', /next free times \(Europe\/Lisbon\)/);
    expect(lxOffer.choices?.map((ch) => ch.label)).toEqual(['Tuesday 3 March at 10:00', 'Tuesday 3 March at 10:45', 'Tuesday 10 March at 10:00']);
    expect((await app.parley.store.getCandidate((await app.parley.store.getConversation(ny.conversationId))!.candidateId))?.timeZone).toBe('America/New_York');

    // Both pick slot 1 at the same moment.
    const marks = [ny.received.length, lx.received.length];
    await Promise.all([ny.say('1'), lx.say('1')]);
    const [nyReply, lxReply] = await Promise.all([ny.waitForBot(/booked|just taken/, { from: marks[0] }), lx.waitForBot(/booked|just taken/, { from: marks[1] })]);
    const outcomes = [nyReply.text, lxReply.text].map((t) => (/booked/.test(t) ? 'won' : 'lost'));
    expect(outcomes.sort()).toEqual(['lost', 'won']);
    const [winner, loser] = /booked/.test(nyReply.text) ? [ny, lx] : [lx, ny];
    const loserReply = winner === ny ? lxReply : nyReply;
    const winnerWhen = winner === ny ? 'Tuesday 3 March at 05:00 (America/New_York)' : 'Tuesday 3 March at 10:00 (Europe/Lisbon)';
    expect((winner === ny ? nyReply : lxReply).text).toBe(`You're booked: ${winnerWhen}. A calendar invite is on its way.\nJoin here: https://meet.example/acme`);
    // The loser's new offer starts at the next free slot (10:45 Lisbon).
    expect(loserReply.choices?.map((ch) => ch.label)).toEqual(loser === ny ? ['Tuesday 3 March at 05:45', 'Tuesday 10 March at 06:00', 'Tuesday 10 March at 06:45'] : ['Tuesday 3 March at 10:45', 'Tuesday 10 March at 10:00', 'Tuesday 10 March at 10:45']);
    await loser.ask('1', /booked/);

    // Invites: the candidates and Rita, each with a distinct UID.
    const winnerEmail = winner === ny ? 'nadia@example.com' : 'luis@example.com';
    const toWinner = await smtp.waitFor((m) => m.to.includes(winnerEmail));
    const ics = icsOf(toWinner);
    expect(field(ics, 'METHOD')).toBe('REQUEST');
    expect(field(ics, 'DTSTART')).toBe('20260303T100000Z');
    expect(field(ics, 'SEQUENCE')).toBe('0');
    expect(toWinner.parsed.subject).toBe(`Interview with Acme: ${winnerWhen}`);
    const toRita = await smtp.waitFor((m) => m.to.includes('rita@acme.example'), 2);
    const ritaUids = smtp.mails.filter((m) => m.to.includes('rita@acme.example')).map((m) => field(icsOf(m), 'UID'));
    expect(new Set(ritaUids).size).toBe(2);
    expect(toRita.parsed.subject).toMatch(/Europe\/Lisbon/);
    const upcoming = (await rest('GET', '/interviews?recruiterId=rita')).body as { interviews: { conversationId: string; start: string }[] };
    expect(upcoming.interviews.map((i) => [i.conversationId, i.start])).toEqual([
      [winner.conversationId, '2026-03-03T10:00:00.000Z'],
      [loser.conversationId, '2026-03-03T10:45:00.000Z'],
    ]);

    // Reminders (the jobs plugin): 24 h and 1 h before, worded in the winner's zone.
    await eventually(async () => (await app.parley.store.getConversation(winner.conversationId))?.stage === 'scheduled', 'the interview to be scheduled');
    clock.set(new Date('2026-03-02T10:00:00Z'));
    const day = await winner.waitForBot(/starts in 24 hours/);
    expect(day.text).toBe(`Reminder: your interview with Acme starts in 24 hours, ${winnerWhen}.\nJoin here: https://meet.example/acme`);
    clock.set(new Date('2026-03-03T09:00:00Z'));
    const hour = await winner.waitForBot(/starts in 1 hour/);
    expect(hour.text).toBe(`Reminder: your interview with Acme starts in 1 hour, ${winnerWhen}.\nJoin here: https://meet.example/acme`);
    ny.close();
    lx.close();
  }, TIMEOUT);

  it('"can we move it?" offers new slots and sends an updated invite with the same UID and a higher SEQUENCE; cancelling sends a cancellation', async () => {
    clock.set(new Date('2026-03-04T09:00:00Z'));
    token = (await login(app.url, 'admin@acme.test', PASSWORD)).token; // console sessions expire on domain time
    const c = await candidate('maria@example.com');
    await app.parley.engine.mutate(c.conversationId, ({ conversation, candidate: cand }) => ({ conversation, candidate: { ...cand, timeZone: 'Europe/Lisbon' } }));
    expect((await rest('POST', `/conversations/${c.conversationId}/offer`)).body).toEqual({ result: 'offered' });
    await c.waitForBot(/next free times/);
    await c.ask('Tuesday 10 March at 10:00', /You're booked: Tuesday 10 March at 10:00/);
    const first = icsOf(await smtp.waitFor((m) => m.to.includes('maria@example.com')));
    const moveOffer = await c.ask('can we move it?', /let's move your interview/);
    expect(moveOffer.choices?.[0]?.label).toBe('Tuesday 10 March at 10:45');
    await c.ask('1', /moved to Tuesday 10 March at 10:45 \(Europe\/Lisbon\)/);
    const updated = await smtp.waitFor((m) => m.to.includes('maria@example.com') && /^Updated:/.test(m.parsed.subject ?? ''));
    const second = icsOf(updated);
    expect(field(second, 'UID')).toBe(field(first, 'UID'));
    expect(field(second, 'SEQUENCE')).toBe('1');
    expect(field(second, 'DTSTART')).toBe('20260310T104500Z');
    // The old slot is free again; the downloadable invite is the current one.
    const slots = (await rest('GET', '/slots?count=1')).body as { slots: { start: string }[] };
    expect(slots.slots[0]?.start).toBe('2026-03-10T10:00:00.000Z');
    const download = await rest('GET', `/conversations/${c.conversationId}/invite.ics`);
    expect(download.status).toBe(200);
    expect(field(String(download.body).replace(/\r\n[ \t]/g, ''), 'SEQUENCE')).toBe('1');

    // /reschedule offers too; "none" leaves the booking as it is and tells the recruiters.
    await c.ask('/reschedule', /let's move your interview/);
    await c.ask('none of these', /team will get back to you/);
    expect((await rest('GET', `/conversations/${c.conversationId}/invite.ics`)).status).toBe(200);
    const other = await candidate('otto@example.com');
    await other.ask('/reschedule', /nothing to move/);
    other.close();

    expect((await rest('DELETE', `/conversations/${c.conversationId}/interview`)).status).toBe(204);
    await c.waitForBot(/has been cancelled/);
    const cancel = icsOf(await smtp.waitFor((m) => m.to.includes('maria@example.com') && /^Cancelled:/.test(m.parsed.subject ?? '')));
    expect(field(cancel, 'METHOD')).toBe('CANCEL');
    expect(field(cancel, 'STATUS')).toBe('CANCELLED');
    expect(field(cancel, 'UID')).toBe(field(first, 'UID'));
    expect(field(cancel, 'SEQUENCE')).toBe('2');
    expect((await app.parley.store.getConversation(c.conversationId))?.state.schedule).toBeUndefined();

    // Erasure (public API, admin token) removes her bookings and invites with the rest.
    const rows = () => (embeddedDb(app.parley).prepare('SELECT count(*) AS n FROM scheduling_bookings WHERE conversation_id = ?').get(c.conversationId) as { n: number }).n;
    expect(rows()).toBe(2); // the first booking (moved) and the second (cancelled)
    const candidateId = (await app.parley.store.getConversation(c.conversationId))!.candidateId;
    const erased = await fetch(`${app.url}/api/public/v1/candidates/${candidateId}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect(erased.status).toBe(202);
    await eventually(() => rows() === 0, 'her bookings to be erased');
    c.close();
  }, TIMEOUT);
});
