import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Agenda, type JobParameters } from 'agenda';
import { SqliteStore } from '../../core/store/embedded/index.js';
import { countStatements } from '../../test/support/statement-log.js';
import { SqliteAgendaBackend } from './sqlite-backend.js';
import { SqliteJobRepository } from './sqlite-job-repository.js';

const T = (s: number) => new Date(Date.UTC(2026, 2, 2, 9, 0, s));
const job = (over: Partial<JobParameters> = {}): JobParameters => ({ name: 'ping', priority: 0, nextRunAt: T(0), type: 'normal', data: {}, ...over });

describe('SqliteJobRepository', () => {
  let store: SqliteStore;
  let repo: SqliteJobRepository;

  beforeEach(async () => {
    store = SqliteStore.open(':memory:');
    repo = new SqliteJobRepository(store.database);
    await repo.connect();
  });
  afterEach(async () => {
    await store.close();
  });

  it('inserts, reads back every field and updates by id', async () => {
    const saved = await repo.saveJob(job({ data: { key: 'a', n: 1 }, priority: 10, repeatInterval: 300000, repeatTimezone: 'UTC', skipDays: [0, 6], startDate: T(1) }), { lastModifiedBy: 'w1' });
    expect(saved._id).toMatch(/^job_/);
    expect(await repo.getJobById(String(saved._id))).toMatchObject({ name: 'ping', priority: 10, nextRunAt: T(0), data: { key: 'a', n: 1 }, repeatInterval: 300000, repeatTimezone: 'UTC', skipDays: [0, 6], startDate: T(1), disabled: false, lastModifiedBy: 'w1' });
    await repo.saveJob({ ...saved, nextRunAt: T(30), data: { key: 'a', n: 2 } }, undefined);
    expect(await repo.getJobById(String(saved._id))).toMatchObject({ nextRunAt: T(30), data: { key: 'a', n: 2 } });
    // A removed job is not resurrected by a save.
    await repo.removeJobs({ id: saved._id });
    expect(await repo.saveJob({ ...saved, nextRunAt: T(40) }, undefined)).toMatchObject({ nextRunAt: T(40) });
    expect(await repo.getJobById(String(saved._id))).toBeNull();
  });

  it('upserts on a unique key (insertOnly keeps the first) and keeps one "single" job per name', async () => {
    const a = await repo.saveJob(job({ data: { key: 'k1', v: 1 }, unique: { 'data.key': 'k1' } }), undefined);
    const b = await repo.saveJob(job({ nextRunAt: T(9), data: { key: 'k1', v: 2 }, unique: { 'data.key': 'k1' } }), undefined);
    expect(b._id).toBe(a._id);
    expect(b).toMatchObject({ nextRunAt: T(9), data: { v: 2 } });
    const kept = await repo.saveJob(job({ data: { key: 'k1', v: 3 }, unique: { 'data.key': 'k1' }, uniqueOpts: { insertOnly: true } }), undefined);
    expect(kept).toMatchObject({ _id: a._id, data: { v: 2 } });
    // The same key under another job name is another job.
    expect((await repo.saveJob(job({ name: 'other', data: { key: 'k1' }, unique: { 'data.key': 'k1' } }), undefined))._id).not.toBe(a._id);

    const s1 = await repo.saveJob(job({ name: 'sweep', type: 'single', repeatInterval: '5 minutes', nextRunAt: new Date(Date.now() + 60_000) }), undefined);
    const s2 = await repo.saveJob(job({ name: 'sweep', type: 'single', repeatInterval: '10 minutes', nextRunAt: new Date(Date.now() + 120_000) }), undefined);
    expect(s2._id).toBe(s1._id);
    expect(s2.repeatInterval).toBe('10 minutes');
    expect((await repo.queryJobs({ name: 'sweep' })).total).toBe(1);
  });

  it('a keyed save inside the store\'s open group commit takes no savepoint, and commits with the group', async () => {
    await repo.saveJob(job({ data: { key: 'k1', v: 1 }, unique: { 'data.key': 'k1' } }), undefined);
    const counter = countStatements();
    try {
      // A store write opens a group (BEGIN IMMEDIATE, committed on the next tick); the keyed save joins it.
      const grouped = store.kvSet('probe', 'k', { v: 1 });
      const saved = repo.saveJob(job({ nextRunAt: T(9), data: { key: 'k1', v: 2 }, unique: { 'data.key': 'k1' } }), undefined);
      await Promise.all([grouped, saved]);
      const ran = counter.take();
      expect(ran.filter((sql) => /SAVEPOINT|RELEASE/.test(sql))).toEqual([]);
      expect(ran[0]).toBe('BEGIN IMMEDIATE');
      expect(ran.filter((sql) => /agenda_jobs/.test(sql)).map((sql) => sql.split(' ')[0])).toEqual(['SELECT', 'UPDATE']);
    } finally {
      counter.restore();
    }
    expect((await repo.queryJobs({ name: 'ping' })).jobs).toEqual([expect.objectContaining({ nextRunAt: T(9), data: { key: 'k1', v: 2 } })]);
  });

  it('hands a due job to one worker only, re-hands it when its lock is stale, and unlocks', async () => {
    const due = await repo.saveJob(job({ nextRunAt: T(0) }), undefined);
    await repo.saveJob(job({ nextRunAt: T(100) }), undefined);
    await repo.saveJob(job({ nextRunAt: T(0), disabled: true }), undefined);
    const scan = T(10);
    const first = await repo.getNextJobToRun('ping', scan, T(-600), T(1), { lastModifiedBy: 'w1' });
    expect(first).toMatchObject({ _id: due._id, lockedAt: T(1), lastModifiedBy: 'w1' });
    expect(await repo.getNextJobToRun('ping', scan, T(-600), T(2), undefined)).toBeUndefined();
    // The lock holder died: after the lock lifetime another worker gets it.
    expect(await repo.getNextJobToRun('ping', scan, T(5), T(6), { lastModifiedBy: 'w2' })).toMatchObject({ _id: due._id, lockedAt: T(6) });
    await repo.unlockJobs([String(due._id)]);
    expect((await repo.getJobById(String(due._id)))?.lockedAt).toBeUndefined();
    expect(await repo.lockJob({ ...due, nextRunAt: T(1) }, undefined)).toBeUndefined(); // moved since read
    expect(await repo.lockJob(due, undefined)).toMatchObject({ _id: due._id });
    expect(await repo.lockJob(due, undefined)).toBeUndefined(); // already locked
  });

  it('saves run state and refuses to save the state of a job that is gone', async () => {
    const saved = await repo.saveJob(job(), undefined);
    await repo.saveJobState({ ...saved, lockedAt: T(1), lastRunAt: T(1), lastFinishedAt: T(2), failedAt: T(2), failCount: 2, failReason: 'boom', nextRunAt: null, progress: 50 }, undefined);
    expect(await repo.getJobById(String(saved._id))).toMatchObject({ lastRunAt: T(1), lastFinishedAt: T(2), failedAt: T(2), failCount: 2, failReason: 'boom', nextRunAt: null, progress: 50 });
    await repo.purgeAllJobs();
    await expect(repo.saveJobState(saved, undefined)).rejects.toThrow(/cannot be updated/);
  });

  it('queries by name, data, search and state, sorts and pages; removes, disables and enables by filter', async () => {
    const future = new Date(Date.now() + 3_600_000);
    await repo.saveJob(job({ name: 'reminder', nextRunAt: future, data: { key: 'reminder:c1:24h', conversationId: 'c1', tags: ['a', 'b'] } }), undefined);
    await repo.saveJob(job({ name: 'reminder', nextRunAt: future, data: { key: 'reminder:c10:24h', conversationId: 'c10' } }), undefined);
    const failed = await repo.saveJob(job({ name: 'nudge', nextRunAt: null, data: { key: 'nudge:c1' } }), undefined);
    await repo.saveJobState({ ...failed, failedAt: T(1), lastFinishedAt: T(1), failCount: 1, failReason: 'x' }, undefined);
    await repo.saveJob(job({ name: 'nudge_2%', nextRunAt: T(0), data: { key: 'n2' } }), undefined);

    expect((await repo.queryJobs({ data: { key: 'reminder:c1:24h' } })).jobs.map((j) => j.data)).toEqual([{ key: 'reminder:c1:24h', conversationId: 'c1', tags: ['a', 'b'] }]);
    expect((await repo.queryJobs({ data: { tags: ['b'] } })).total).toBe(1);
    expect((await repo.queryJobs({ names: ['reminder', 'nudge'] })).total).toBe(3);
    expect((await repo.queryJobs({ search: '_2%' })).jobs.map((j) => j.name)).toEqual(['nudge_2%']);
    expect((await repo.queryJobs({ state: 'failed' })).jobs.map((j) => j.data)).toEqual([{ key: 'nudge:c1' }]);
    expect((await repo.queryJobs({ state: 'scheduled' })).total).toBe(2);
    const page = await repo.queryJobs({ sort: { name: 'asc' }, skip: 1, limit: 2 });
    expect([page.total, page.jobs.map((j) => j.name)]).toEqual([4, ['nudge_2%', 'reminder']]);
    expect(await repo.getQueueSize()).toBe(1);
    expect(await repo.getDistinctJobNames()).toEqual(['nudge', 'nudge_2%', 'reminder']);
    expect(await repo.getJobsOverview()).toContainEqual(expect.objectContaining({ name: 'reminder', total: 2, scheduled: 2 }));

    expect(await repo.disableJobs({ name: 'reminder', data: { conversationId: 'c10' } })).toBe(1);
    expect((await repo.queryJobs({ includeDisabled: false, name: 'reminder' })).total).toBe(1);
    expect(await repo.enableJobs({ name: 'reminder' })).toBe(2);
    expect(await repo.removeJobs({})).toBe(0); // no criterion: nothing
    expect(await repo.removeJobs({ notNames: ['reminder'] })).toBe(2);
    expect(await repo.removeJobs({ data: { key: 'reminder:c1:24h' } })).toBe(1);
    expect(await repo.getDistinctJobNames()).toEqual(['reminder']);
  });

  it('the poll takes the earliest due job first, then the higher priority; expired locks oldest first', async () => {
    const later = await repo.saveJob(job({ nextRunAt: T(5), priority: 10 }), undefined);
    const low = await repo.saveJob(job({ nextRunAt: T(2), priority: 0 }), undefined);
    const high = await repo.saveJob(job({ nextRunAt: T(2), priority: 5 }), undefined);
    await repo.saveJob(job({ nextRunAt: T(1), disabled: true }), undefined);
    await repo.saveJob(job({ name: 'other', nextRunAt: T(0) }), undefined);
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await repo.getNextJobToRun('ping', T(10), T(-600), T(20 + i), undefined))?._id);
    expect(order).toEqual([high._id, low._id, later._id]);
    expect(await repo.getNextJobToRun('ping', T(10), T(-600), T(30), undefined)).toBeUndefined();
    // Locks taken at T(20), T(21), T(22): with a deadline of T(21), the oldest expired lock first, then the next.
    expect((await repo.getNextJobToRun('ping', T(10), T(21), T(40), undefined))?._id).toBe(high._id);
    expect((await repo.getNextJobToRun('ping', T(10), T(21), T(41), undefined))?._id).toBe(low._id);
    expect(await repo.getNextJobToRun('ping', T(10), T(21), T(42), undefined)).toBeUndefined();
  });

  it('moves waiting jobs in one statement, leaving held and finished ones', async () => {
    const waiting = await repo.saveJob(job({ nextRunAt: T(100) }), undefined);
    const held = await repo.saveJob(job({ nextRunAt: T(0) }), undefined);
    await repo.getNextJobToRun('ping', T(10), T(-600), T(1), undefined);
    const done = await repo.saveJob(job({ nextRunAt: null }), undefined);
    expect(await repo.shiftPending(-60_000)).toBe(1);
    expect((await repo.getJobById(String(waiting._id)))?.nextRunAt).toEqual(T(40));
    expect((await repo.getJobById(String(held._id)))?.nextRunAt).toEqual(T(0));
    expect((await repo.getJobById(String(done._id)))?.nextRunAt).toBeNull();
  });

  it('runs Agenda jobs, once, across two workers sharing the database', async () => {
    const runs: string[] = [];
    const workers = ['w1', 'w2'].map((name) => {
      const agenda = new Agenda({ backend: new SqliteAgendaBackend(store.database), name, processEvery: 30, defaultLockLifetime: 1000 });
      agenda.define('ping', async (j: { attrs: { data: { n: number } } }) => void runs.push(`${name}:${j.attrs.data.n}`));
      return agenda;
    });
    await Promise.all(workers.map((w) => w.start()));
    for (let n = 0; n < 10; n++) await workers[n % 2]!.now('ping', { n });
    const deadline = Date.now() + 5000;
    while (runs.length < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all(workers.map((w) => w.stop()));
    expect(runs.map((r) => Number(r.split(':')[1])).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
