import { parseDuration } from './durations.js';
import { ENGLISH_DATES, formatLocal, type DateWords } from './time-zones.js';

/** How long before the interview a reminder goes out; `kind` names it in job keys and events. */
export interface ReminderLead {
  kind: string;
  beforeMs: number;
}

export const DEFAULT_REMINDER_LEADS: readonly ReminderLead[] = [
  { kind: '24h', beforeMs: 24 * 3_600_000 },
  { kind: '1h', beforeMs: 3_600_000 },
];

/**
 * Parse a lead list such as `24h,1h,30m` (longest first after sorting).
 *
 * @example
 * parseReminderLeads('1h,24h') // [{ kind: '24h', beforeMs: 86400000 }, { kind: '1h', beforeMs: 3600000 }]
 */
export function parseReminderLeads(text: string): ReminderLead[] {
  const leads = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((kind) => {
      if (!/^\d+(m|h|d)$/.test(kind)) throw new RangeError(`expected durations like 24h, 1h or 30m, got "${kind}"`);
      return { kind, beforeMs: parseDuration(kind) };
    });
  return leads.sort((a, b) => b.beforeMs - a.beforeMs);
}

/** Job key of one reminder for one conversation's interview. */
export function reminderKey(conversationId: string, kind: string): string {
  return `reminder:${conversationId}:${kind}`;
}

/** The reminders to schedule for an interview at `at`: those whose time is still ahead. */
export function reminderPlan(at: Date, leads: readonly ReminderLead[], now: Date): { kind: string; runAt: Date }[] {
  return leads.map((l) => ({ kind: l.kind, runAt: new Date(at.getTime() - l.beforeMs) })).filter((r) => r.runAt.getTime() > now.getTime());
}

/**
 * Whether a reminder that fires now is still worth sending: not once the interview has started,
 * and not when a shorter reminder is already due (after downtime, one reminder, not two).
 */
export function shouldSendReminder(kind: string, at: Date, now: Date, leads: readonly ReminderLead[]): boolean {
  const lead = leads.find((l) => l.kind === kind);
  if (!lead || now.getTime() >= at.getTime()) return false;
  return !leads.some((l) => l.beforeMs < lead.beforeMs && now.getTime() >= at.getTime() - l.beforeMs);
}

/** A reminder's words in one language (English by default; the jobs read them from the catalogues). */
export interface ReminderWords extends DateWords {
  reminder(vars: { company: string; duration: string; when: string }): string;
  join(link: string): string;
}

export const ENGLISH_REMINDER: ReminderWords = {
  ...ENGLISH_DATES,
  reminder: ({ company, duration, when }) => `Reminder: your interview with ${company} starts in ${duration}, ${when}.`,
  join: (link) => `Join here: ${link}`,
};

/**
 * The reminder, with the time in the candidate's zone and language.
 *
 * @example
 * reminderText({ beforeMs: 3_600_000, at, timeZone: 'Europe/Lisbon', company: 'Acme' })
 * // 'Reminder: your interview with Acme starts in 1 hour, Tuesday 3 March at 14:00 (Europe/Lisbon).'
 */
export function reminderText(r: { beforeMs: number; at: Date; timeZone: string; company: string; link?: string | undefined }, words: ReminderWords = ENGLISH_REMINDER): string {
  const when = formatLocal(r.at, r.timeZone, words);
  const text = words.reminder({ company: r.company, duration: humanDuration(r.beforeMs, words.locale), when });
  return r.link ? `${text}\n${words.join(r.link)}` : text;
}

/** "24 hours", "1 hour", "30 minutes", "2 days" (in `locale`, by Intl: "24 horas"). */
export function humanDuration(ms: number, locale = 'en-GB'): string {
  const units: [number, 'day' | 'hour' | 'minute'][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  const say = (n: number, unit: 'day' | 'hour' | 'minute') => new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(n);
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0 && !(name === 'day' && ms / size === 1)) return say(ms / size, name);
  }
  return say(Math.max(1, Math.round(ms / 60_000)), 'minute');
}
