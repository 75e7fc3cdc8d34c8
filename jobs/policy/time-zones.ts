/** Local wall-clock fields of an instant in a time zone. */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** Minutes since local midnight. */
  minuteOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA zone this runtime knows (e.g. `Europe/Lisbon`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The candidate's zone if it is valid, otherwise the configured default. */
export function zoneOr(timeZone: string | undefined, fallback: string): string {
  return timeZone && isValidTimeZone(timeZone) ? timeZone : fallback;
}

/**
 * Wall-clock time of `at` in `timeZone`.
 *
 * @example
 * localTime(new Date('2026-07-01T12:00:00Z'), 'Europe/Lisbon') // { hour: 13, minute: 0, ... }
 */
export function localTime(at: Date, timeZone: string): LocalTime {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(at).map((p) => [p.type, p.value]));
  const hour = Number(parts.hour) % 24;
  const minute = Number(parts.minute);
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour, minute, minuteOfDay: hour * 60 + minute };
}

/** How dates read in one language: the Intl locale, and the "day at time (zone)" frame. */
export interface DateWords {
  locale: string;
  when(parts: { day: string; time: string; zone: string }): string;
}

export const ENGLISH_DATES: DateWords = { locale: 'en-GB', when: ({ day, time, zone }) => `${day} at ${time} (${zone})` };

/**
 * A date and time as a candidate reads it, in their zone (and their language, given its words).
 *
 * @example
 * formatLocal(new Date('2026-03-03T14:00:00Z'), 'Europe/Lisbon') // 'Tuesday 3 March at 14:00 (Europe/Lisbon)'
 */
export function formatLocal(at: Date, timeZone: string, words: DateWords = ENGLISH_DATES): string {
  const day = new Intl.DateTimeFormat(words.locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long' }).format(at).replace(',', '');
  const time = new Intl.DateTimeFormat(words.locale, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  return words.when({ day, time, zone: timeZone });
}
