import { RedisBackend, RedisJobRepository } from '@agendajs/redis-backend';
import type { AgendaBackend } from 'agenda';
import type { Logger } from '../../core/ports/index.js';

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
  }
  return backend;
}
