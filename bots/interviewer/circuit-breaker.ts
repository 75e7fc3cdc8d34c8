import { ErrorCodes, ParleyError } from '../../core/domain/errors.js';

/** `closed`: calls flow. `open`: calls are refused. `half-open`: one trial call may probe the provider. */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long the circuit stays open before a trial call is allowed. Default 60 000 ms. */
  openMs?: number;
  /** Epoch milliseconds; injectable so tests move time by hand. */
  now?: () => number;
}

/** A call was refused because the circuit is open (or its half-open trial is already in flight). */
export class CircuitOpenError extends ParleyError {
  constructor(readonly retryAtMs: number | undefined) {
    super(ErrorCodes.PROVIDER, 'circuit open: provider calls are paused');
  }
}

/**
 * Stops calling a failing provider for a while so callers degrade at once instead of waiting
 * on timeouts: closed -> (N consecutive failures) -> open -> (after `openMs`) half-open ->
 * one trial -> success closes, failure re-opens.
 *
 * A "failure" is whatever the caller reports: the LLM evaluator reports one per evaluation
 * that ended without a usable result, after its own retries.
 *
 * @example
 * const breaker = new CircuitBreaker({ now: () => clock.now().getTime() });
 * if (!breaker.tryAcquire()) return fallback();
 * try { const r = await call(); breaker.recordSuccess(); return r; }
 * catch (err) { breaker.recordFailure(); throw err; }
 */
export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly openMs: number;
  private readonly now: () => number;
  private consecutiveFailures = 0;
  private openedAtMs: number | undefined;
  private trialInFlight = false;

  constructor(opts: CircuitBreakerOptions = {}) {
    this.failureThreshold = opts.failureThreshold ?? 5;
    this.openMs = opts.openMs ?? 60_000;
    this.now = opts.now ?? Date.now;
    if (!(this.failureThreshold >= 1)) throw new RangeError('failureThreshold must be >= 1');
    if (!(this.openMs >= 0)) throw new RangeError('openMs must be >= 0');
  }

  /** Current state; an open circuit whose wait has elapsed reads as `half-open`. */
  get state(): BreakerState {
    if (this.openedAtMs === undefined) return 'closed';
    return this.now() - this.openedAtMs >= this.openMs ? 'half-open' : 'open';
  }

  /** Consecutive failures since the last success. */
  get failures(): number {
    return this.consecutiveFailures;
  }

  /** When the circuit last opened (epoch ms), or undefined while closed. */
  get openedAt(): number | undefined {
    return this.openedAtMs;
  }

  /**
   * Asks to make a call now. Closed: always yes. Open: no. Half-open: yes for exactly one
   * caller (the trial) until it reports back; concurrent callers get no.
   */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  /** The call succeeded: close the circuit and forget past failures. */
  recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.openedAtMs = undefined;
    this.trialInFlight = false;
  }

  /** The call failed: count it; open (or re-open after a failed trial) when due. */
  recordFailure(): void {
    this.consecutiveFailures += 1;
    const failedTrial = this.trialInFlight || this.state === 'half-open';
    this.trialInFlight = false;
    if (failedTrial || this.consecutiveFailures >= this.failureThreshold) this.openedAtMs = this.now();
  }

  /**
   * Runs `fn` through the breaker: refused with {@link CircuitOpenError} when open, and the
   * outcome recorded otherwise.
   */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.tryAcquire()) {
      throw new CircuitOpenError(this.openedAtMs === undefined ? undefined : this.openedAtMs + this.openMs);
    }
    try {
      const result = await fn();
      this.recordSuccess();
      return result;
    } catch (err) {
      this.recordFailure();
      throw err;
    }
  }
}
