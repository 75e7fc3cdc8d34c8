import { ProviderError } from '../domain/index.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';

/**
 * How one retry loop behaves. Every retry loop in Parley (provider sends, polling, transcription,
 * LLM calls, Slack, commits on a concurrent write) runs through `retry` or `nextRetryDelay`, so
 * they share one backoff formula (`backoffDelay`), one retry-after rule and one classification.
 */
export interface RetryOptions {
  /** Attempts in all (the first included), and the backoff's base and cap. */
  policy: BackoffPolicy;
  /** Worth another attempt? Default `isRetryable`: everything but a permanent provider error. */
  retryable?: (err: unknown) => boolean;
  /** How long the provider asked us to wait. Default: `ProviderError.retryAfterMs`. */
  retryAfterMs?: (err: unknown) => number | undefined;
  /** A provider asking for a longer wait than this is not waited for: give up instead. */
  maxRetryAfterMs?: number;
  /** Told before each pause (logs, metrics). */
  onRetry?: (info: { attempt: number; delayMs: number; err: unknown }) => void;
  /** False stops the loop (its owner is stopping); the last error is thrown. */
  active?: () => boolean;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter. */
  random?: () => number;
}

/** The default classification: a provider's permanent error (bad recipient, 4xx) is not retried; anything else is. */
export function isRetryable(err: unknown): boolean {
  return !(err instanceof ProviderError && err.permanent);
}

/** The wait a provider asked for, when the error says. */
export function providerRetryAfter(err: unknown): number | undefined {
  return err instanceof ProviderError ? err.retryAfterMs : undefined;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The delay before the next attempt after `attempt` (1-based) failed with `err`, or undefined
 * to give up (not retryable, attempts spent, or a retry-after longer than allowed).
 *
 * @example
 * nextRetryDelay(new ProviderError('telegram', 'slow down', { status: 429, retryAfterMs: 3000 }), 1, { policy: DEFAULT_BACKOFF }); // 3000
 */
export function nextRetryDelay(err: unknown, attempt: number, opts: RetryOptions): number | undefined {
  if (attempt >= opts.policy.maxAttempts) return undefined;
  if (!(opts.retryable ?? isRetryable)(err)) return undefined;
  const retryAfter = (opts.retryAfterMs ?? providerRetryAfter)(err);
  if (retryAfter !== undefined && opts.maxRetryAfterMs !== undefined && retryAfter > opts.maxRetryAfterMs) return undefined;
  return backoffDelay(attempt, opts.policy, (opts.random ?? Math.random)(), retryAfter);
}

/**
 * Run `work` until it succeeds or `nextRetryDelay` gives up; then its last error is thrown.
 * Exponential backoff with jitter, a provider's retry-after honoured.
 *
 * @example
 * await retry(() => api.sendMessage(chatId, text), { policy: { maxAttempts: 3, baseMs: 500, maxMs: 10_000 } });
 */
export async function retry<T>(work: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const sleep = opts.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (err) {
      if (opts.active && !opts.active()) throw err;
      const delayMs = nextRetryDelay(err, attempt, opts);
      if (delayMs === undefined) throw err;
      opts.onRetry?.({ attempt, delayMs, err });
      if (delayMs > 0) await sleep(delayMs);
      if (opts.active && !opts.active()) throw err;
    }
  }
}

/**
 * How long a server asked us to wait, read once for every provider: `retry-after-ms`, else
 * `retry-after` in seconds or as an HTTP date. Undefined when absent or unreadable.
 *
 * @example
 * parseRetryAfter(res.headers, Date.now()) // 'Retry-After: 3' -> 3000
 */
export function parseRetryAfter(headers: unknown, now: number): number | undefined {
  if (!headers || typeof (headers as Headers).get !== 'function') return undefined;
  const h = headers as Headers;
  const ms = Number.parseFloat(h.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = h.get('retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number.parseFloat(raw) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Commits that lost a race to a concurrent write are re-run at once, a few times. */
export const COMMIT_RETRY: BackoffPolicy = { maxAttempts: 5, baseMs: 0, maxMs: 0 };
