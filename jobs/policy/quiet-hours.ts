import { localTime } from './time-zones.js';

/** A daily window, in minutes since local midnight; it may wrap past midnight (21:00-08:00). */
export interface QuietHours {
  start: number;
  end: number;
}

/**
 * Parse `HH:MM` (24-hour) into minutes since midnight.
 *
 * @example
 * parseClock('21:30') // 1290
 */
export function parseClock(text: string): number {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  if (!m) throw new RangeError(`expected a time as HH:MM, got "${text}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * Parse `HH:MM-HH:MM`; an empty string or equal ends mean no quiet hours.
 *
 * @example
 * parseQuietHours('21:00-08:00') // { start: 1260, end: 480 }
 */
export function parseQuietHours(text: string): QuietHours | undefined {
  if (!text.trim()) return undefined;
  const [start, end, extra] = text.split('-');
  if (start === undefined || end === undefined || extra !== undefined) throw new RangeError(`expected quiet hours as HH:MM-HH:MM, got "${text}"`);
  const window = { start: parseClock(start), end: parseClock(end) };
  return window.start === window.end ? undefined : window;
}

/** Whether `at` falls in the quiet window, in `timeZone`'s wall-clock time. */
export function isQuietHours(at: Date, timeZone: string, quiet: QuietHours | undefined): boolean {
  if (!quiet) return false;
  const m = localTime(at, timeZone).minuteOfDay;
  return quiet.start < quiet.end ? m >= quiet.start && m < quiet.end : m >= quiet.start || m < quiet.end;
}

/**
 * The earliest time at or after `at` outside quiet hours in `timeZone`.
 *
 * @example
 * // 23:10 in Lisbon with quiet hours 21:00-08:00 -> 08:00 the next morning, Lisbon time
 * nextAllowedTime(new Date('2026-01-10T23:10:00Z'), 'Europe/Lisbon', { start: 1260, end: 480 }) // 2026-01-11T08:00:00Z
 */
export function nextAllowedTime(at: Date, timeZone: string, quiet: QuietHours | undefined): Date {
  if (!quiet) return at;
  let t = at;
  for (let i = 0; i < 3 && isQuietHours(t, timeZone, quiet); i++) {
    const m = localTime(t, timeZone).minuteOfDay;
    const startOfMinute = t.getTime() - (t.getTime() % 60_000);
    t = new Date(startOfMinute + ((quiet.end - m + 1440) % 1440 || 1440) * 60_000);
    // Wall-clock minutes are not real minutes across a DST change: correct by what the clock says.
    const drift = ((localTime(t, timeZone).minuteOfDay - quiet.end + 720 + 1440) % 1440) - 720;
    t = new Date(t.getTime() - drift * 60_000);
  }
  return t;
}
