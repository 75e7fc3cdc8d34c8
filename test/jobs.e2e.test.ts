/**
 * Scheduled jobs end to end, on the real app (web chat over Socket.IO, SQLite store) with a
 * controllable clock: nudges, risk and alerts, interview reminders, a restart before a reminder
 * fires, and a job that keeps failing. The same suite runs with jobs in SQLite and in Redis.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { createParley, type Parley } from '../bin/app.js';
import { loadConfig } from '../bin/config.js';
import type { DomainEvent, DomainEventType } from '../core/domain/index.js';
import { ManualClock, silentLogger } from '../core/ports/index.js';
import type { AgendaScheduler } from '../jobs/index.js';
import { RISK_DEBOUNCE_MS } from '../jobs/risk/risk-jobs.js';
import { ChatClient, eventually, opsGet, TEST_METRICS_TOKEN } from './support/harness.js';
import { jobBackends, startRedis, type TestRedis } from './support/redis.js';

const MIN = 60_000;
const H = 60 * MIN;
const SLACK = 'https://hooks.slack.test';
const SLACK_PATH = '/services/T0/B0/secret';

/** Short real-time settings; domain time is moved by hand. */
const JOB_ENV = {
  JOBS_PROCESS_EVERY_MS: '50',
  JOBS_LOCK_LIFETIME_MS: '1000',
  JOBS_RETRY_BASE_MS: '20',
  JOBS_RETRY_MAX_DELAY_MS: '100',
  JOBS_MAX_RETRIES: '2',
  NUDGE_DELAYS: '2h,24h',
  NUDGE_MAX: '2',
  SLACK_WEBHOOK_URL: `${SLACK}${SLACK_PATH}`,
  SLACK_RETRY_BASE_MS: '10',
};

interface Booted {
  parley: Parley;
  url: string;
  dataDir: string;
  notifications: { kind: string; title: string; body: string; conversationId: string }[];
  broadcasts: { text: string; kind: string }[];
  events(type: DomainEventType, conversationId?: string): Promise<DomainEvent[]>;
  /** Domain due time of the job waiting under `key`. */
  dueAt(key: string): Promise<Date | undefined>;
  stop(): Promise<void>;
}

/**
 * Before asserting that nothing happened: the scheduler has caught up with the clock (the
 * recurring abandonment sweep due by now has run, so its next due time is later: the scheduler
 * polled after the clock moved), and the turns and sends that run caused are done. A marker,
 * not a sleep: on a slow machine it waits longer, on a fast one it does not wait at all.
 */
async function caughtUp(app: Booted, clock: ManualClock): Promise<void> {
  await eventually(async () => ((await app.dueAt('interview-abandonment'))?.getTime() ?? 0) > clock.now().getTime(), 'the scheduler to catch up with the clock', 20_000);
  await app.parley.engine.idle();
}

describe.each(jobBackends())('scheduled jobs with Agenda on %s', (backend) => {
  let redis: TestRedis | undefined;
  const running: Booted[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    if (backend === 'redis') redis = await startRedis();
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(async () => {
    nock.cleanAll();
    for (const b of running.splice(0)) await b.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  afterAll(async () => {
    nock.enableNetConnect();
    await redis?.stop();
  });

  const newDataDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'parley-jobs-'));
    dirs.push(d);
    return d;
  };
  let prefixSeq = 0;
  const backendEnv = (): Record<string, string> => (redis ? { REDIS_URL: redis.url, JOBS_REDIS_PREFIX: `t${process.pid}-${Date.now()}-${++prefixSeq}:` } : {});

  /** A real Parley on `dataDir` (kept across restarts), recording what the jobs hand to the console and HR chats. */
  async function boot(clock: ManualClock, opts: { dataDir?: string; env?: Record<string, string>; hrBroadcast?: (text: string) => Promise<void> } = {}): Promise<Booted> {
    const dataDir = opts.dataDir ?? newDataDir();
    const config = loadConfig({ PORT: '1', HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'silent', PARLEY_COMPANY_NAME: 'Acme', METRICS_TOKEN: TEST_METRICS_TOKEN, ...JOB_ENV, ...opts.env });
    const parley = await createParley({ ...config, PORT: 0 }, { log: silentLogger, clock });
    const notifications: Booted['notifications'] = [];
    const broadcasts: Booted['broadcasts'] = [];
    const consoleNotify = parley.services.notifyOperators;
    parley.services.notifyOperators = async (n) => {
      notifications.push(n);
      await consoleNotify?.(n);
    };
    parley.services.hrBroadcast = async (text, kind) => {
      broadcasts.push({ text, kind });
      await opts.hrBroadcast?.(text);
    };
    await parley.start();
    const booted: Booted = {
      parley,
      url: parley.url,
      dataDir,
      notifications,
      broadcasts,
      events: async (type, conversationId) => parley.store.listEvents({ types: [type], ...(conversationId ? { conversationId } : {}) }),
      dueAt: (key) => (parley.services.scheduler as AgendaScheduler).dueAt(key),
      stop: async () => {
        running.splice(running.indexOf(booted), 1);
        await parley.stop();
      },
    };
    running.push(booted);
    return booted;
  }

  it('nudges a web-chat candidate who stops answering mid-intake, then flags them at risk and alerts once per episode', async () => {
    const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
    const slack: { text: string }[] = [];
    nock(SLACK)
      .post(SLACK_PATH, (body: { text: string }) => (slack.push(body), true))
      .times(10)
      .reply(200, 'ok');
    const app = await boot(clock, { env: backendEnv() });
    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /Do you agree to continue\?/);
    await c.ask('yes', /What is your name\?/);
    const conversationId = c.conversationId;

    clock.advance(2 * H - MIN);
    await caughtUp(app, clock);
    expect(c.received.filter((m) => /still there/.test(m.text))).toHaveLength(0);

    clock.advance(MIN);
    const first = await c.waitForBot(/^Are you still there\?[\s\S]*What is your name\?/);
    expect(first.author).toBe('bot');
    expect((await app.events('NudgeSent', conversationId)).map((e) => e.type === 'NudgeSent' && e.attempt)).toEqual([1]);
    expect(await app.events('CandidateAtRisk')).toHaveLength(0);

    clock.advance(24 * H);
    await c.waitForBot(/^Just checking in one more time/);
    // The nudge rescores the candidate at once, or at the end of the risk debounce window when a
    // debounced rescore ran just before it (under load, the trailing job of the intake messages'
    // window can run late, after the 24 h jump, and restart the window): the flag is due within it.
    clock.advance(RISK_DEBOUNCE_MS);
    await eventually(async () => (await app.events('CandidateAtRisk', conversationId)).length === 1, 'the candidate to be flagged at risk');
    const [atRisk] = await app.events('CandidateAtRisk', conversationId);
    expect(atRisk).toMatchObject({ type: 'CandidateAtRisk', level: 'high', recommendedAction: 'recruiter-call' });
    expect(atRisk?.type === 'CandidateAtRisk' && atRisk.factors.map((f) => f.name)).toEqual(['silence', 'unanswered-nudges']);

    await eventually(() => slack.length === 1 && app.notifications.some((n) => n.kind === 'at-risk'), 'the alert to reach Slack and the console');
    expect(app.notifications.filter((n) => n.kind === 'at-risk')).toEqual([
      { conversationId, kind: 'at-risk', title: 'Candidate at risk: unnamed candidate', body: expect.stringMatching(/^Risk 0\.\d\d \(high\) in intake\. Top factors: silence \(\+0\.\d\d\), unanswered nudges \(\+0\.\d\d\)\. Recommended: recruiter call\.$/) },
    ]);
    expect(slack[0]?.text).toMatch(/^Candidate at risk: unnamed candidate\nRisk 0\.\d\d \(high\) in intake/);
    expect(app.broadcasts.filter((b) => b.kind === 'alert')).toEqual([{ kind: 'alert', text: slack[0]?.text }]);

    // Only two nudges; sweeps every 5 minutes keep the risk high: still the one alert.
    for (let i = 0; i < 4; i++) {
      clock.advance(6 * MIN);
      await caughtUp(app, clock);
    }
    expect(await app.events('NudgeSent', conversationId)).toHaveLength(2);
    expect(await app.events('CandidateAtRisk', conversationId)).toHaveLength(1);
    expect((await app.events('RiskAssessed', conversationId)).at(-1)).toMatchObject({ level: 'high' });
    expect(slack).toHaveLength(1);
    expect(app.notifications.filter((n) => n.kind === 'at-risk')).toHaveLength(1);

    // The candidate comes back: the episode ends; going quiet again is a new episode, a new alert.
    await c.ask('Ana Lima', /Which role/);
    const latestLevel = async () => {
      const latest = (await app.events('RiskAssessed', conversationId)).at(-1);
      return latest?.type === 'RiskAssessed' ? latest.level : undefined;
    };
    await eventually(async () => (await latestLevel()) === 'low', 'the risk to fall back to low');
    const mark = c.received.length;
    clock.advance(2 * H);
    await c.waitForBot(/^Are you still there\?[\s\S]*Which role/, { from: mark });
    clock.advance(24 * H);
    await eventually(() => slack.length === 2, 'a second alert for the second episode');
    expect(slack[1]?.text).toMatch(/^Candidate at risk: Ana Lima\n/);
    c.close();
  });

  it('the nudge countdown restarts with every message without a job write per message, and moves earlier when the waiting job is later', async () => {
    const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
    const app = await boot(clock, { env: backendEnv() });
    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /Do you agree to continue\?/);
    const key = `nudge:${c.conversationId}`;
    // The reply can arrive before the jobs have reacted to the message: idle() waits for that too.
    await app.parley.engine.idle();
    expect(await app.dueAt(key)).toEqual(new Date('2026-03-02T11:00:00Z'));
    clock.advance(1 * H);
    await c.ask('yes', /What is your name\?/);
    await app.parley.engine.idle();
    // The job waiting for 11:00 is left there (it is earlier than 12:00, the new due time).
    expect(await app.dueAt(key)).toEqual(new Date('2026-03-02T11:00:00Z'));
    clock.advance(1 * H + MIN);
    // At 11:01 the job runs, sees the message of 10:00 and waits until 12:00: no nudge yet.
    await eventually(async () => (await app.dueAt(key))?.getTime() === Date.parse('2026-03-02T12:00:00Z'), 'the nudge to wait for 12:00');
    await caughtUp(app, clock);
    expect(c.received.filter((m) => /still there/.test(m.text))).toHaveLength(0);
    clock.advance(1 * H);
    await c.waitForBot(/^Are you still there\?[\s\S]*What is your name\?/);
    // After the first nudge the job waits 24 h for the second; an answer needs a new countdown of 2 h.
    await eventually(async () => (await app.dueAt(key))?.getTime() === Date.parse('2026-03-03T12:01:00Z'), 'the second nudge to be scheduled');
    await c.ask('Ana Lima', /Which role/);
    await app.parley.engine.idle();
    expect(await app.dueAt(key)).toEqual(new Date(clock.now().getTime() + 2 * H));
    const mark = c.received.length;
    clock.advance(2 * H);
    await c.waitForBot(/^Are you still there\?[\s\S]*Which role/, { from: mark });
    expect((await app.events('NudgeSent', c.conversationId)).map((e) => e.type === 'NudgeSent' && e.attempt)).toEqual([1, 1]);
    c.close();
  });

  it('sends interview reminders 24 h and 1 h before, in the candidate\'s time zone; rescheduling moves them, STOP cancels them', async () => {
    const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
    const app = await boot(clock, { env: backendEnv() });
    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /Do you agree/);
    const schedule = app.parley.services.scheduleInterview!;
    await schedule(c.conversationId, new Date('2026-03-04T14:00:00Z'), { link: 'https://meet.example/acme-ana', timeZone: 'America/New_York', actor: 'operator:op_1' });

    const conversation = await app.parley.store.getConversation(c.conversationId);
    expect(conversation?.state.schedule).toEqual({ at: '2026-03-04T14:00:00.000Z', link: 'https://meet.example/acme-ana', timeZone: 'America/New_York' });
    expect((await app.parley.store.getCandidate(conversation!.candidateId))?.stage).toBe('scheduled');
    expect(await app.events('InterviewScheduled', c.conversationId)).toMatchObject([{ actor: 'operator:op_1', timeZone: 'America/New_York' }]);

    clock.set(new Date('2026-03-03T13:59:00Z'));
    await caughtUp(app, clock);
    expect(c.received.filter((m) => /Reminder/.test(m.text))).toHaveLength(0);
    clock.set(new Date('2026-03-03T14:00:00Z'));
    const day = await c.waitForBot(/Reminder/);
    expect(day.text).toBe('Reminder: your interview with Acme starts in 24 hours, Wednesday 4 March at 09:00 (America/New_York).\nJoin here: https://meet.example/acme-ana');

    // Moved to Thursday: the 1 h reminder for Wednesday never goes out, the new ones do.
    await schedule(c.conversationId, new Date('2026-03-05T15:30:00Z'), { timeZone: 'America/New_York', actor: 'operator:op_1' });
    clock.set(new Date('2026-03-04T13:00:00Z'));
    await caughtUp(app, clock);
    expect(c.received.filter((m) => /Reminder/.test(m.text))).toHaveLength(1);
    clock.set(new Date('2026-03-04T15:30:00Z'));
    await c.waitForBot(/starts in 24 hours, Thursday 5 March at 10:30/);
    clock.set(new Date('2026-03-05T14:30:00Z'));
    const hour = await c.waitForBot(/starts in 1 hour/);
    expect(hour.text).toBe('Reminder: your interview with Acme starts in 1 hour, Thursday 5 March at 10:30 (America/New_York).');
    expect((await app.events('ReminderSent', c.conversationId)).map((e) => e.type === 'ReminderSent' && e.kind)).toEqual(['24h', '24h', '1h']);

    // Another candidate opts out after scheduling: no reminder reaches them.
    const d = await ChatClient.connect(app.url);
    await d.ask('hi', /Do you agree/);
    await schedule(d.conversationId, new Date('2026-03-07T10:00:00Z'), { actor: 'operator:op_1' });
    expect(await app.dueAt(`reminder:${d.conversationId}:24h`)).toEqual(new Date('2026-03-06T10:00:00Z'));
    await d.ask('STOP', /./);
    await eventually(async () => (await app.dueAt(`reminder:${d.conversationId}:24h`)) === undefined && (await app.dueAt(`reminder:${d.conversationId}:1h`)) === undefined, 'the reminders to be cancelled');
    clock.set(new Date('2026-03-07T09:30:00Z'));
    await caughtUp(app, clock);
    expect(d.received.filter((m) => /Reminder/.test(m.text))).toHaveLength(0);
    expect(await app.events('ReminderSent', d.conversationId)).toHaveLength(0);
    c.close();
    d.close();
  });

  it('still sends a reminder once after a restart between scheduling and firing', async () => {
    const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
    const env = backendEnv();
    const first = await boot(clock, { env });
    const c = await ChatClient.connect(first.url);
    await c.ask('hi', /Do you agree/);
    await first.parley.services.scheduleInterview!(c.conversationId, new Date('2026-03-03T12:00:00Z'), { timeZone: 'Europe/Lisbon', actor: 'operator:op_1' });
    c.close();
    await first.stop();

    clock.set(new Date('2026-03-02T11:00:00Z')); // 1 h before the 24 h reminder; Parley is down
    const second = await boot(clock, { dataDir: first.dataDir, env });
    await caughtUp(second, clock);
    expect(await second.events('ReminderSent', c.conversationId)).toHaveLength(0);
    clock.set(new Date('2026-03-02T12:00:00Z'));
    await eventually(async () => (await second.events('ReminderSent', c.conversationId)).length === 1, 'the reminder after the restart');
    await caughtUp(second, clock);
    const texts = (await second.parley.store.listMessages(c.conversationId)).map((m) => m.text).filter((t) => t.startsWith('Reminder'));
    expect(texts).toEqual(['Reminder: your interview with Acme starts in 24 hours, Tuesday 3 March at 12:00 (Europe/Lisbon).']);
  });

  it('retries a failing job with backoff, records JobFailed and shows it in /health', async () => {
    const clock = new ManualClock(new Date('2026-03-02T07:59:00Z'));
    let attempts = 0;
    const app = await boot(clock, {
      env: backendEnv(),
      hrBroadcast: async () => {
        attempts++;
        throw new Error('telegram is down');
      },
    });
    const healthy = (await (await opsGet(`${app.url}/health`)).json()) as { jobs: { backend: string; failing: unknown[] } };
    expect(healthy.jobs).toMatchObject({ backend: backend === 'redis' ? 'Redis' : 'SQLite', failing: [] });

    clock.set(new Date('2026-03-02T08:00:00Z')); // the daily digest
    await eventually(async () => (await app.events('JobFailed')).length === 1, 'the digest to fail every retry');
    expect(attempts).toBe(3);
    expect(await app.events('JobFailed')).toMatchObject([{ type: 'JobFailed', job: 'hr-digest', error: 'telegram is down', attempts: 3 }]);
    const health = (await (await opsGet(`${app.url}/health`)).json()) as { jobs: { failing: unknown[] } };
    expect(health.jobs.failing).toEqual([{ job: 'hr-digest', key: 'hr-digest', attempts: 3, error: 'telegram is down', at: expect.any(String), retriesExhausted: true }]);
  });
});
