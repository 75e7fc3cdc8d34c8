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

/**
 * Per-account sign-in back-off, whatever the client address: after `freeFailures` failed
 * attempts, each further attempt must wait 1 s, 2 s, 4 s... after the last failure, capped at
 * `maxDelayMs`. It slows guessing down and never locks an account out (the rightful owner can
 * always try again after at most `maxDelayMs`). Refused attempts are not failures (they check no
 * password); a success, or `forgetAfterMs` without failures, clears the account. Pure: the
 * caller passes the time.
 *
 * @example
 * const backoff = new AccountBackoff(5, 300_000);
 * const wait = backoff.retryAfterSec('ana@acme.test', now); // 0: allowed
 */
export class AccountBackoff {
  private readonly accounts = new Map<string, { failures: number; lastMs: number }>();
  private readonly forgetAfterMs: number;

  constructor(
    private readonly freeFailures: number,
    private readonly maxDelayMs: number,
    forgetAfterMs?: number,
  ) {
    this.forgetAfterMs = forgetAfterMs ?? Math.max(2 * maxDelayMs, 15 * 60_000);
  }

  /** Seconds until `key` may try again; 0 when it may now. */
  retryAfterSec(key: string, nowMs: number): number {
    const entry = this.current(key, nowMs);
    if (!entry || entry.failures < this.freeFailures) return 0;
    const wait = entry.lastMs + this.delayMs(entry.failures) - nowMs;
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  recordFailure(key: string, nowMs: number): void {
    const entry = this.current(key, nowMs);
    this.accounts.set(key, { failures: (entry?.failures ?? 0) + 1, lastMs: nowMs });
    if (this.accounts.size > 10_000) {
      for (const [k, e] of this.accounts) if (nowMs - e.lastMs >= this.forgetAfterMs) this.accounts.delete(k);
    }
  }

  reset(key: string): void {
    this.accounts.delete(key);
  }

  private delayMs(failures: number): number {
    const doublings = Math.min(failures - this.freeFailures, 30);
    return Math.min(this.maxDelayMs, 1000 * 2 ** doublings);
  }

  private current(key: string, nowMs: number): { failures: number; lastMs: number } | undefined {
    const entry = this.accounts.get(key);
    return entry && nowMs - entry.lastMs < this.forgetAfterMs ? entry : undefined;
  }
}
