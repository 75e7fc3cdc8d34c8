const DAY = 86_400_000;

/**
 * The next time of day `minuteOfDay` (UTC) strictly after `now`.
 *
 * @example
 * nextDailyAt(new Date('2026-05-01T01:59:00Z'), 120) // 2026-05-01T02:00:00Z
 * nextDailyAt(new Date('2026-05-01T02:00:00Z'), 120) // 2026-05-02T02:00:00Z
 */
export function nextDailyAt(now: Date, minuteOfDay: number): Date {
  const midnight = now.getTime() - (now.getTime() % DAY);
  const today = midnight + minuteOfDay * 60_000;
  return new Date(today > now.getTime() ? today : today + DAY);
}

/**
 * The next slot of a fixed period after `now`, aligned to the epoch (a sweep every 5 minutes runs
 * at :00, :05, :10... whenever the process started).
 *
 * @example
 * nextEvery(new Date('2026-05-01T10:03:20Z'), 300_000) // 2026-05-01T10:05:00Z
 */
export function nextEvery(now: Date, periodMs: number): Date {
  return new Date((Math.floor(now.getTime() / periodMs) + 1) * periodMs);
}
