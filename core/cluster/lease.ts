import type { Logger } from '../ports/index.js';

/**
 * The slice of a Redis client a lease needs (ioredis's `Redis` has it). Kept structural so the
 * core imports no Redis library.
 */
export interface LeaseRedis {
  set(key: string, value: string, px: 'PX', ttlMs: number, nx: 'NX'): Promise<'OK' | null>;
  incr(key: string): Promise<number>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** Extend the lease only while it still holds our value (another node may have taken it after expiry). */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
/** Delete the lease only if it is still ours. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface LeaseOptions {
  redis: LeaseRedis;
  /** Redis key of the lease, e.g. `parley:lease:telegram-polling`. */
  key: string;
  /** This node's name (logs, and who holds the lease: `GET key`). */
  owner: string;
  /** How long the lease lives without renewal: a dead holder is replaced within about this long. */
  ttlMs: number;
}

/**
 * A Redis lease: `SET key owner#token NX PX ttl`, renewed and released by compare-and-set scripts.
 * Each acquisition takes a new fencing token from `INCR key:fence`, so a holder that stalled past
 * its lease (GC pause, network partition) can tell, and be told, that a newer holder exists.
 *
 * @example
 * const lease = new Lease({ redis, key: 'parley:lease:baileys', owner: 'node-a', ttlMs: 5000 });
 * const token = await lease.acquire(); // undefined when another node holds it
 * if (token) { await lease.renew(); await lease.release(); }
 */
export class Lease {
  private value: string | undefined;
  private currentToken: number | undefined;

  constructor(private readonly opts: LeaseOptions) {}

  /** The fencing token of the lease this node holds, if any. */
  get token(): number | undefined {
    return this.currentToken;
  }

  /** Take the lease if nobody holds it; returns its fencing token, or undefined when it is taken. */
  async acquire(): Promise<number | undefined> {
    const token = await this.opts.redis.incr(`${this.opts.key}:fence`);
    const value = `${this.opts.owner}#${token}`;
    if ((await this.opts.redis.set(this.opts.key, value, 'PX', this.opts.ttlMs, 'NX')) !== 'OK') return undefined;
    this.value = value;
    this.currentToken = token;
    return token;
  }

  /** Extend the lease; false when it expired and is gone or held by another node (then it is dropped here). */
  async renew(): Promise<boolean> {
    if (!this.value) return false;
    const ok = Number(await this.opts.redis.eval(RENEW, 1, this.opts.key, this.value, this.opts.ttlMs)) === 1;
    if (!ok) this.forget();
    return ok;
  }

  /** Give the lease up (if still ours), so another node takes it without waiting for expiry. */
  async release(): Promise<void> {
    const value = this.value;
    this.forget();
    if (value) await this.opts.redis.eval(RELEASE, 1, this.opts.key, value);
  }

  private forget(): void {
    this.value = undefined;
    this.currentToken = undefined;
  }
}

export interface LeaderOptions {
  lease: Lease;
  /** What the lease guards, for logs (e.g. `telegram polling`). */
  what: string;
  log: Logger;
  /** Start the singleton work; the fencing token names this tenure. A throw gives the lease back. */
  onAcquired(token: number): Promise<void>;
  /** Stop the singleton work: the lease was lost (or is being released). */
  onLost(): Promise<void>;
  /** How often to renew (holder) or try to take the lease (others). Default: a third of the lease's life. */
  intervalMs: number;
  /** Redis failures tolerated while holding: after this long without a successful renewal, stop the work. */
  ttlMs: number;
  setTimer?: (fn: () => void, ms: number) => NodeJS.Timeout;
}

/**
 * Runs singleton work on whichever node holds a lease: tries to take it every `intervalMs`,
 * renews it while holding, and stops the work as soon as a renewal says another node has it, or
 * no renewal succeeded for a whole lease life (Redis unreachable: the lease has expired for the
 * others, so this node must assume it is no longer the holder).
 *
 * @example
 * const leader = new LeaseLeader({ lease, what: 'telegram polling', log, intervalMs: 1500, ttlMs: 5000, onAcquired: () => channel.start(), onLost: () => channel.stop() });
 * leader.start(); ... await leader.stop();
 */
export class LeaseLeader {
  private timer: NodeJS.Timeout | undefined;
  private holding = false;
  private lastRenewed = 0;
  private stopped = true;
  private tick: Promise<void> = Promise.resolve();

  constructor(private readonly opts: LeaderOptions) {}

  /** True while this node holds the lease and its work runs. */
  get isHolder(): boolean {
    return this.holding;
  }

  get token(): number | undefined {
    return this.holding ? this.opts.lease.token : undefined;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stop the work if running and release the lease, so another node takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.tick;
    if (this.holding) await this.lose('stopping');
    await this.opts.lease.release().catch((err: unknown) => this.opts.log.warn({ err, what: this.opts.what }, 'lease: could not release (it will expire)'));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = (this.opts.setTimer ?? setTimeout)(() => {
      this.tick = this.step().finally(() => this.schedule(this.opts.intervalMs));
    }, ms);
    this.timer.unref?.();
  }

  private async step(): Promise<void> {
    try {
      if (this.holding) await this.keep();
      else await this.take();
    } catch (err) {
      this.opts.log.warn({ err, what: this.opts.what }, 'lease: Redis call failed');
      if (this.holding && Date.now() - this.lastRenewed >= this.opts.ttlMs) await this.lose('no renewal for a whole lease life');
    }
  }

  private async take(): Promise<void> {
    const token = await this.opts.lease.acquire();
    if (token === undefined || this.stopped) return;
    this.holding = true;
    this.lastRenewed = Date.now();
    this.opts.log.info({ what: this.opts.what, token }, `lease: this node now runs ${this.opts.what}`);
    try {
      await this.opts.onAcquired(token);
    } catch (err) {
      this.opts.log.error({ err, what: this.opts.what }, 'lease: could not start the work; giving the lease back');
      this.holding = false;
      await this.opts.lease.release();
    }
  }

  private async keep(): Promise<void> {
    if (await this.opts.lease.renew()) {
      this.lastRenewed = Date.now();
      return;
    }
    await this.lose('another node holds the lease');
  }

  private async lose(why: string): Promise<void> {
    this.holding = false;
    this.opts.log.warn({ what: this.opts.what, why }, `lease: this node stops ${this.opts.what}`);
    await this.opts.onLost().catch((err: unknown) => this.opts.log.error({ err, what: this.opts.what }, 'lease: stopping the work failed'));
  }
}
