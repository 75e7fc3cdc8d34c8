const UNITS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Parse a duration such as `90s`, `30m`, `2h` or `1d` into milliseconds.
 *
 * @example
 * parseDuration('2h') // 7200000
 */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(text.trim());
  if (!m) throw new RangeError(`expected a duration like 30m, 2h or 1d, got "${text}"`);
  return Math.round(Number(m[1]) * UNITS[m[2] as keyof typeof UNITS]);
}

/** A comma-separated list of durations (`2h,24h`). */
export function parseDurations(text: string): number[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseDuration);
}
