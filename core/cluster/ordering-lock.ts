import type { Redis } from 'ioredis';
import { ErrorCodes, ParleyError } from '../domain/index.js';
import type { Logger } from '../ports/logger.js';
import { silentLogger } from '../ports/logger.js';

/** A conversation lock was not free within the wait: the job fails and BullMQ retries it with backoff. */
export class LockTimeoutError extends ParleyError {
  constructor(key: string, waitedMs: number) {
    super(ErrorCodes.CONFLICT, `Lock ${key} still held by another node after ${waitedMs} ms`);
  }
}

// Only the holder (same token) may extend or release: a lock that expired and was taken by
// another node is never deleted from under it.
const EXTEND = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

export interface OrderingLockOptions {
  /** Key prefix, e.g. `parley:lock:`. */
  prefix: string;
  /** Lock lifetime; renewed every third of it while the holder runs. A dead holder frees it after this. */
  ttlMs: number;
  /** How long to wait for a held lock before giving up (the job is then retried). Default: 4 × ttl. */
  waitMs?: number;
  log?: Logger;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A per-key mutual-exclusion lock in Redis (SET NX PX with a random token, renewed while held,
 * released by compare-and-delete). Turns and sends of one conversation run under its lock, so
 * only one node works on a conversation at a time.
 *
 * Not a correctness fence on its own (a holder paused longer than the TTL may still be running
 * when another node takes over): the store's version check on `commitTurn` is the fence, and a
 * turn that lost it re-runs on the new state, where its message is no longer pending.
 *
 * @example
 * await locks.withLock('turns:conv_1', async () => runPendingTurns('conv_1'));
 */
export class OrderingLocks {
  private readonly waitMs: number;
  private readonly log: Logger;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly redis: Redis,
    private readonly opts: OrderingLockOptions,
  ) {
    this.waitMs = opts.waitMs ?? opts.ttlMs * 4;
    this.log = opts.log ?? silentLogger;
    this.sleep = opts.sleep ?? realSleep;
  }

  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const fullKey = `${this.opts.prefix}${key}`;
    const token = `${process.pid}.${Math.random().toString(36).slice(2)}.${Date.now()}`;
    await this.acquire(fullKey, token);
    const renew = setInterval(() => {
      this.redis.eval(EXTEND, 1, fullKey, token, String(this.opts.ttlMs)).then(
        (held) => held === 0 && this.log.warn({ key: fullKey }, 'ordering lock lost while held (paused longer than its TTL); the store version check fences the late commit'),
        (err: unknown) => this.log.warn({ err, key: fullKey }, 'ordering lock renewal failed'),
      );
    }, Math.max(50, Math.floor(this.opts.ttlMs / 3)));
    renew.unref();
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      await this.redis.eval(RELEASE, 1, fullKey, token).catch((err: unknown) => this.log.warn({ err, key: fullKey }, 'ordering lock release failed; it expires by itself'));
    }
  }

  private async acquire(key: string, token: string): Promise<void> {
    const started = Date.now();
    let pause = 5;
    for (;;) {
      if ((await this.redis.set(key, token, 'PX', this.opts.ttlMs, 'NX')) === 'OK') return;
      const waited = Date.now() - started;
      if (waited >= this.waitMs) throw new LockTimeoutError(key, waited);
      await this.sleep(pause);
      pause = Math.min(pause * 2, 100);
    }
  }
}
