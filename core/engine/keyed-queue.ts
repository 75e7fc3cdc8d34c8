import { ShuttingDownError } from '../domain/index.js';
import type { KeyedQueue } from '../ports/index.js';
import type { Logger } from '../ports/logger.js';
import { silentLogger } from '../ports/logger.js';

/**
 * A signal that something more urgent than starting jobs is under way: a burst of webhooks (issue
 * 13, `bin/ingress-pressure.ts`). While it is raised the queue starts jobs at a lower concurrency
 * (none by default), so the burst is answered ahead of the turns it brings.
 */
export interface Pressure {
  /** True while the signal is raised. */
  readonly raised: boolean;
  /** Calls `listener` each time the signal drops; returns the unsubscribe. */
  onRelease(listener: () => void): () => void;
}

/** How the queue yields to a raised `Pressure` (defaults in `PRESSURE_DEFAULTS`). */
export interface PressureOptions {
  signal: Pressure;
  /** Jobs that may run at once while the signal is raised (0: none but those the bounds let through). */
  concurrency?: number;
  /** A job ready longer than this starts anyway, up to the full concurrency (no starvation). */
  maxDeferMs?: number;
  /** Beyond this many waiting jobs, jobs start anyway, up to the full concurrency. */
  maxDeferred?: number;
  /** Milliseconds since some epoch (tests inject one); `performance.now` by default. */
  now?: () => number;
  /** A timer for the oldest held-back job's deadline, returns the cancel (tests fire it by hand). */
  schedule?: (fn: () => void, ms: number) => () => void;
}

/**
 * No turns started under pressure: a turn is ~2.5 ms of CPU against ~0.3 ms to accept a webhook,
 * and one turn at a time already takes most of the event loop (measured: with 1 or 2, accepted/s
 * stayed equal to processed/s). 2 s: the longest a turn is held back in a burst (a reply's
 * latency; web chat turns share the queue). 5,000: jobs held in memory (their rows are durable;
 * the engine keeps up to 10,000 turn snapshots).
 */
export const PRESSURE_DEFAULTS = { concurrency: 0, maxDeferMs: 2000, maxDeferred: 5000 } as const;

const unrefTimer = (fn: () => void, ms: number): (() => void) => {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * In-process keyed queue: serial per key, parallel across keys, with a cap on jobs running at
 * once. Not durable by itself: the store is (pending rows are re-driven on start).
 *
 * @example
 * const q = new InProcessKeyedQueue<{ id: string }>({ concurrency: 32 });
 * q.process(async ({ id }) => handle(id));
 * await q.add('conv_1', { id: 'msg_1' });
 */
export class InProcessKeyedQueue<T> implements KeyedQueue<T> {
  private handler: ((payload: T, key: string) => Promise<void>) | undefined;
  private readonly lanes = new Map<string, T[]>();
  /** Keys whose next job may start, oldest first, with the time each became ready. */
  private readonly ready: { key: string; since: number }[] = [];
  private running = 0;
  private waiting = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly pressure: Required<PressureOptions> | undefined;
  /** The timer for the oldest held-back job's deadline: when it fires, and its cancel. */
  private deadline: { at: number; cancel: () => void } | undefined;
  private readonly onError: (err: unknown, detail: { what: string }) => void;

  /**
   * `onError`: where a job's uncaught error goes (the engine's `TurnErrorSink`); logged by default.
   * `pressure`: hold jobs back during a burst of webhooks (embedded mode's turn queue, issue 13).
   */
  constructor(opts: { concurrency?: number; log?: Logger; onError?: (err: unknown, detail: { what: string }) => void; pressure?: PressureOptions } = {}) {
    this.concurrency = opts.concurrency ?? 64;
    if (opts.pressure) {
      const p = opts.pressure;
      this.pressure = {
        signal: p.signal,
        concurrency: Math.max(0, Math.min(p.concurrency ?? PRESSURE_DEFAULTS.concurrency, this.concurrency)),
        maxDeferMs: p.maxDeferMs ?? PRESSURE_DEFAULTS.maxDeferMs,
        maxDeferred: p.maxDeferred ?? PRESSURE_DEFAULTS.maxDeferred,
        now: p.now ?? (() => performance.now()),
        schedule: p.schedule ?? unrefTimer,
      };
      // Back to full concurrency as soon as the burst is over.
      p.signal.onRelease(() => this.pump());
    }
    const log = opts.log ?? silentLogger;
    this.onError = opts.onError ?? ((err, detail) => log.error({ err, ...detail }, 'queued job failed'));
  }

  process(handler: (payload: T, key: string) => Promise<void>): void {
    this.handler = handler;
    this.pump();
  }

  async add(key: string, payload: T): Promise<void> {
    if (this.closed) throw new ShuttingDownError();
    this.waiting++;
    const lane = this.lanes.get(key);
    if (lane) {
      lane.push(payload);
      return;
    }
    this.lanes.set(key, [payload]);
    this.ready.push({ key, since: this.now() });
    this.pump();
  }

  depth(): number {
    return this.waiting + this.running;
  }

  drain(): Promise<void> {
    if (this.depth() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pump();
    await this.drain();
  }

  /** Whether another job may start now: the full concurrency, or the reduced one under pressure. */
  private mayStart(): boolean {
    if (this.running >= this.concurrency) return false;
    const p = this.pressure;
    // Closing: no more webhooks to answer, finish the work.
    if (!p || this.closed || !p.signal.raised || this.running < p.concurrency) return true;
    // Under pressure and at the reduced concurrency: start anyway what waited too long or too many.
    const oldest = this.ready[0];
    return this.waiting > p.maxDeferred || (oldest !== undefined && p.now() - oldest.since > p.maxDeferMs);
  }

  private now(): number {
    return this.pressure ? this.pressure.now() : 0;
  }

  private pump(): void {
    const handler = this.handler;
    if (!handler) return;
    while (this.ready.length > 0 && this.mayStart()) {
      const { key } = this.ready.shift() as { key: string };
      const lane = this.lanes.get(key);
      const payload = lane?.shift();
      if (payload === undefined) continue;
      this.waiting--;
      this.running++;
      void this.run(handler, key, payload);
    }
    if (this.pressure) this.armDeadline(this.pressure);
  }

  /**
   * Jobs held back by the pressure may have nothing running to call `pump` again (the signal may
   * stay raised by webhooks that bring no job): a timer starts the oldest at its deadline.
   */
  private armDeadline(p: Required<PressureOptions>): void {
    const oldest = this.ready[0];
    // Ready jobs with a free slot are held back; none, or no free slot: a finishing job pumps.
    const at = oldest && this.running < this.concurrency ? oldest.since + p.maxDeferMs : undefined;
    if (at === this.deadline?.at) return;
    this.deadline?.cancel();
    this.deadline = at === undefined ? undefined : { at, cancel: p.schedule(() => {
      this.deadline = undefined;
      this.pump();
    }, Math.max(0, at - p.now()) + 1) };
  }

  private async run(handler: (payload: T, key: string) => Promise<void>, key: string, payload: T): Promise<void> {
    try {
      await handler(payload, key);
    } catch (err) {
      // Handlers own their errors; this is the last line so one bad job never wedges a lane.
      this.onError(err, { what: `job on ${key}` });
    } finally {
      this.running--;
      const lane = this.lanes.get(key);
      if (lane && lane.length > 0) this.ready.push({ key, since: this.now() });
      else this.lanes.delete(key);
      this.pump();
      if (this.depth() === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }
}
