import { randomUUID } from 'node:crypto';
import type { Logger } from '../ports/index.js';

/** Commands on a shared connection (ioredis `Redis` has them). */
export interface RelayRedis {
  lpush(key: string, value: string): Promise<number>;
  publish(channel: string, message: string): Promise<number>;
}
/** A connection of its own for the holder's blocking pop. */
export interface RelayBlockingRedis {
  brpop(key: string, timeoutSec: number): Promise<[string, string] | null>;
}
/** A connection in subscriber mode for the replies to this node. */
export interface RelaySubscriber {
  subscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
}

/** What a failed relayed call reports: enough for the caller to rebuild its provider error. */
export interface RelayedFailure {
  message: string;
  status?: number;
  permanent?: boolean;
  unreachable?: boolean;
}

/** The holder answered with a failure, or nobody answered in time. */
export class RelayError extends Error {
  readonly code = 'RELAY_FAILED';
  constructor(readonly failure: RelayedFailure) {
    super(failure.message);
    this.name = 'RelayError';
  }
}

interface Request {
  id: string;
  replyTo: string;
  /** Epoch ms after which the caller has given up: the holder drops the request unrun. */
  expiresAt: number;
  payload: unknown;
}
type Reply = { id: string; ok: true; value: unknown } | { id: string; ok: false; failure: RelayedFailure };

export interface LeaseRelayOptions {
  redis: RelayRedis;
  subscriber: RelaySubscriber;
  /** The list every node pushes to and the lease holder pops from, e.g. `parley:relay:baileys`. */
  queueKey: string;
  /** This node's name: its reply channel is `<queueKey>:reply:<node>`. */
  node: string;
  /** How long a caller waits for the holder (a lease failover must fit in it). */
  timeoutMs: number;
  log: Logger;
}

/**
 * Calls that only the holder of a lease can run (a send on the one WhatsApp Web socket), made
 * from any node: the request goes onto a Redis list that only the holder pops (so a request made
 * while the holder changes waits for the next one), and the answer comes back on the caller's
 * pub/sub channel. A request not answered within `timeoutMs` fails as retryable, and the holder
 * drops requests whose caller has given up, so an expired request is never run late.
 *
 * @example
 * const relay = new LeaseRelay({ redis, subscriber, queueKey: 'parley:relay:baileys', node: 'a', timeoutMs: 15000, log });
 * await relay.listen();
 * const result = await relay.call({ to, message });          // any node
 * const server = relay.serve(blocking, (p) => provider.send(p)); // the holder only; server.stop() on loss
 */
export class LeaseRelay {
  private readonly waiting = new Map<string, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  private readonly replyTo: string;

  constructor(private readonly opts: LeaseRelayOptions) {
    this.replyTo = `${opts.queueKey}:reply:${opts.node}`;
  }

  /** Subscribe to this node's replies. */
  async listen(): Promise<void> {
    this.opts.subscriber.on('message', (channel, message) => {
      if (channel === this.replyTo) this.settle(message);
    });
    await this.opts.subscriber.subscribe(this.replyTo);
  }

  /** Run `payload` on the lease holder; resolves with its value, rejects with a {@link RelayError}. */
  call<T>(payload: unknown): Promise<T> {
    const request: Request = { id: randomUUID(), replyTo: this.replyTo, expiresAt: Date.now() + this.opts.timeoutMs, payload };
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(request.id);
        reject(new RelayError({ message: `no answer from the lease holder within ${this.opts.timeoutMs} ms`, status: 503 }));
      }, this.opts.timeoutMs);
      this.waiting.set(request.id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.opts.redis.lpush(this.opts.queueKey, JSON.stringify(request)).catch((err: unknown) => {
        clearTimeout(timer);
        this.waiting.delete(request.id);
        reject(new RelayError({ message: `could not queue for the lease holder: ${err instanceof Error ? err.message : String(err)}`, status: 503 }));
      });
    });
  }

  /**
   * Pop and run requests until stopped (call on the lease holder only). `blocking` must be a
   * connection of its own: a blocking pop holds it.
   */
  serve(blocking: RelayBlockingRedis, handle: (payload: unknown) => Promise<unknown>, toFailure: (err: unknown) => RelayedFailure): { stop(): Promise<void> } {
    let running = true;
    const loop = (async () => {
      while (running) {
        let popped: [string, string] | null;
        try {
          popped = await blocking.brpop(this.opts.queueKey, 1);
        } catch (err) {
          this.opts.log.warn({ err, queue: this.opts.queueKey }, 'relay: blocking pop failed');
          await new Promise((r) => setTimeout(r, 500));
          continue;
        }
        if (popped) await this.run(JSON.parse(popped[1]) as Request, handle, toFailure);
      }
    })();
    return {
      async stop() {
        running = false;
        await loop;
      },
    };
  }

  private async run(request: Request, handle: (payload: unknown) => Promise<unknown>, toFailure: (err: unknown) => RelayedFailure): Promise<void> {
    if (Date.now() > request.expiresAt) {
      this.opts.log.warn({ id: request.id }, 'relay: request expired before the holder took it; not run (the caller retries)');
      return;
    }
    let reply: Reply;
    try {
      reply = { id: request.id, ok: true, value: (await handle(request.payload)) ?? null };
    } catch (err) {
      reply = { id: request.id, ok: false, failure: toFailure(err) };
    }
    await this.opts.redis.publish(request.replyTo, JSON.stringify(reply)).catch((err: unknown) => this.opts.log.error({ err, id: request.id }, 'relay: could not answer'));
  }

  private settle(message: string): void {
    const reply = JSON.parse(message) as Reply;
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    clearTimeout(waiter.timer);
    this.waiting.delete(reply.id);
    if (reply.ok) waiter.resolve(reply.value);
    else waiter.reject(new RelayError(reply.failure));
  }
}
