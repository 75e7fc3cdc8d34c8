import { describe, expect, it } from '@jest/globals';
import { InProcessKeyedQueue, PRESSURE_DEFAULTS, type Pressure, type PressureOptions } from './keyed-queue.js';

/** A pressure signal raised and dropped by hand. */
class HandPressure implements Pressure {
  raised = false;
  private readonly listeners = new Set<() => void>();
  onRelease(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  release(): void {
    this.raised = false;
    for (const l of this.listeners) l();
  }
}

/** A clock moved by hand and timers fired by hand. */
class HandTime {
  ms = 0;
  timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  readonly now = () => this.ms;
  readonly schedule = (fn: () => void, ms: number) => {
    const t = { at: this.ms + ms, fn, cancelled: false };
    this.timers.push(t);
    return () => void (t.cancelled = true);
  };
  /** Move the clock and fire the timers that are due. */
  advance(ms: number): void {
    this.ms += ms;
    const due = this.timers.filter((t) => !t.cancelled && t.at <= this.ms);
    this.timers = this.timers.filter((t) => !due.includes(t));
    for (const t of due) t.fn();
  }
  pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}

/** A queue whose jobs each wait for the test to finish them; `started` lists them in order. */
function heldQueue(pressure: Omit<PressureOptions, 'now' | 'schedule'>, time = new HandTime(), concurrency = 8) {
  const q = new InProcessKeyedQueue<string>({ concurrency, pressure: { ...pressure, now: time.now, schedule: time.schedule } });
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  q.process((job) => {
    started.push(job);
    return new Promise<void>((resolve) => finishers.set(job, resolve));
  });
  const finish = async (job: string) => {
    finishers.get(job)?.();
    // The job's `finally` (which pumps) runs a few microtasks later.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { q, started, finish, time };
}

describe('InProcessKeyedQueue under ingress pressure (issue 13)', () => {
  it('holds jobs back while the signal is raised and starts them, up to the full concurrency, once it drops', async () => {
    const signal = new HandPressure();
    const { q, started, finish } = heldQueue({ signal }, new HandTime(), 3);
    signal.raised = true;
    for (const job of ['a', 'b', 'c', 'd']) await q.add(job, job);
    expect(started).toEqual([]);
    expect(q.depth()).toBe(4);
    signal.release();
    expect(started).toEqual(['a', 'b', 'c']);
    await finish('a');
    expect(started).toEqual(['a', 'b', 'c', 'd']);
  });

  it('runs at the reduced concurrency while raised, then at the full one', async () => {
    const signal = new HandPressure();
    const { q, started, finish } = heldQueue({ signal, concurrency: 1 });
    signal.raised = true;
    for (const job of ['a', 'b', 'c']) await q.add(job, job);
    expect(started).toEqual(['a']);
    await finish('a');
    expect(started).toEqual(['a', 'b']);
    signal.release();
    expect(started).toEqual(['a', 'b', 'c']);
  });

  it('starts jobs as before when the signal is not raised', async () => {
    const signal = new HandPressure();
    const { q, started } = heldQueue({ signal });
    for (const job of ['a', 'b']) await q.add(job, job);
    expect(started).toEqual(['a', 'b']);
  });

  it('a job held back longer than maxDeferMs starts anyway, by its timer, while the signal stays raised', async () => {
    const signal = new HandPressure();
    const { q, started, time } = heldQueue({ signal, maxDeferMs: 1000 });
    signal.raised = true;
    await q.add('a', 'a');
    time.advance(600);
    await q.add('b', 'b');
    time.advance(399);
    expect(started).toEqual([]);
    // 'a' is due at 1000 ms: its timer starts it; 'b' (due at 1600) waits.
    time.advance(2);
    expect(started).toEqual(['a']);
    expect(time.pending()).toBe(1);
    time.advance(600);
    expect(started).toEqual(['a', 'b']);
    expect(time.pending()).toBe(0);
  });

  it('an overdue job also starts on the next add, and one timer serves a whole burst', async () => {
    const signal = new HandPressure();
    const { q, started, time } = heldQueue({ signal, maxDeferMs: 1000 });
    signal.raised = true;
    for (let i = 0; i < 50; i++) await q.add(`k${i}`, `k${i}`);
    expect(time.pending()).toBe(1);
    time.ms += 1001;
    await q.add('late', 'late');
    expect(started).toHaveLength(8);
    expect(started[0]).toBe('k0');
  });

  it('beyond maxDeferred waiting jobs, jobs start while the signal stays raised', async () => {
    const signal = new HandPressure();
    const { q, started } = heldQueue({ signal, maxDeferred: 3 });
    signal.raised = true;
    for (const job of ['a', 'b', 'c']) await q.add(job, job);
    expect(started).toEqual([]);
    await q.add('d', 'd');
    expect(started).toEqual(['a']);
    expect(q.depth()).toBe(4);
  });

  it('close() drains held-back jobs without waiting for the signal to drop', async () => {
    const signal = new HandPressure();
    const time = new HandTime();
    const q = new InProcessKeyedQueue<string>({ pressure: { signal, now: time.now, schedule: time.schedule } });
    const done: string[] = [];
    q.process(async (job) => void done.push(job));
    signal.raised = true;
    await q.add('a', 'a');
    await q.add('b', 'b');
    expect(done).toEqual([]);
    await q.close();
    expect(done).toEqual(['a', 'b']);
  });

  it('defaults: nothing starts under pressure; bounds of 2 s and 5,000 jobs', () => {
    expect(PRESSURE_DEFAULTS).toEqual({ concurrency: 0, maxDeferMs: 2000, maxDeferred: 5000 });
  });
});
