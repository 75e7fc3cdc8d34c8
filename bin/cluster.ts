import { hostname } from 'node:os';
import { z } from 'zod';
import type { ChannelId } from '../core/domain/index.js';
import type { TurnJob } from '../core/engine/index.js';
import type { KeyedQueue, Logger, Store } from '../core/ports/index.js';

const positiveInt = (what: string) => z.coerce.number({ error: `expected ${what}` }).int(`expected a whole number of ${what}`).positive(`expected a positive number of ${what}`);

/**
 * Settings of cluster mode (on when `REDIS_URL` is set, see jobs.config.ts), merged into the app
 * config. Each is documented in .env.example and docs/scale-out.md.
 */
export const clusterConfigShape = {
  /** This node's name in /health, logs and metrics (default `<hostname>-<pid>`). */
  PARLEY_NODE_NAME: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected 1-64 letters, digits, _ . or -').optional(),
  /** How often a node looks for turns and sends left running by a node that died (BullMQ stalled check). */
  CLUSTER_STALLED_INTERVAL_MS: positiveInt('milliseconds').default(30_000),
  /** Lifetime of a conversation's ordering lock (renewed while held; a dead holder frees it after this). */
  CLUSTER_LOCK_TTL_MS: positiveInt('milliseconds').default(15_000),
  /** Prefix of every key cluster mode keeps in Redis (queues, ordering locks, rate limits). */
  CLUSTER_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected 1-64 letters, digits, _ . or -').default('parley'),
  /** Turns and sends each node runs at once (each its own conversation). */
  CLUSTER_CONCURRENCY: positiveInt('jobs').default(64),
} satisfies z.ZodRawShape;

/** This node's name: `PARLEY_NODE_NAME`, else `<hostname>-<pid>`. */
export function nodeName(config: { PARLEY_NODE_NAME?: string | undefined }): string {
  return config.PARLEY_NODE_NAME ?? `${hostname()}-${process.pid}`;
}

export interface ClusterSettings {
  REDIS_URL: string;
  PARLEY_NODE_NAME?: string | undefined;
  CLUSTER_STALLED_INTERVAL_MS: number;
  CLUSTER_LOCK_TTL_MS: number;
  CLUSTER_CONCURRENCY: number;
  CLUSTER_REDIS_PREFIX: string;
}

/** What the composition root wires in cluster mode instead of the in-process queue and limiter. */
export interface ClusterQueues {
  node: string;
  turns: KeyedQueue<TurnJob>;
  outbound: KeyedQueue<string>;
  rateLimiter: (channel: ChannelId, perSecond: number) => { take(): Promise<void> };
  /** For /health details: this node's name and both queues' counts (failed jobs included). */
  health(): Record<string, unknown>;
  /** Close the Redis connection (after the queues were closed by the engine's drain). */
  close(): Promise<void>;
}

/** The Redis URL without a password, for logs. */
export function redactedRedisUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/**
 * Cluster mode's queues: turns and sends on BullMQ, each conversation under a Redis ordering
 * lock, provider rate limits in Redis. ioredis and BullMQ are loaded here, on demand, so
 * embedded mode never loads them.
 *
 * @example
 * const cluster = config.REDIS_URL ? await createClusterQueues({ ...config, REDIS_URL: config.REDIS_URL }, { store, log }) : undefined;
 */
export async function createClusterQueues(settings: ClusterSettings, deps: { store: Store; log: Logger; onError?: (err: unknown, detail: { what: string }) => void }): Promise<ClusterQueues> {
  const [{ Redis }, { BullmqKeyedQueue, OrderingLocks, RedisRateLimiter }] = await Promise.all([import('ioredis'), import('../core/cluster/index.js')]);
  const { store, log } = deps;
  const redis = new Redis(settings.REDIS_URL, { maxRetriesPerRequest: null });
  redis.on('error', (err) => log.warn({ err: err.message }, 'Redis connection error'));
  const locks = new OrderingLocks(redis, { prefix: `${settings.CLUSTER_REDIS_PREFIX}:lock:`, ttlMs: settings.CLUSTER_LOCK_TTL_MS, log });
  const common = { connection: redis, prefix: settings.CLUSTER_REDIS_PREFIX, locks, log, concurrency: settings.CLUSTER_CONCURRENCY, stalledIntervalMs: settings.CLUSTER_STALLED_INTERVAL_MS, ...(deps.onError ? { onError: deps.onError } : {}) };
  // The conversation's unfinished rows, oldest first (the newest 200 rows: a backlog deeper than
  // that in one conversation still runs, each job its own message, only not reordered).
  const recent = (conversationId: string) => store.listMessages(conversationId, { limit: 200 });
  const turns = new BullmqKeyedQueue<TurnJob>({
    ...common,
    name: 'turns',
    jobId: (job) => `turn-${job.messageId}`,
    pendingFor: async (id) => (await recent(id)).filter((m) => m.direction === 'in' && m.status === 'pending').map((m) => ({ messageId: m.id })),
  });
  const outbound = new BullmqKeyedQueue<string>({
    ...common,
    name: 'outbound',
    jobId: (messageId) => `send-${messageId}`,
    pendingFor: async (id) => (await recent(id)).filter((m) => m.direction === 'out' && (m.status === 'queued' || m.status === 'sending')).map((m) => m.id),
  });
  const node = nodeName(settings);
  return {
    node,
    turns,
    outbound,
    // One bucket per provider account: this install has one bot / number per channel.
    rateLimiter: (channel, perSecond) => new RedisRateLimiter(redis, `${settings.CLUSTER_REDIS_PREFIX}:rate:${channel}`, perSecond),
    health: () => ({ node, queues: { turns: turns.health(), outbound: outbound.health() } }),
    async close() {
      await redis.quit().catch(() => undefined);
    },
  };
}
