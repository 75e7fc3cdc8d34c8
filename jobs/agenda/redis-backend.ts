import { randomUUID } from 'node:crypto';
import { RedisBackend, RedisJobRepository } from '@agendajs/redis-backend';
import type { AgendaBackend } from 'agenda';
import type { Logger } from '../../core/ports/index.js';

/** How long one node may hold a unique key's save lock (a save takes milliseconds; a dead node frees it after this). */
const UNIQUE_LOCK_MS = 5000;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Agenda's Redis backend for distributed mode: jobs in Redis under `keyPrefix`, notifications
 * over pub/sub on a channel under the same prefix (so several deployments can share a server).
 *
 * @example
 * const backend = createRedisBackend('redis://127.0.0.1:6379', 'parley:jobs:', log);
 */
export function createRedisBackend(url: string, keyPrefix: string, log: Logger): AgendaBackend {
  const backend = new RedisBackend({ connectionString: url, keyPrefix, channelName: `${keyPrefix}notifications` });
  // ioredis reconnects by itself; without a listener each failed attempt is printed to stderr.
  if (backend.repository instanceof RedisJobRepository) {
    backend.repository.getRedis().on('error', (err: Error) => log.warn({ err: err.message }, 'jobs: redis connection error'));
    serializeUniqueSaves(backend.repository, keyPrefix);
  }
  return backend;
}

/**
 * The backend's unique upsert looks for a job with the key, then inserts one if none was found:
 * two nodes saving the same key at once (both nodes ensure the recurring risk sweep at start, or
 * arm the same nudge) each insert one, and the job then runs twice per due time for ever. A
 * short Redis lock per unique key makes the look-up and the insert one step across the cluster.
 */
function serializeUniqueSaves(repository: RedisJobRepository, keyPrefix: string): void {
  const redis = repository.getRedis();
  const save = repository.saveJob.bind(repository);
  repository.saveJob = async (job, options) => {
    if (!job.unique) return save(job, options);
    const lock = `${keyPrefix}unique-lock:${job.name}:${JSON.stringify(job.unique)}`;
    const token = randomUUID();
    for (let attempt = 0; (await redis.set(lock, token, 'PX', UNIQUE_LOCK_MS, 'NX')) !== 'OK'; attempt++) await sleep(Math.min(100, 5 * 2 ** attempt));
    try {
      return await save(job, options);
    } finally {
      await redis.eval(RELEASE, 1, lock, token);
    }
  };
}
