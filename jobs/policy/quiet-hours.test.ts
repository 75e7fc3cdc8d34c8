import { describe, expect, it } from '@jest/globals';
import { isQuietHours, nextAllowedTime, parseClock, parseQuietHours } from './quiet-hours.js';
import { formatLocal, localTime, zoneOr } from './time-zones.js';

const NIGHT = { start: parseClock('21:00'), end: parseClock('08:00') };
const LUNCH = { start: parseClock('12:00'), end: parseClock('13:30') };

describe('quiet hours', () => {
  it.each([
    // instant (UTC), zone, window, quiet?
    ['2026-01-10T20:59:00Z', 'Europe/Lisbon', NIGHT, false], // Lisbon is UTC in winter
    ['2026-01-10T21:00:00Z', 'Europe/Lisbon', NIGHT, true],
    ['2026-01-11T07:59:00Z', 'Europe/Lisbon', NIGHT, true],
    ['2026-01-11T08:00:00Z', 'Europe/Lisbon', NIGHT, false],
    ['2026-07-10T20:30:00Z', 'Europe/Lisbon', NIGHT, true], // 21:30 summer time
    ['2026-07-10T19:30:00Z', 'Europe/Lisbon', NIGHT, false],
    ['2026-01-10T13:00:00Z', 'America/Sao_Paulo', NIGHT, false], // 10:00 local
    ['2026-01-10T02:00:00Z', 'America/Sao_Paulo', NIGHT, true], // 23:00 local
    ['2026-01-10T12:15:00Z', 'UTC', LUNCH, true],
    ['2026-01-10T13:30:00Z', 'UTC', LUNCH, false],
    ['2026-01-10T03:00:00Z', 'Asia/Kolkata', NIGHT, false], // 08:30 local (+05:30)
    ['2026-01-10T02:00:00Z', 'Asia/Kolkata', NIGHT, true], // 07:30 local
  ] as const)('%s in %s -> quiet %s', (at, zone, window, quiet) => {
    expect(isQuietHours(new Date(at), zone, window)).toBe(quiet);
  });

  it.each([
    ['2026-01-10T23:10:00Z', 'Europe/Lisbon', NIGHT, '2026-01-11T08:00:00.000Z'],
    ['2026-07-10T23:10:00Z', 'Europe/Lisbon', NIGHT, '2026-07-11T07:00:00.000Z'], // 08:00 WEST
    ['2026-01-10T10:00:00Z', 'Europe/Lisbon', NIGHT, '2026-01-10T10:00:00.000Z'], // not quiet: unchanged
    ['2026-01-10T02:00:00Z', 'Asia/Kolkata', NIGHT, '2026-01-10T02:30:00.000Z'],
    ['2026-01-10T12:00:30Z', 'UTC', LUNCH, '2026-01-10T13:30:00.000Z'],
    // The night the clocks go forward in Lisbon (29 March 2026, 01:00 UTC): 08:00 is 07:00 UTC.
    ['2026-03-28T22:00:00Z', 'Europe/Lisbon', NIGHT, '2026-03-29T07:00:00.000Z'],
  ] as const)('next allowed time after %s in %s is %s', (at, zone, window, expected) => {
    const next = nextAllowedTime(new Date(at), zone, window);
    expect(next.toISOString()).toBe(expected);
    expect(isQuietHours(next, zone, window)).toBe(false);
  });

  it('parses windows, and rejects what is not HH:MM-HH:MM', () => {
    expect(parseQuietHours('21:00-08:00')).toEqual({ start: 1260, end: 480 });
    expect(parseQuietHours('')).toBeUndefined();
    expect(parseQuietHours('09:00-09:00')).toBeUndefined();
    expect(isQuietHours(new Date(), 'UTC', undefined)).toBe(false);
    for (const bad of ['21-8', '25:00-08:00', '21:00', '21:00-08:00-09:00', '9pm-8am']) expect(() => parseQuietHours(bad)).toThrow(/HH:MM/);
  });
});

describe('time zones', () => {
  it('reads wall-clock time, formats for a candidate, and falls back on an unknown zone', () => {
    expect(localTime(new Date('2026-07-01T12:00:00Z'), 'Europe/Lisbon')).toMatchObject({ hour: 13, minute: 0, minuteOfDay: 780, day: 1, month: 7 });
    expect(localTime(new Date('2026-01-01T00:30:00Z'), 'UTC')).toMatchObject({ hour: 0, minuteOfDay: 30 });
    expect(formatLocal(new Date('2026-03-03T14:00:00Z'), 'Europe/Lisbon')).toBe('Tuesday 3 March at 14:00 (Europe/Lisbon)');
    expect(formatLocal(new Date('2026-03-03T14:00:00Z'), 'America/New_York')).toBe('Tuesday 3 March at 09:00 (America/New_York)');
    expect(zoneOr('Mars/Olympus_Mons', 'UTC')).toBe('UTC');
    expect(zoneOr(undefined, 'Europe/Lisbon')).toBe('Europe/Lisbon');
    expect(zoneOr('Asia/Tokyo', 'UTC')).toBe('Asia/Tokyo');
  });
});
