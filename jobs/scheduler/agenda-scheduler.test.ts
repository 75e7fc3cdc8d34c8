import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, silentLogger } from '../../core/ports/index.js';
import { SqliteStore } from '../../core/store/embedded/index.js';
import { jobBackends, startRedis, type TestRedis } from '../../test/support/redis.js';
import { SqliteAgendaBackend } from '../agenda/index.js';
import { createRedisBackend } from '../agenda/redis-backend.js';
import { AgendaScheduler, type FailingJob, type JobRun, type JobSpec } from './agenda-scheduler.js';

const HOUR = 3_600_000;

async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
const T0 = new Date('2026-03-02T09:00:00Z');

describe.each(jobBackends())('AgendaScheduler on %s', (backendName) => {
  let redis: TestRedis | undefined;
  let dir: string;
  let store: SqliteStore;
  let prefix: string;
  const open: AgendaScheduler[] = [];

  beforeAll(async () => {
    if (backendName === 'redis') redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-sched-'));
    store = SqliteStore.open(join(dir, 'parley.db'));
    prefix = `t${Math.random().toString(36).slice(2)}:`;
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function scheduler(clock: ManualClock, specs: Record<string, JobSpec>, extra: { onExhausted?: (f: FailingJob) => Promise<void> } = {}): AgendaScheduler {
    const backend = redis ? createRedisBackend(redis.url, prefix, silentLogger) : new SqliteAgendaBackend(store.database);
    const s = new AgendaScheduler({
      backend,
      clock,
      skewStore: { get: () => store.kvGet<number>('jobs', 'skew'), set: (v) => store.kvSet('jobs', 'skew', v) },
      log: silentLogger,
      name: 'test',
      processEveryMs: 50,
      lockLifetimeMs: 1000,
      retry: { baseMs: 20, maxMs: 100, maxRetries: 2 },
      ...extra,
    });
    for (const [name, spec] of Object.entries(specs)) s.define(name, spec);
    open.push(s);
    return s;
  }

  const recorder = () => {
    const runs: JobRun[] = [];
    return { runs, spec: { run: async (job: JobRun) => void runs.push(job) } satisfies JobSpec };
  };
  const settle = () => new Promise((r) => setTimeout(r, 300));

  it('runs a job when the domain clock reaches its due time, not before', async () => {
    const clock = new ManualClock(T0);
    const { runs, spec } = recorder();
    const s = scheduler(clock, { ping: spec });
    await s.start();
    await s.schedule({ name: 'ping', key: 'ping:1', runAt: new Date(T0.getTime() + HOUR), data: { n: 1 } });
    await settle();
    expect(runs).toHaveLength(0);
    clock.advance(HOUR - 60_000);
    await settle();
    expect(runs).toHaveLength(0);
    clock.advance(60_000);
    await eventually(() => runs.length === 1, 'the job to run');
    expect(runs[0]).toMatchObject({ name: 'ping', key: 'ping:1', data: { n: 1 }, attempt: 1 });
    expect(runs[0]!.now.getTime()).toBeGreaterThanOrEqual(T0.getTime() + HOUR);
    await settle();
    expect(runs).toHaveLength(1);
  });

  it('replaces a job scheduled again under the same key, and cancels by key', async () => {
    const clock = new ManualClock(T0);
    const { runs, spec } = recorder();
    const s = scheduler(clock, { ping: spec });
    await s.start();
    await s.schedule({ name: 'ping', key: 'ping:a', runAt: new Date(T0.getTime() + HOUR), data: { v: 'first' } });
    await s.schedule({ name: 'ping', key: 'ping:a', runAt: new Date(T0.getTime() + 3 * HOUR), data: { v: 'moved' } });
    await s.schedule({ name: 'ping', key: 'ping:b', runAt: new Date(T0.getTime() + HOUR), data: { v: 'b' } });
    await s.cancel('ping:b');
    expect(await s.dueAt('ping:a')).toEqual(new Date(T0.getTime() + 3 * HOUR));
    expect(await s.dueAt('ping:b')).toBeUndefined();
    clock.advance(2 * HOUR);
    await settle();
    expect(runs).toHaveLength(0);
    clock.advance(HOUR);
    await eventually(() => runs.length === 1, 'the moved job to run');
    await settle();
    expect(runs.map((r) => r.data.v)).toEqual(['moved']);
  });

  it('runs again when the handler asks, and on a recurrence whatever the outcome', async () => {
    const clock = new ManualClock(T0);
    const chained: Date[] = [];
    let sweeps = 0;
    const s = scheduler(clock, {
      chain: { run: async ({ now }) => (chained.push(now), chained.length < 3 ? new Date(now.getTime() + HOUR) : undefined) },
      sweep: { run: async () => void sweeps++, recurrence: (now) => new Date(now.getTime() + 5 * 60_000) },
    });
    await s.start();
    await s.schedule({ name: 'chain', key: 'chain', runAt: T0, data: {} });
    await s.schedule({ name: 'sweep', key: 'sweep', runAt: T0, data: {} });
    await eventually(() => chained.length === 1, 'the first link');
    for (const n of [2, 3]) {
      clock.advance(HOUR);
      await eventually(() => chained.length === n, `link ${n}`);
    }
    clock.advance(HOUR);
    await settle();
    expect(chained).toHaveLength(3);
    expect(chained.map((d) => d.getTime() - T0.getTime())).toEqual([0, HOUR, 2 * HOUR]);
    // The sweep ran at T0 and then every 5 minutes of domain time: once per clock move here.
    const before = sweeps;
    clock.advance(5 * 60_000);
    await eventually(() => sweeps === before + 1, 'the next sweep');
  });

  it('retries a failing job with backoff, then reports it as failing until it succeeds', async () => {
    const clock = new ManualClock(T0);
    const exhausted: FailingJob[] = [];
    let attempts = 0;
    let healthy = false;
    const flaky: JobSpec = {
      run: async () => {
        attempts++;
        if (!healthy) throw new Error('provider down');
      },
    };
    const s = scheduler(clock, { flaky }, { onExhausted: async (f) => void exhausted.push(f) });
    await s.start();
    await s.schedule({ name: 'flaky', key: 'flaky:1', runAt: T0, data: { conversationId: 'conv_1' } });
    await eventually(() => exhausted.length === 1, 'retries to run out');
    expect(attempts).toBe(3);
    expect(exhausted[0]).toMatchObject({ name: 'flaky', key: 'flaky:1', attempts: 3, error: 'provider down', exhausted: true, data: { conversationId: 'conv_1' } });
    expect(s.failing()).toMatchObject([{ key: 'flaky:1', exhausted: true }]);
    healthy = true;
    await s.schedule({ name: 'flaky', key: 'flaky:1', runAt: clock.now(), data: {} });
    await eventually(() => s.failing().length === 0, 'the failure to clear');
    expect(attempts).toBe(4);
  });

  it('keeps scheduled jobs across a restart, and runs them once', async () => {
    const clock = new ManualClock(T0);
    const first = recorder();
    const a = scheduler(clock, { ping: first.spec });
    await a.start();
    await a.schedule({ name: 'ping', key: 'ping:r', runAt: new Date(T0.getTime() + HOUR), data: {} });
    await a.stop();
    open.splice(open.indexOf(a), 1);

    clock.advance(2 * HOUR);
    const second = recorder();
    const b = scheduler(clock, { ping: second.spec });
    await b.start();
    await eventually(() => second.runs.length === 1, 'the job to run after the restart');
    await settle();
    expect(second.runs).toHaveLength(1);
    expect(first.runs).toHaveLength(0);
  });
});
