/** Time comes from here, never from `new Date()` in logic, so tests can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock tests move by hand.
 *
 * @example
 * const clock = new ManualClock(new Date('2026-01-01T09:00:00Z'));
 * clock.advance(60_000);
 */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date = new Date('2026-01-01T09:00:00Z')) {
    this.current = start.getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(date: Date): void {
    this.current = date.getTime();
  }
}
