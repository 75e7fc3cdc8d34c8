export interface BackoffPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { maxAttempts: 6, baseMs: 500, maxMs: 30_000 };

/**
 * Exponential backoff with full jitter: a random delay in [base*2^(n-1)/2, base*2^(n-1)], capped.
 * A provider's `retry-after` wins when it is longer.
 *
 * @example
 * backoffDelay(3, DEFAULT_BACKOFF, 0.5) // 1500 (half-jitter of 2000, plus half)
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: number, retryAfterMs?: number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exp / 2 + (exp / 2) * random);
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered;
}
