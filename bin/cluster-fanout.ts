import type { Redis } from 'ioredis';
import type { Server as SocketServer } from 'socket.io';
import { Lease, LeaseLeader } from '../core/cluster/lease.js';
import { LeaseRelay, RelayError, type RelayedFailure } from '../core/cluster/lease-relay.js';
import { ProviderError, type MediaRef, type OutboundMessage } from '../core/domain/index.js';
import type { Logger, SendContext, SendResult } from '../core/ports/index.js';
import type { WhatsAppProvider } from '../channels/whatsapp/shared/provider.js';

/** Where fan-out, leases and relays keep their keys: under the cluster's `CLUSTER_REDIS_PREFIX`. */
const keys = (prefix: string) => `${prefix}:cluster:`;
/** A dead lease holder is replaced within this long (plus one attempt interval). */
export const LEASE_TTL_MS = 5000;
/** How often the holder renews and the others try to take a free lease. */
export const LEASE_INTERVAL_MS = 1000;

/** A new ioredis connection (loaded on demand: embedded mode never imports it), errors logged. */
export async function redisConnection(url: string, log: Logger, role: string, failFast = false): Promise<Redis> {
  const { Redis } = await import('ioredis');
  // Blocking pops and subscriptions wait as long as they need; commands queue while reconnecting.
  // A lease must not: a renewal queued through an outage would let the work run past the lease's
  // expiry while another node takes it, so lease commands fail at once when Redis is unreachable.
  const redis = new Redis(url, failFast ? { maxRetriesPerRequest: 0, enableOfflineQueue: false, commandTimeout: LEASE_INTERVAL_MS } : { maxRetriesPerRequest: null });
  redis.on('error', (err: Error) => log.warn({ err: err.message, role }, 'cluster: redis connection error'));
  return redis;
}

/**
 * Socket.IO across nodes: every namespace on `@socket.io/redis-adapter`, so an emit to a room
 * (a console operator, a web chat session) reaches that room's sockets on every node. Only the
 * emits cross: the in-process event bus, and so every domain reaction (alerts, notifications,
 * escalations), stays on the node whose turn produced the event, and runs once. Call before the
 * server accepts connections. Returns what closes the two Redis connections.
 *
 * @example
 * const close = await attachSocketFanout(io, { url: config.REDIS_URL, prefix: config.CLUSTER_REDIS_PREFIX }, log);
 * ...; io.close(); await close();
 */
export async function attachSocketFanout(io: SocketServer, cluster: { url: string; prefix: string }, log: Logger): Promise<() => Promise<void>> {
  const { createAdapter } = await import('@socket.io/redis-adapter');
  const pub = await redisConnection(cluster.url, log, 'socket.io pub');
  const sub = pub.duplicate();
  sub.on('error', (err: Error) => log.warn({ err: err.message, role: 'socket.io sub' }, 'cluster: redis connection error'));
  io.adapter(createAdapter(pub, sub, { key: `${keys(cluster.prefix)}socket.io` }));
  log.info('cluster: Socket.IO rooms shared across nodes through Redis');
  return async () => {
    await Promise.allSettled([pub.quit(), sub.quit()]);
  };
}

export interface SingletonOptions {
  url: string;
  /** `CLUSTER_REDIS_PREFIX`. */
  prefix: string;
  node: string;
  log: Logger;
  /** Lease name, e.g. `telegram-polling`. */
  name: string;
  /** For logs, e.g. `Telegram long polling`. */
  what: string;
  start(token: number): Promise<void>;
  stop(): Promise<void>;
}

/** Singleton work on the lease holder, and how the rest of the node sees it. */
export interface Singleton {
  readonly isHolder: boolean;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Run `start`/`stop` on exactly one node of the cluster: the holder of the Redis lease `name`.
 * A holder that dies (even `kill -9`) is replaced within {@link LEASE_TTL_MS} and one interval;
 * a holder that stops releases the lease at once.
 *
 * @example
 * const polling = await singleton({ url, prefix, node, log, name: 'telegram-polling', what: 'Telegram long polling', start: () => channel.start(), stop: () => channel.stop() });
 * polling.start(); ... await polling.stop();
 */
export async function singleton(opts: SingletonOptions): Promise<Singleton> {
  const redis = await redisConnection(opts.url, opts.log, `lease ${opts.name}`, true);
  // Connected before the first attempt (commands fail rather than queue); an unreachable Redis is
  // not waited for here: the leader keeps trying.
  await Promise.race([new Promise((resolve) => redis.once('ready', resolve)), new Promise((resolve) => setTimeout(resolve, LEASE_TTL_MS).unref())]);
  const lease = new Lease({ redis, key: `${keys(opts.prefix)}lease:${opts.name}`, owner: opts.node, ttlMs: LEASE_TTL_MS });
  const leader = new LeaseLeader({ lease, what: opts.what, log: opts.log, intervalMs: LEASE_INTERVAL_MS, ttlMs: LEASE_TTL_MS, onAcquired: opts.start, onLost: opts.stop });
  return {
    get isHolder() {
      return leader.isHolder;
    },
    start: () => leader.start(),
    async stop() {
      await leader.stop();
      await redis.quit().catch(() => undefined);
    },
  };
}

/** A relay to a lease holder, with the connections it owns. */
export interface RelayHandle {
  relay: LeaseRelay;
  /** Start answering requests (on becoming the holder). */
  serve(handle: (payload: unknown) => Promise<unknown>): void;
  /** Stop answering (on losing the lease). */
  unserve(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The Redis request queue to a lease holder (see {@link LeaseRelay}), with its three connections:
 * commands, this node's reply subscription, and the holder's blocking pop.
 */
export async function leaseRelay(opts: { url: string; prefix: string; node: string; log: Logger; name: string; timeoutMs: number }): Promise<RelayHandle> {
  const redis = await redisConnection(opts.url, opts.log, `relay ${opts.name}`);
  const subscriber = redis.duplicate();
  const blocking = redis.duplicate();
  const relay = new LeaseRelay({ redis, subscriber, queueKey: `${keys(opts.prefix)}relay:${opts.name}`, node: opts.node, timeoutMs: opts.timeoutMs, log: opts.log });
  await relay.listen();
  let server: { stop(): Promise<void> } | undefined;
  const unserve = async () => {
    const s = server;
    server = undefined;
    await s?.stop();
  };
  return {
    relay,
    serve(handle) {
      server ??= relay.serve(blocking, handle, failureOf);
    },
    unserve,
    async close() {
      await unserve();
      await Promise.allSettled([redis.quit(), subscriber.quit(), blocking.quit()]);
    },
  };
}

/** A provider error as it crosses the relay (the caller rebuilds it with {@link relayedProviderError}). */
function failureOf(err: unknown): RelayedFailure {
  if (err instanceof ProviderError) return { message: err.message, ...(err.status !== undefined ? { status: err.status } : {}), permanent: err.permanent, unreachable: err.unreachable };
  return { message: err instanceof Error ? err.message : String(err) };
}

/** How long a send waits for the WhatsApp Web holder: covers a failover (lease life + an interval) with room to spare. */
export const RELAY_TIMEOUT_MS = 3 * LEASE_TTL_MS;

interface RelayedSend {
  to: string;
  message: OutboundMessage;
  ctx: SendContext;
}

/**
 * WhatsApp Web in cluster mode: one socket per phone number, so the provider runs on the holder
 * of the `whatsapp-web` lease only. Sends from any other node go through the Redis relay to the
 * holder (answered with the holder's result or provider error); a send made while nobody holds
 * the lease waits in the relay queue for the next holder, or fails as retryable after
 * {@link RELAY_TIMEOUT_MS} and the outbound retry sends it again. Media downloads need no socket
 * (the message is in the shared store), so they run where they are asked.
 *
 * @example
 * const web = await leasedWhatsappWeb(baileysProvider, { url, prefix, node, log });
 * const channel = new WhatsAppChannel([web]);
 */
export async function leasedWhatsappWeb<P extends WhatsAppProvider & { status(): { status: string; qr?: string } }>(
  inner: P,
  opts: { url: string; prefix: string; node: string; log: Logger },
): Promise<WhatsAppProvider & { status(): { status: string; qr?: string } }> {
  const relay = await leaseRelay({ ...opts, name: 'whatsapp-web', timeoutMs: RELAY_TIMEOUT_MS });
  const lease = await singleton({
    ...opts,
    name: 'whatsapp-web',
    what: 'the WhatsApp Web socket',
    start: async () => {
      await inner.start?.();
      relay.serve((p) => {
        const { to, message, ctx } = p as RelayedSend;
        return inner.send(to, message, ctx);
      });
    },
    stop: async () => {
      await relay.unserve();
      await inner.stop?.();
    },
  });
  return {
    name: inner.name,
    async send(to, message, ctx) {
      if (lease.isHolder) return inner.send(to, message, ctx);
      try {
        // The stored message crosses as JSON (its dates as strings): the WhatsApp Web send reads only `to` and `message`.
        return await relay.relay.call<SendResult>({ to, message, ctx } satisfies RelayedSend);
      } catch (err) {
        if (!(err instanceof RelayError)) throw err;
        const f = err.failure;
        throw new ProviderError(inner.name, `via the WhatsApp Web holder: ${f.message}`, { ...(f.status !== undefined ? { status: f.status } : {}), permanent: f.permanent ?? false, unreachable: f.unreachable ?? false, cause: err });
      }
    },
    ...(inner.fetchMedia ? { fetchMedia: (media: MediaRef) => (inner.fetchMedia as NonNullable<P['fetchMedia']>)(media) } : {}),
    async typing(to) {
      if (lease.isHolder) await inner.typing?.(to);
    },
    status: () => (lease.isHolder ? inner.status() : { status: 'on another node' }),
    async start() {
      lease.start();
    },
    async stop() {
      await lease.stop();
      await relay.close();
    },
  };
}
