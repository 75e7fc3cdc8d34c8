import { z } from 'zod';
import { isValidTimeZone, localTime } from '../policy/index.js';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const Range = z.tuple([z.string().regex(HHMM, 'expected HH:MM'), z.string().regex(HHMM, 'expected HH:MM')]).refine(([a, b]) => minutes(a) < minutes(b), 'a range must end after it starts');
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** A recruiter's published availability: weekly hours and dated exceptions, in their own time zone. */
export const AvailabilitySchema = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.email().optional(),
  timeZone: z.string().refine(isValidTimeZone, 'expected an IANA time zone such as Europe/Lisbon'),
  /** Weekday -> [["09:00","12:00"], ...] (local time). */
  weekly: z.partialRecord(z.enum(WEEKDAYS), z.array(Range).max(12)).default({}),
  /** A date (YYYY-MM-DD, local) -> its hours instead of the weekly ones ([] = off that day). */
  exceptions: z.array(z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD'), hours: z.array(Range).max(12) })).max(500).default([]),
});
export type Availability = z.infer<typeof AvailabilitySchema>;
export interface Recruiter extends Availability {
  id: string;
}

export interface Slot {
  recruiterId: string;
  start: Date;
  end: Date;
}

export interface SlotSettings {
  slotMinutes: number;
  minNoticeMs: number;
  horizonDays: number;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/**
 * The instant at which the wall clock in `timeZone` shows the given local date and minute of day
 * (DST-aware: the offset is taken at the result, corrected once).
 */
export function zonedToUtc(year: number, month: number, day: number, minuteOfDay: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day, 0, minuteOfDay);
  const offsetAt = (t: number) => {
    const l = localTime(new Date(t), timeZone);
    return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute) - Math.floor(t / 60_000) * 60_000;
  };
  let guess = wall - offsetAt(wall);
  guess = wall - offsetAt(guess);
  return new Date(guess);
}

/** Every free slot of one recruiter from `now` (plus notice) over the horizon, earliest first. */
export function recruiterSlots(r: Recruiter, now: Date, taken: ReadonlySet<string>, s: SlotSettings): Slot[] {
  const out: Slot[] = [];
  const earliest = now.getTime() + s.minNoticeMs;
  const today = localTime(now, r.timeZone);
  const exceptions = new Map(r.exceptions.map((e) => [e.date, e.hours]));
  for (let i = 0; i <= s.horizonDays; i++) {
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day + i));
    const date = d.toISOString().slice(0, 10);
    const hours = exceptions.get(date) ?? r.weekly[WEEKDAYS[d.getUTCDay()]!] ?? [];
    for (const [from, to] of hours) {
      for (let m = minutes(from); m + s.slotMinutes <= minutes(to); m += s.slotMinutes) {
        const start = zonedToUtc(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), m, r.timeZone);
        if (start.getTime() < earliest || taken.has(slotKey(r.id, start))) continue;
        out.push({ recruiterId: r.id, start, end: new Date(start.getTime() + s.slotMinutes * 60_000) });
      }
    }
  }
  return out.sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** The next `count` free slots across recruiters, earliest first (one per start time). */
export function nextFreeSlots(recruiters: readonly Recruiter[], now: Date, taken: ReadonlySet<string>, s: SlotSettings, count: number): Slot[] {
  const all = recruiters.flatMap((r) => recruiterSlots(r, now, taken, s)).sort((a, b) => a.start.getTime() - b.start.getTime() || a.recruiterId.localeCompare(b.recruiterId));
  const seen = new Set<number>();
  const out: Slot[] = [];
  for (const slot of all) {
    if (seen.has(slot.start.getTime())) continue;
    seen.add(slot.start.getTime());
    out.push(slot);
    if (out.length >= count) break;
  }
  return out;
}

export const slotKey = (recruiterId: string, start: Date) => `${recruiterId}@${start.getTime()}`;
