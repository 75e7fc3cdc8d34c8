/**
 * A sliding-window counter per key (a session, a client address): at most `max` events in any
 * `windowMs`. In memory: limits protect this process and reset on restart, which is fine for
 * flood control (with several processes each enforces its own share).
 *
 * @example
 * const perSession = new SlidingWindowLimiter(20, 10_000);
 * if (!perSession.take(publicId, Date.now())) ack({ ok: false, error: 'too fast' });
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();
  private sweepAt = 0;

  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {}

  /** Count one event for `key`; false (and not counted) when the window is already full. */
  take(key: string, now: number): boolean {
    this.sweep(now);
    let recent = this.hits.get(key);
    if (!recent) this.hits.set(key, (recent = []));
    // Times are appended as they come, so the expired ones lead: drop them from the front instead
    // of filtering the whole window on every event (a shared address with a high limit keeps
    // thousands; issue 13).
    let expired = 0;
    while (expired < recent.length && now - (recent[expired] as number) >= this.windowMs) expired++;
    if (expired > 0) recent.splice(0, expired);
    if (recent.length >= this.max) return false;
    recent.push(now);
    return true;
  }

  /** Forget keys whose window has passed, at most once per window, so the map cannot grow without bound. */
  private sweep(now: number): void {
    if (now < this.sweepAt) return;
    this.sweepAt = now + this.windowMs;
    for (const [key, times] of this.hits) if (times.every((t) => now - t >= this.windowMs)) this.hits.delete(key);
  }
}
