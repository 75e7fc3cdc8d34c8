/**
 * Failed-login counter over a sliding window. Pure: the caller passes the time. A success
 * clears the key; memory stays bounded because stale keys are pruned as new failures arrive.
 *
 * @example
 * const limiter = new LoginRateLimiter(5, 60_000);
 * if (limiter.retryAfterSec(key, now) > 0) reject429();
 */
export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Seconds until another attempt is allowed for `key`; 0 when it is allowed now. */
  retryAfterSec(key: string, nowMs: number): number {
    const recent = this.recent(key, nowMs);
    if (recent.length < this.max) return 0;
    const oldest = recent[recent.length - this.max] as number;
    return Math.max(1, Math.ceil((oldest + this.windowMs - nowMs) / 1000));
  }

  recordFailure(key: string, nowMs: number): void {
    const recent = this.recent(key, nowMs);
    recent.push(nowMs);
    this.failures.set(key, recent);
    if (this.failures.size > 10_000) this.prune(nowMs);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, nowMs: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => nowMs - t < this.windowMs);
  }

  private prune(nowMs: number): void {
    for (const [key, times] of this.failures) {
      if (times.every((t) => nowMs - t >= this.windowMs)) this.failures.delete(key);
    }
  }
}
