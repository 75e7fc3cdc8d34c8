import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { ShuttingDownError } from '../domain/index.js';
import type { KeyedQueue } from '../ports/index.js';
import type { Logger } from '../ports/logger.js';
import { silentLogger } from '../ports/logger.js';
import type { OrderingLocks } from './ordering-lock.js';

interface KeyedJob<T> {
  key: string;
  payload: T;
}

export interface BullmqKeyedQueueOptions<T> {
  /** Queue name (`turns`, `outbound`); one BullMQ queue per name, shared by every node. */
  name: string;
  /** BullMQ key prefix (default `parley`). */
  prefix?: string;
  /** A connection with `maxRetriesPerRequest: null` (BullMQ duplicates it for the blocking worker). */
  connection: Redis;
  locks: OrderingLocks;
  /** The job id: a domain id, so the same work added twice (a redelivered webhook, a re-drive) is one job. */
  jobId: (payload: T) => string;
  /**
   * The key's unfinished work, oldest first. Under the key's lock every one of them runs before
   * the job's own payload, so the order is the store's whichever node picked which job first.
   */
  pendingFor: (key: string) => Promise<T[]>;
  concurrency?: number;
  /** Attempts per job (exponential backoff from `backoffMs`) before it stays failed. */
  attempts?: number;
  backoffMs?: number;
  /** How often a node looks for jobs whose worker died (BullMQ's stalled check). */
  stalledIntervalMs?: number;
  log?: Logger;
  onError?: (err: unknown, detail: { what: string }) => void;
}

export interface QueueHealth {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

// BullMQ refuses ':' in custom ids (its key separator).
const safeId = (id: string) => id.replaceAll(':', '~');

/**
 * `KeyedQueue` on BullMQ, for N nodes: jobs with the same key run one at a time in the store's
 * order (a per-key Redis lock; under it the key's pending work runs oldest first), jobs with
 * different keys run in parallel on every node. A job left active by a node that died is taken
 * over by BullMQ's stalled-job check on another node.
 *
 * @example
 * const turns = new BullmqKeyedQueue<TurnJob>({ name: 'turns', connection, locks, jobId: (j) => j.messageId, pendingFor });
 */
export class BullmqKeyedQueue<T> implements KeyedQueue<T> {
  private readonly queue: Queue<KeyedJob<T>>;
  private worker: Worker<KeyedJob<T>> | undefined;
  private closed = false;
  private counts: QueueHealth = { waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 };
  private readonly refresher: NodeJS.Timeout;
  private readonly log: Logger;
  private readonly onError: (err: unknown, detail: { what: string }) => void;

  constructor(private readonly opts: BullmqKeyedQueueOptions<T>) {
    this.log = opts.log ?? silentLogger;
    this.onError = opts.onError ?? ((err, detail) => this.log.error({ err, ...detail }, 'queued job failed'));
    this.queue = new Queue<KeyedJob<T>>(opts.name, { connection: opts.connection, prefix: opts.prefix ?? 'parley' });
    // depth() is synchronous (metrics, /health): it reads counts refreshed in the background.
    this.refresher = setInterval(() => void this.refresh().catch(() => undefined), 1000);
    this.refresher.unref();
  }

  process(handler: (payload: T, key: string) => Promise<void>): void {
    this.worker = new Worker<KeyedJob<T>>(this.opts.name, (job) => this.run(job, handler), {
      connection: this.opts.connection,
      prefix: this.opts.prefix ?? 'parley',
      concurrency: this.opts.concurrency ?? 32,
      stalledInterval: this.opts.stalledIntervalMs ?? 30_000,
      // Lock renewal every half interval: a live but busy node is not taken for dead.
      lockDuration: this.opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: 5,
    });
    this.worker.on('failed', (job, err) => this.onError(err, { what: `${this.opts.name} job ${job?.id ?? '?'} (attempt ${job?.attemptsMade ?? '?'})` }));
    this.worker.on('error', (err) => this.log.warn({ err, queue: this.opts.name }, 'BullMQ worker error'));
  }

  async add(key: string, payload: T): Promise<void> {
    if (this.closed) throw new ShuttingDownError();
    await this.queue.add(this.opts.name, { key, payload }, {
      jobId: safeId(this.opts.jobId(payload)),
      attempts: this.opts.attempts ?? 5,
      backoff: { type: 'exponential', delay: this.opts.backoffMs ?? 1000 },
      // Kept a while after completion so a late duplicate add (a re-drive racing the turn) is absorbed.
      removeOnComplete: { age: 3600, count: 50_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    this.counts.waiting++;
  }

  depth(): number {
    return this.counts.waiting + this.counts.active + this.counts.delayed;
  }

  /** Resolves when no job is waiting, delayed or running on any node. */
  async drain(): Promise<void> {
    for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
      await this.refresh();
      if (this.depth() === 0) return;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /** Counts across the cluster as of the last refresh (every second). */
  health(): QueueHealth {
    return { ...this.counts };
  }

  /** Stop taking jobs and finish the ones running here (others stay queued for the other nodes). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.refresher);
    await this.worker?.close();
    await this.queue.close();
  }

  private async run(job: Job<KeyedJob<T>>, handler: (payload: T, key: string) => Promise<void>): Promise<void> {
    const { key, payload } = job.data;
    const own = this.opts.jobId(payload);
    await this.opts.locks.withLock(`${this.opts.name}:${key}`, async () => {
      let ranOwn = false;
      for (const pending of await this.opts.pendingFor(key)) {
        if (this.opts.jobId(pending) === own) ranOwn = true;
        await handler(pending, key);
      }
      // Its own payload too when the store no longer lists it (then the handler finds it done: a no-op).
      if (!ranOwn) await handler(payload, key);
    });
  }

  private async refresh(): Promise<void> {
    const c = await this.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
    this.counts = { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0, completed: c.completed ?? 0 };
  }
}
