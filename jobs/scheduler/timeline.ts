import type { Clock, Logger } from '../../core/ports/index.js';
import { skewShift } from './domain-time.js';

/** Where the applied skew is kept, beside the jobs it describes (it must survive a restart). */
export interface SkewStore {
  get(): Promise<number | undefined>;
  set(skewMs: number): Promise<void>;
}

export interface TimelineDeps {
  clock: Clock;
  store: SkewStore;
  /** Move every waiting job's real due time by `deltaMs`. */
  shift: (deltaMs: number) => Promise<number>;
  log: Logger;
  toleranceMs: number;
  now?: () => number;
}

/**
 * Maps domain times to Agenda's real times and keeps them aligned: when the domain clock jumps
 * (a test's `ManualClock.advance`, a replay), every waiting job moves so its domain due time
 * stays put. With the system clock the skew is 0 and nothing ever moves.
 *
 * @example
 * await timeline.sync();
 * agenda.schedule(timeline.toReal(runAt), name, data);
 */
export class DomainTimeline {
  private applied = 0;
  private shifts = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly realNow: () => number;

  constructor(private readonly deps: TimelineDeps) {
    this.realNow = deps.now ?? Date.now;
  }

  /** Load the skew stored due times were written under, and catch up with the clock now. */
  async load(): Promise<void> {
    const stored = await this.deps.store.get();
    this.applied = stored ?? this.observed();
    if (stored === undefined) await this.deps.store.set(this.applied);
    await this.sync();
  }

  /**
   * Changes whenever stored due times are realigned: a real time computed under an older version
   * (by a job that was running meanwhile, which the realignment skips) must be computed again.
   */
  get version(): number {
    return this.shifts;
  }

  /** Real (Agenda) time for a domain time. */
  toReal(domain: Date): Date {
    return new Date(domain.getTime() - this.applied);
  }

  /** Align stored due times with the clock if it has drifted; calls are serialised. */
  sync(): Promise<void> {
    return this.serial(() => this.syncOnce()).catch((err: unknown) => this.deps.log.error({ err }, 'jobs: aligning due times with the clock failed'));
  }

  /**
   * Run a write that computes real times with the skew held still: no realignment can slip in
   * between computing a due time and storing it (it would miss the new job, or move it twice).
   */
  withSkew<T>(write: (toReal: (domain: Date) => Date) => Promise<T>): Promise<T> {
    return this.serial(() => write((d) => this.toReal(d)));
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async syncOnce(): Promise<void> {
    const observed = this.observed();
    const delta = skewShift(this.applied, observed, this.deps.toleranceMs);
    if (delta === 0) return;
    const moved = await this.deps.shift(delta);
    this.applied = observed;
    this.shifts++;
    await this.deps.store.set(observed);
    this.deps.log.debug({ deltaMs: delta, moved }, 'jobs: domain clock moved, due times realigned');
  }

  private observed(): number {
    return this.deps.clock.now().getTime() - this.realNow();
  }
}
