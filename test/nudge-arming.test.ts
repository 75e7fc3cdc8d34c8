/**
 * The inactivity nudge is (re-)armed on every candidate message (`armNudge`); in embedded mode
 * the scheduler is the job table's only writer and knows the waiting nudge's due time without a
 * look-up per message (`DueCache`), until the job runs or is cancelled. In cluster mode (Redis)
 * every message still looks it up. Driven through the real app: web chat over Socket.IO.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agenda } from 'agenda';
import { createParley, type Parley } from '../bin/app.js';
import { loadConfig } from '../bin/config.js';
import { ManualClock, silentLogger } from '../core/ports/index.js';
import { NUDGE_JOB, nudgeKey } from '../jobs/index.js';
import { ChatClient, eventually } from './support/harness.js';
import { jobBackends, startRedis, type TestRedis } from './support/redis.js';

const MIN = 60_000;
const H = 60 * MIN;
const JOB_ENV = { JOBS_PROCESS_EVERY_MS: '50', JOBS_LOCK_LIFETIME_MS: '1000', NUDGE_DELAYS: '2h,24h', NUDGE_MAX: '2' };

interface Booted {
  parley: Parley;
  /** Look-ups of the key's job in the job store since boot. */
  lookUps(key: string): number;
  /** Nudge jobs armed (upserted) under the key since boot. */
  nudgeWrites(key: string): number;
  /** The key's waiting job as the job store holds it, read past the scheduler (and its memory); not counted as a look-up. */
  storedDue(key: string): Promise<Date | undefined>;
  stop(): Promise<void>;
}

const running: Booted[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const b of running.splice(0)) await b.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function boot(clock: ManualClock, env: Record<string, string> = {}): Promise<Booted> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-nudge-'));
  dirs.push(dataDir);
  const config = loadConfig({ PORT: '1', HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...JOB_ENV, ...env });
  const parley = await createParley({ ...config, PORT: 0 }, { log: silentLogger, clock });
  // Agenda's repository (SQLite or Redis), as the scheduler reaches it.
  const repo = (parley.services.scheduler as unknown as { agenda: Agenda }).agenda.db;
  const queries = jest.spyOn(repo, 'queryJobs');
  const saves = jest.spyOn(repo, 'saveJob');
  await parley.start();
  const own = new Set<number>();
  const booted: Booted = {
    parley,
    lookUps: (key) => queries.mock.calls.filter(([q], i) => !own.has(i) && (q as { data?: { key?: string } } | undefined)?.data?.key === key).length,
    // Arms are upserts on the key; the realignment of waiting jobs after the clock moves (Redis: a
    // save per job) is not one.
    nudgeWrites: (key) => saves.mock.calls.filter(([job]) => job.name === NUDGE_JOB && job.unique && (job.data as { key?: string }).key === key).length,
    storedDue: async (key) => {
      own.add(queries.mock.calls.length);
      const { jobs } = await repo.queryJobs({ data: { key } });
      const data = jobs.find((j) => j.nextRunAt)?.data as { dueAt?: string } | undefined;
      return data?.dueAt ? new Date(data.dueAt) : undefined;
    },
    stop: async () => {
      running.splice(running.indexOf(booted), 1);
      await parley.stop();
    },
  };
  running.push(booted);
  return booted;
}

/** Four messages ten minutes apart (domain time), each answered and reacted to by the jobs before the next. */
async function burst(app: Booted, clock: ManualClock, c: ChatClient): Promise<void> {
  await c.ask('hi', /Do you agree to continue\?/);
  await app.parley.engine.idle();
  for (const [text, reply] of [
    ['yes', /What is your name\?/],
    ['Ana Lima', /Which role/],
    ['Backend developer', /./],
  ] as const) {
    clock.advance(10 * MIN);
    await c.ask(text, reply);
    await app.parley.engine.idle();
  }
}

describe('nudge arming in embedded mode (the scheduler is the job table\'s only writer)', () => {
  it('a burst of messages arms one nudge job and looks it up once', async () => {
    const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
    const app = await boot(clock);
    const c = await ChatClient.connect(app.parley.url);
    await burst(app, clock, c);
    const key = nudgeKey(c.conversationId);
    expect({ lookUps: app.lookUps(key), writes: app.nudgeWrites(key) }).toEqual({ lookUps: 1, writes: 1 });
    // The job armed by the first message is left waiting (it runs, sees the later messages and waits).
    expect(await app.storedDue(key)).toEqual(new Date('2026-03-02T11:00:00Z'));
    c.close();
  });

  it('after the nudge has run, the next message looks the job up again and re-arms its countdown', async () => {
    const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
    const app = await boot(clock);
    const c = await ChatClient.connect(app.parley.url);
    await c.ask('hi', /Do you agree to continue\?/);
    await c.ask('yes', /What is your name\?/);
    await app.parley.engine.idle();
    const key = nudgeKey(c.conversationId);
    clock.advance(2 * H);
    await c.waitForBot(/^Are you still there\?/);
    // After the first nudge the job waits 24 h for the second.
    await eventually(async () => (await app.storedDue(key))?.getTime() === Date.parse('2026-03-03T11:00:00Z'), 'the second nudge to be scheduled');
    const before = app.lookUps(key);
    await c.ask('Ana Lima', /Which role/);
    await app.parley.engine.idle();
    // The answer restarts the 2 h countdown: the job the run left for tomorrow is moved earlier.
    expect(await app.storedDue(key)).toEqual(new Date(clock.now().getTime() + 2 * H));
    expect(app.lookUps(key) - before).toBe(1);
    c.close();
  });

  it('after an opt-out cancels the nudge, opting back in arms a new one', async () => {
    const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
    const app = await boot(clock);
    const c = await ChatClient.connect(app.parley.url);
    await c.ask('hi', /Do you agree to continue\?/);
    await app.parley.engine.idle();
    const key = nudgeKey(c.conversationId);
    expect(await app.storedDue(key)).toEqual(new Date('2026-03-02T11:00:00Z'));
    clock.advance(10 * MIN);
    await c.ask('STOP', /./);
    await eventually(async () => (await app.storedDue(key)) === undefined, 'the opt-out to cancel the nudge');
    clock.advance(10 * MIN);
    await c.ask('/start', /./);
    await app.parley.engine.idle();
    expect(await app.storedDue(key)).toEqual(new Date('2026-03-02T11:20:00Z'));
    c.close();
  });
});

const cluster = jobBackends().includes('redis') ? describe : describe.skip;
cluster('nudge arming in cluster mode (jobs in Redis, other nodes write them too)', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('every message looks the nudge job up, as before', async () => {
    const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
    const app = await boot(clock, { REDIS_URL: redis.url, JOBS_REDIS_PREFIX: `n${process.pid}-${Date.now()}:` });
    const c = await ChatClient.connect(app.parley.url);
    await burst(app, clock, c);
    const key = nudgeKey(c.conversationId);
    expect({ lookUps: app.lookUps(key), writes: app.nudgeWrites(key) }).toEqual({ lookUps: 4, writes: 1 });
    expect(await app.storedDue(key)).toEqual(new Date('2026-03-02T11:00:00Z'));
    c.close();
  });
});
