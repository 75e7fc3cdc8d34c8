/**
 * Housekeeping jobs on the real app with a controllable clock: the 02:00 UTC retention clean-up
 * (old audio and transcripts, erasure requests, audit event) and abandonment of stale interview
 * sessions. Runs with jobs in SQLite and in Redis.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley, type Parley } from '../bin/app.js';
import { loadConfig } from '../bin/config.js';
import { newId, type Message } from '../core/domain/index.js';
import { ManualClock, silentLogger } from '../core/ports/index.js';
import { ChatClient, eventually } from './support/harness.js';
import { jobBackends, startRedis, type TestRedis } from './support/redis.js';

const DAY = 86_400_000;
const MIN = 60_000;

describe.each(jobBackends())('housekeeping jobs on %s', (backend) => {
  let redis: TestRedis | undefined;
  let parley: Parley | undefined;
  let dataDir: string;
  let seq = 0;

  beforeAll(async () => {
    if (backend === 'redis') redis = await startRedis();
  });
  afterEach(async () => {
    await parley?.stop();
    parley = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await redis?.stop();
  });

  async function boot(clock: ManualClock, env: Record<string, string> = {}): Promise<Parley> {
    dataDir = mkdtempSync(join(tmpdir(), 'parley-housekeeping-'));
    const config = loadConfig({
      PORT: '1',
      HOST: '127.0.0.1',
      PARLEY_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      JOBS_PROCESS_EVERY_MS: '50',
      JOBS_LOCK_LIFETIME_MS: '1000',
      ...(redis ? { REDIS_URL: redis.url, JOBS_REDIS_PREFIX: `hk${process.pid}-${Date.now()}-${++seq}:` } : {}),
      ...env,
    });
    parley = await createParley({ ...config, PORT: 0 }, { log: silentLogger, clock });
    await parley.start();
    return parley;
  }

  /** The abandonment sweep due at or before the clock's time has run (its next due time is later). */
  async function abandonmentSweepRan(app: Parley, clock: ManualClock): Promise<void> {
    await eventually(async () => ((await app.services.scheduler?.dueAt?.('interview-abandonment'))?.getTime() ?? 0) > clock.now().getTime(), 'the abandonment sweep to run');
  }

  it('at 02:00 UTC deletes audio and transcripts past retention, keeps recent ones, completes erasures and audits it', async () => {
    const clock = new ManualClock(new Date('2026-03-10T01:00:00Z'));
    const app = await boot(clock, { RETENTION_DAYS: '30' });
    const now = clock.now().getTime();
    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /Do you agree/);

    // Voice notes as the transcription pipeline stores them, one old and one recent, plus files.
    const audio = (name: string, ageDays: number) => {
      const path = join(dataDir, 'audio', name);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, 'OggS fake opus');
      const mtime = new Date(now - ageDays * DAY);
      utimesSync(path, mtime, mtime);
      return path;
    };
    const voice = async (file: string, ageDays: number, transcript: string): Promise<Message> => {
      const createdAt = new Date(now - ageDays * DAY);
      const message: Message = {
        id: newId('msg'),
        conversationId: c.conversationId,
        channel: 'webchat',
        direction: 'in',
        author: 'candidate',
        kind: 'voice',
        text: transcript,
        media: { providerRef: `file-${file}`, mime: 'audio/ogg', storedPath: `audio/${file}`, transcript: { text: transcript, language: 'en' } },
        status: 'processed',
        attempts: 0,
        createdAt,
        updatedAt: createdAt,
      };
      await app.store.insertMessage(message);
      return message;
    };
    const oldFile = audio('old.ogg', 40);
    const recentFile = audio('recent.ogg', 2);
    const orphanOld = audio('2026/01/orphan.ogg', 45);
    const orphanRecent = audio('2026/03/fresh.ogg', 1);
    const oldMessage = await voice('old.ogg', 40, 'I have five years of React experience');
    const recentMessage = await voice('recent.ogg', 2, 'I can start next month');

    // A second candidate asks for their data to be deleted, through the real /delete command.
    const d = await ChatClient.connect(app.url);
    await d.ask('hi', /Do you agree/);
    await d.ask('yes', /What is your name/);
    await d.ask('Bruno Costa', /Which role/);
    await d.ask('/delete', /delete your data/);
    await d.ask('yes', /deletion request is recorded/);
    const erasedCandidateId = (await app.store.getConversation(d.conversationId))!.candidateId;
    expect((await app.store.getCandidate(erasedCandidateId))?.name).toBe('Bruno Costa');

    clock.set(new Date('2026-03-10T01:59:00Z'));
    // The scheduler caught up with 01:59 (the sweep due by then ran), and the clean-up did not.
    await abandonmentSweepRan(app, clock);
    expect(await app.store.listEvents({ types: ['RetentionCleanup'] })).toHaveLength(0);
    clock.set(new Date('2026-03-10T02:00:00Z'));
    // Generous deadlines: a daily run erases and compacts the file, slow on a loaded 2-core machine.
    await eventually(async () => (await app.store.listEvents({ types: ['RetentionCleanup'] })).length === 1, 'the retention clean-up to run', 90_000);

    expect(existsSync(oldFile)).toBe(false);
    expect(existsSync(orphanOld)).toBe(false);
    expect(existsSync(recentFile)).toBe(true);
    expect(existsSync(orphanRecent)).toBe(true);
    const old = await app.store.getMessage(oldMessage.id);
    expect(old).toMatchObject({ kind: 'voice', text: '[voice note transcript deleted after the retention period]', media: { providerRef: 'file-old.ogg', mime: 'audio/ogg' } });
    expect(old?.media?.storedPath).toBeUndefined();
    expect(old?.media?.transcript).toBeUndefined();
    expect(await app.store.getMessage(recentMessage.id)).toMatchObject({ text: 'I can start next month', media: { storedPath: 'audio/recent.ogg', transcript: { text: 'I can start next month' } } });

    const erased = await app.store.getCandidate(erasedCandidateId);
    expect(erased).toMatchObject({ id: erasedCandidateId, optedOut: true });
    expect(erased?.name).toBeUndefined();
    const texts = (await app.store.listMessages(d.conversationId)).map((m) => m.text);
    expect(texts.length).toBeGreaterThan(5);
    expect(texts.every((t) => t === "[deleted at the candidate's request]")).toBe(true);
    expect((await app.store.getConversation(d.conversationId))?.state).toEqual({ erasedAt: '2026-03-10T02:00:00.000Z' });
    const [completed] = await app.store.listEvents({ types: ['ErasureCompleted'] });
    expect(completed).toMatchObject({ candidateId: erasedCandidateId, removed: { messages: texts.length, conversations: 1 } });
    const [audit] = await app.store.listEvents({ types: ['RetentionCleanup'] });
    expect(audit).toMatchObject({ actor: 'system', removed: { audioFiles: 2, transcripts: 1, erasedCandidates: 1 } });

    // The next day's run finds nothing left to do.
    clock.set(new Date('2026-03-11T02:00:00Z'));
    await eventually(async () => (await app.store.listEvents({ types: ['RetentionCleanup'] })).length === 2, 'the next day\'s clean-up', 90_000);
    expect((await app.store.listEvents({ types: ['RetentionCleanup'] }))[1]).toMatchObject({ removed: { audioFiles: 0, transcripts: 0, erasedCandidates: 0 } });
    expect(await app.store.listEvents({ types: ['ErasureCompleted'] })).toHaveLength(1);
    c.close();
    d.close();
  }, 240_000);

  it('marks an interview the candidate walked away from as abandoned', async () => {
    const clock = new ManualClock(new Date('2026-03-10T10:00:00Z'));
    const app = await boot(clock, { INTERVIEW_ABANDON_AFTER_MIN: '30', RISK_SWEEP_EVERY_MIN: '5' });
    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /Do you agree/);
    await c.ask('yes', /What is your name/);
    await c.ask('Ana Lima', /Which role/);
    await c.ask('React Developer', /Question 1/i);
    const interviewOf = async () => (await app.store.getConversation(c.conversationId))?.state.interview as { status: string } | undefined;
    expect((await interviewOf())?.status).toBe('in-progress');

    clock.advance(25 * MIN);
    await abandonmentSweepRan(app, clock);
    expect((await interviewOf())?.status).toBe('in-progress');
    clock.advance(10 * MIN);
    await eventually(async () => (await interviewOf())?.status === 'abandoned', 'the stale interview to be marked abandoned');
    expect(await app.store.listEvents({ conversationId: c.conversationId, types: ['InterviewAbandoned'] })).toMatchObject([{ type: 'InterviewAbandoned', questionsAsked: 1, actor: 'system' }]);

    // Coming back later: the interview plugin offers to continue, and records nothing twice.
    await c.ask('hello again', /continue|start over/i);
    expect(await app.store.listEvents({ conversationId: c.conversationId, types: ['InterviewAbandoned'] })).toHaveLength(1);
    c.close();
  });

  it('never abandons an interview paused for a recruiter (the same rule as the interview itself)', async () => {
    const clock = new ManualClock(new Date('2026-03-10T10:00:00Z'));
    const app = await boot(clock, { INTERVIEW_ABANDON_AFTER_MIN: '30', RISK_SWEEP_EVERY_MIN: '5', INTERVIEW_HUMAN_WAIT_MIN: '60', INTERVIEW_ANSWER_QUIET_MS: '0' });
    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /Do you agree/);
    await c.ask('yes', /What is your name/);
    await c.ask('Gus Garble', /Which role/);
    await c.ask('React Developer', /Question 1/i);
    // Three answers nobody could read: a recruiter is asked in and the interview waits for them.
    let from = c.received.length;
    for (const noise of ['qwx zvbn plok', 'mmm trrr vvv', 'xq zzp blorf']) {
      from = c.received.length;
      await c.say(noise);
      await c.waitForBot(/./, { from });
    }
    await c.waitForBot(/asked one of our recruiters to join/, { from });
    const interviewOf = async () => (await app.store.getConversation(c.conversationId))?.state.interview as { status: string; hold?: unknown } | undefined;
    expect(await interviewOf()).toMatchObject({ status: 'in-progress', hold: expect.anything() });

    clock.advance(45 * MIN);
    await abandonmentSweepRan(app, clock);
    expect(await interviewOf()).toMatchObject({ status: 'in-progress', hold: expect.anything() });
    expect(await app.store.listEvents({ conversationId: c.conversationId, types: ['InterviewAbandoned'] })).toEqual([]);
    c.close();
  });
});
