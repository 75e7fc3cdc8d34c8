import { describe, expect, it } from '@jest/globals';
import { DEFAULT_REMINDER_LEADS as LEADS, humanDuration, parseReminderLeads, reminderKey, reminderPlan, reminderText, shouldSendReminder } from './reminders.js';

const H = 3_600_000;
const at = new Date('2026-03-03T14:00:00Z');
const before = (ms: number) => new Date(at.getTime() - ms);

describe('interview reminders', () => {
  it.each([
    ['two days ahead: both', before(48 * H), ['24h', '1h']],
    ['23 hours ahead: the 24h one has passed', before(23 * H), ['1h']],
    ['30 minutes ahead: none', before(0.5 * H), []],
    ['exactly at the 24h mark: that one is not ahead any more', before(24 * H), ['1h']],
  ])('plan %s', (_what, now, kinds) => {
    const plan = reminderPlan(at, LEADS, now);
    expect(plan.map((p) => p.kind)).toEqual(kinds);
    for (const p of plan) expect(p.runAt.getTime()).toBe(at.getTime() - LEADS.find((l) => l.kind === p.kind)!.beforeMs);
  });

  it.each([
    ['24h', before(24 * H), true],
    ['24h', before(3 * H), true],
    ['24h', before(0.5 * H), false], // late (downtime): the 1h reminder covers it
    ['1h', before(H), true],
    ['1h', before(0), false], // interview started
    ['1h', new Date(at.getTime() + H), false],
    ['15m', before(H), false], // not a configured lead
  ])('send %s reminder at %s -> %s', (kind, now, send) => {
    expect(shouldSendReminder(kind, at, now, LEADS)).toBe(send);
  });

  it('says when, in the candidate\'s own time zone, with the link', () => {
    expect(reminderText({ beforeMs: 24 * H, at, timeZone: 'Europe/Lisbon', company: 'Acme', link: 'https://meet.example/abc' })).toBe(
      'Reminder: your interview with Acme starts in 24 hours, Tuesday 3 March at 14:00 (Europe/Lisbon).\nJoin here: https://meet.example/abc',
    );
    expect(reminderText({ beforeMs: H, at, timeZone: 'Asia/Tokyo', company: 'Acme' })).toBe('Reminder: your interview with Acme starts in 1 hour, Tuesday 3 March at 23:00 (Asia/Tokyo).');
  });

  it('parses lead lists and names durations', () => {
    expect(parseReminderLeads('1h, 24h,30m')).toEqual([
      { kind: '24h', beforeMs: 24 * H },
      { kind: '1h', beforeMs: H },
      { kind: '30m', beforeMs: 0.5 * H },
    ]);
    expect(() => parseReminderLeads('1 hour')).toThrow(/durations like 24h/);
    expect([24 * H, H, 2 * H, 30 * 60_000, 48 * H, 90 * 60_000, 1000].map((ms) => humanDuration(ms))).toEqual(['24 hours', '1 hour', '2 hours', '30 minutes', '2 days', '90 minutes', '1 minute']);
    expect([24 * H, H, 48 * H].map((ms) => humanDuration(ms, 'es-ES'))).toEqual(['24 horas', '1 hora', '2 días']);
    expect(reminderKey('conv_1', '24h')).toBe('reminder:conv_1:24h');
  });
});
