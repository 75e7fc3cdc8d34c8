import { spawn, spawnSync } from 'node:child_process';
import { freePort, stopChild, waitForPort } from './ports.js';
import { requireSystemPackage } from './system-deps.js';

const REDIS_INSTALL = 'apt-get install redis-server';
export const REDIS_MISSING = `redis-server is not installed: ${REDIS_INSTALL}`;

export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Whether `redis-server` is on the PATH. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Which backends a job suite should run on: SQLite always, Redis when `redis-server` is
 * installed. Under CI a missing redis-server is a failure, elsewhere the Redis variant is skipped
 * (shown as a skipped suite in Jest's summary, saying how to install it).
 *
 * @example
 * describe.each(jobBackends())('jobs on %s', (backend) => { ... });
 */
export function jobBackends(): ('sqlite' | 'redis')[] {
  return requireSystemPackage('redis-server', hasRedisServer(), REDIS_INSTALL) ? ['sqlite', 'redis'] : ['sqlite'];
}

/**
 * Start a throwaway `redis-server` on a free loopback port, in memory only (no RDB, no AOF).
 *
 * @example
 * const redis = await startRedis();
 * process.env.REDIS_URL = redis.url;
 * await redis.stop();
 */
export async function startRedis(): Promise<TestRedis> {
  if (!hasRedisServer()) throw new Error(REDIS_MISSING);
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await waitForPort(port, child, () => output, { name: 'redis-server', timeoutMs: 10_000 });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => stopChild(child),
  };
}
