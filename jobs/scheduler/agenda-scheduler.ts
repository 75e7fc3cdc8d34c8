import { Agenda, backoffStrategies, type AgendaBackend, type Job, type JobStateNotification, type JobWithId } from 'agenda';
import { ErrorCodes, ParleyError, errorMessage } from '../../core/domain/index.js';
import type { Clock, Logger, ScheduledJob, Scheduler } from '../../core/ports/index.js';
import { shiftPendingJobs } from '../agenda/shift.js';
import { decideRun } from './domain-time.js';
import { DueCache } from './due-cache.js';
import { DomainTimeline, type SkewStore } from './timeline.js';

/** One run of a job, as its handler sees it. */
export interface JobRun {
  name: string;
  key: string;
  data: Record<string, unknown>;
  /** Domain time at the start of the run. */
  now: Date;
  /** 1 on the first try, 2 on the first retry... */
  attempt: number;
}

/** What a job does. Handlers stay thin: decisions live in pure functions beside them. */
export interface JobSpec {
  /** Do the work; return a domain time to run this key again (e.g. the next nudge). */
  run(job: JobRun): Promise<Date | void>;
  /** Recurring jobs: the next run after one at `now`, whatever its outcome. */
  recurrence?: (now: Date) => Date;
}

/** A job whose last run failed (cleared when it next succeeds). */
export interface FailingJob {
  name: string;
  key: string;
  attempts: number;
  error: string;
  at: Date;
  /** Every retry failed: it waits for its next scheduled run, if any. */
  exhausted: boolean;
  data: Record<string, unknown>;
}

export interface AgendaSchedulerOptions {
  backend: AgendaBackend;
  clock: Clock;
  skewStore: SkewStore;
  log: Logger;
  /** Identifies this worker in the job store (lastModifiedBy). */
  name: string;
  processEveryMs: number;
  /**
   * How long a job's lock lasts without a heartbeat before Agenda treats its worker as dead and
   * hands the job to another (default 10 s; running jobs refresh it). Agenda also leaves a timer
   * of half this behind each run, which keeps a process that is winding down alive that long.
   */
  lockLifetimeMs?: number;
  retry: { baseMs: number; maxMs: number; maxRetries: number };
  /** Domain clock drift (ms) tolerated before waiting jobs are realigned. */
  clockToleranceMs?: number;
  startTimeoutMs?: number;
  /** Called once a job has failed its last retry (the plugin records `JobFailed`). */
  onExhausted?: (failure: FailingJob) => Promise<void>;
  /**
   * This process is the only writer of the job store (embedded mode: no `REDIS_URL`, jobs in the
   * SQLite file): `dueAt` may answer from what this scheduler last wrote or read for a key
   * instead of querying the store (see `DueCache`). Off by default: other writers, look up.
   */
  soleWriter?: boolean;
  /** Keys whose due time a sole writer remembers (default 4,096). */
  dueCacheSize?: number;
}

type Pending = ScheduledJob | 'cancel' | undefined;

/**
 * The `Scheduler` port on Agenda 6, for any Agenda backend (SQLite embedded, Redis distributed).
 * Every job carries its domain `key` (upserts replace, cancels find it) and its domain due time;
 * due times follow the `Clock` port even when it is moved (see `DomainTimeline`). Failing jobs
 * retry with exponential backoff and are listed by `failing()` until they next succeed.
 *
 * @example
 * const scheduler = new AgendaScheduler({ backend, clock, skewStore, log, name: 'parley', processEveryMs: 5000, retry });
 * scheduler.define('reminder', { run: async ({ data }) => sendReminder(data) });
 * await scheduler.start();
 * await scheduler.schedule({ name: 'reminder', key: 'reminder:conv_1:1h', runAt, data: { conversationId } });
 */
export class AgendaScheduler implements Scheduler {
  private readonly agenda: Agenda;
  private readonly lockLifetimeMs: number;
  private readonly timeline: DomainTimeline;
  private readonly specs = new Map<string, JobSpec>();
  /** Keys running here, and what was asked of them meanwhile (applied once the run ends). */
  private readonly running = new Map<string, Pending>();
  /** Where runs here put their job next (domain time), and under which timeline version. */
  private readonly rearms = new Map<string, { job: ScheduledJob; version: number }>();
  private readonly failures = new Map<string, FailingJob>();
  /** Sole writer only: due times known without a look-up. */
  private readonly dues: DueCache | undefined;
  private active = 0;
  private loading: Promise<void> | undefined;
  private connectError: unknown;
  private syncTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: AgendaSchedulerOptions) {
    this.lockLifetimeMs = opts.lockLifetimeMs ?? 10_000;
    this.dues = opts.soleWriter ? new DueCache(opts.dueCacheSize ?? 4096) : undefined;
    this.agenda = new Agenda({ backend: this.guarded(opts.backend), name: opts.name, processEvery: opts.processEveryMs, defaultLockLifetime: this.lockLifetimeMs, removeOnComplete: false });
    this.timeline = new DomainTimeline({
      clock: opts.clock,
      store: opts.skewStore,
      shift: (delta) => shiftPendingJobs(this.agenda.db, delta),
      log: opts.log,
      toleranceMs: opts.clockToleranceMs ?? 1000,
    });
    this.listen();
  }

  /** Register a job's handler (before `start`). */
  define(name: string, spec: JobSpec): void {
    this.specs.set(name, spec);
    const { baseMs, maxMs, maxRetries } = this.opts.retry;
    this.agenda.define(name, (job: Job<Record<string, unknown>>) => this.execute(name, spec, job), {
      backoff: backoffStrategies.exponential({ delay: baseMs, maxDelay: maxMs, maxRetries, jitter: 0.2 }),
    });
  }

  async start(): Promise<void> {
    await this.ensureLoaded();
    await this.loadFailures();
    await this.agenda.start();
    this.syncTimer = setInterval(() => void this.timeline.sync(), Math.max(50, Math.min(this.opts.processEveryMs, 1000)));
    this.syncTimer.unref();
  }

  /** Stop taking jobs, let running ones finish (up to `timeoutMs`), then disconnect. */
  async stop(timeoutMs = 5000): Promise<void> {
    if (this.syncTimer) clearInterval(this.syncTimer);
    await this.agenda.stop(false);
    const deadline = Date.now() + timeoutMs;
    while (this.active > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (this.opts.backend.ownsConnection !== false) await this.opts.backend.disconnect();
  }

  async schedule(job: ScheduledJob): Promise<void> {
    if (!this.specs.has(job.name)) this.opts.log.warn({ job: job.name, key: job.key }, 'jobs: scheduling a job nothing here runs');
    await this.ensureLoaded();
    await this.timeline.sync();
    // Only a run already going when we write can overwrite us; one our write starts reads it.
    const runningBefore = this.running.has(job.key);
    await this.written(job.key, job.runAt, () => this.upsert(job));
    if (runningBefore && this.running.has(job.key)) this.running.set(job.key, job);
  }

  async cancel(key: string): Promise<void> {
    await this.ensureLoaded();
    const runningBefore = this.running.has(key);
    await this.written(key, null, () => this.agenda.cancel({ data: { key } }));
    if (runningBefore && this.running.has(key)) this.running.set(key, 'cancel');
  }

  /**
   * Domain due time of the job scheduled under `key`, if one is waiting. A sole writer answers
   * from memory when it knows (it wrote or read the key since the job last ran); a key whose job is
   * running, or that nothing here wrote or read yet, is looked up.
   */
  async dueAt(key: string): Promise<Date | undefined> {
    await this.ensureLoaded();
    const dues = this.running.has(key) ? undefined : this.dues;
    const known = dues?.get(key);
    if (known !== undefined) return known ?? undefined;
    const token = dues?.begin(key);
    try {
      const { jobs } = await this.agenda.queryJobs({ data: { key } });
      const waiting = jobs.find((j) => j.nextRunAt);
      const due = waiting ? readData(waiting.data).dueAt : undefined;
      if (dues && token !== undefined && !this.running.has(key)) dues.found(key, due ?? null, token);
      return due;
    } finally {
      if (dues) dues.settle(key);
    }
  }

  /** Run a write of `key`'s job that leaves `due` waiting (`null`: none), keeping the sole writer's memory of it right. */
  private async written(key: string, due: Date | null, write: () => Promise<unknown>): Promise<void> {
    const dues = this.dues;
    if (!dues) return void (await write());
    const token = dues.begin(key);
    try {
      await write();
      // A running job's own save comes after ours: its key is looked up until the run is over.
      if (this.running.has(key)) dues.forget(key);
      else dues.wrote(key, due, token);
    } catch (err) {
      dues.forget(key);
      throw err;
    } finally {
      dues.settle(key);
    }
  }

  /** Jobs whose last run failed, newest first. */
  failing(): FailingJob[] {
    return [...this.failures.values()].sort((a, b) => b.at.getTime() - a.at.getTime());
  }

  get backendName(): string {
    return this.opts.backend.name;
  }

  private ensureLoaded(): Promise<void> {
    this.loading ??= (async () => {
      const ms = this.opts.startTimeoutMs ?? 15_000;
      await withTimeout(this.agenda.ready, ms, () => `Cannot reach the ${this.opts.backend.name} job store within ${ms} ms${this.connectError ? `: ${errorMessage(this.connectError)}` : ''}`);
      await this.timeline.load();
    })();
    return this.loading;
  }

  /**
   * Agenda connects its backend in its constructor and does not catch a failure there; keep the
   * error for `start` to report instead of letting it become an unhandled rejection.
   */
  private guarded(backend: AgendaBackend): AgendaBackend {
    return {
      name: backend.name,
      repository: backend.repository,
      notificationChannel: backend.notificationChannel,
      ownsConnection: backend.ownsConnection,
      connect: () =>
        backend.connect().catch((err: unknown) => {
          this.connectError = err;
          this.opts.log.error({ err }, `jobs: cannot connect to the ${backend.name} job store`);
          return new Promise<void>(() => {});
        }),
      disconnect: () => backend.disconnect(),
    };
  }

  private async upsert(job: ScheduledJob): Promise<void> {
    const data = { ...job.data, key: job.key, dueAt: job.runAt.toISOString() };
    await this.timeline.withSkew((toReal) => this.agenda.create(job.name, data).unique({ 'data.key': job.key }).schedule(toReal(job.runAt)).save());
  }

  private async execute(name: string, spec: JobSpec, job: Job<Record<string, unknown>>): Promise<void> {
    // Re-read: the job may have been moved or cancelled after this worker locked it.
    const stored = await this.agenda.db.getJobById(String(job.attrs._id));
    if (!stored) return;
    const { key, dueAt, data } = readData(stored.data);
    const now = this.opts.clock.now();
    const decision = decideRun(dueAt, now);
    // Whatever Agenda saves after this run (nextRunAt) is what we set on job.attrs here.
    if (!decision.run) return this.rearm(job, { name, key, runAt: decision.deferTo, data });
    // A recurring job that fails for good still comes back on its schedule.
    if (spec.recurrence) this.rearm(job, { name, key, runAt: spec.recurrence(now), data });
    const next = (await this.withHeartbeat(job, () => spec.run({ name, key, data, now, attempt: (job.attrs.failCount ?? 0) + 1 }))) ?? spec.recurrence?.(now);
    if (next) {
      await this.upsert({ name, key, runAt: next, data });
      this.rearm(job, { name, key, runAt: next, data });
    }
  }

  private rearm(job: Job<Record<string, unknown>>, next: ScheduledJob): void {
    job.attrs.nextRunAt = this.timeline.toReal(next.runAt);
    this.rearms.set(next.key, { job: next, version: this.timeline.version });
  }

  /**
   * Keep the job's lock fresh while it runs, so the lock lifetime can stay short (a dead worker's
   * job is taken over quickly) without cutting long runs such as a sweep over every candidate.
   */
  private async withHeartbeat<T>(job: Job<Record<string, unknown>>, run: () => Promise<T>): Promise<T> {
    const beat = setInterval(() => {
      job.touch().catch((err: unknown) => this.opts.log.warn({ err: errorMessage(err), job: job.attrs.name }, 'jobs: could not refresh a lock'));
    }, Math.max(100, this.lockLifetimeMs / 3));
    beat.unref();
    try {
      return await run();
    } finally {
      clearInterval(beat);
    }
  }

  private listen(): void {
    const { log } = this.opts;
    this.agenda.on('error', (err) => log.warn({ err }, 'jobs: agenda error'));
    this.agenda.on('start', (job: JobWithId | JobStateNotification, remote?: boolean) => {
      if (remote || !('attrs' in job)) return;
      this.active++;
      const key = readData(job.attrs.data).key;
      // Its run may move, re-arm or end the job: what was known of it no longer holds.
      this.dues?.forget(key);
      if (key && !this.running.has(key)) this.running.set(key, undefined);
    });
    this.agenda.on('complete', (job: JobWithId | JobStateNotification, remote?: boolean) => {
      if (remote || !('attrs' in job)) return;
      this.active--;
      const key = readData(job.attrs.data).key;
      this.dues?.forget(key);
      this.afterRun(key);
    });
    // A retry is due in real time (Agenda's backoff): nothing to realign.
    this.agenda.on('retry', (job: JobWithId | JobStateNotification, _details: unknown, remote?: boolean) => {
      if (!remote && 'attrs' in job) this.rearms.delete(readData(job.attrs.data).key);
    });
    this.agenda.on('success', (job: JobWithId | JobStateNotification, remote?: boolean) => {
      if (!remote && 'attrs' in job) this.failures.delete(readData(job.attrs.data).key);
    });
    this.agenda.on('fail', (err: Error | string, job: JobWithId | JobStateNotification, remote?: boolean) => {
      if (remote || !('attrs' in job)) return;
      const failure = toFailure(job, errorMessage(err), this.opts.clock.now(), false);
      this.failures.set(failure.key, failure);
      log.warn({ job: failure.name, key: failure.key, attempt: failure.attempts, err }, 'jobs: run failed');
    });
    this.agenda.on('retry exhausted', (err: Error, job: JobWithId) => {
      const failure = toFailure(job, errorMessage(err), this.opts.clock.now(), true);
      this.failures.set(failure.key, failure);
      log.error({ job: failure.name, key: failure.key, attempts: failure.attempts, err }, 'jobs: failed after every retry');
      void this.opts.onExhausted?.(failure).catch((e: unknown) => log.error({ err: e }, 'jobs: recording a failed job failed'));
    });
  }

  /**
   * Apply what was asked of a key while it ran (Agenda's own save would have overwritten it), or
   * recompute its next due time if the domain clock moved meanwhile (realignment skips running jobs).
   */
  private afterRun(key: string): void {
    const pending = this.running.get(key);
    const rearm = this.rearms.get(key);
    this.running.delete(key);
    this.rearms.delete(key);
    const stale = rearm && rearm.version !== this.timeline.version ? rearm.job : undefined;
    const apply = pending === 'cancel' ? this.cancel(key) : pending ? this.schedule(pending) : stale ? this.schedule(stale) : undefined;
    void apply?.catch((err: unknown) => this.opts.log.error({ err, key }, 'jobs: re-applying a change made during a run failed'));
  }

  private async loadFailures(): Promise<void> {
    const { jobs } = await this.agenda.queryJobs({ state: 'failed' });
    for (const job of jobs) {
      const failure = toFailure({ attrs: job }, job.failReason ?? 'unknown error', job.failedAt ?? this.opts.clock.now(), (job.failCount ?? 0) > this.opts.retry.maxRetries);
      this.failures.set(failure.key, failure);
    }
  }
}

/** Parley's fields in an Agenda job's data: the domain key and due time, and the handler's data. */
export function readData(raw: unknown): { key: string; dueAt: Date | undefined; data: Record<string, unknown> } {
  const { key, dueAt, ...data } = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const due = typeof dueAt === 'string' ? new Date(dueAt) : undefined;
  return { key: typeof key === 'string' ? key : '', dueAt: due && !Number.isNaN(due.getTime()) ? due : undefined, data };
}

function toFailure(job: { attrs: { name: string; data: unknown; failCount?: number | undefined } }, error: string, at: Date, exhausted: boolean): FailingJob {
  const { key, data } = readData(job.attrs.data);
  return { name: job.attrs.name, key: key || job.attrs.name, attempts: job.attrs.failCount ?? 1, error, at, exhausted, data };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ParleyError(ErrorCodes.STORE, message())), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
