import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
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
  await waitForPort(port, child, () => output);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => stopChild(child),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}:\n${output()}`);
    if (await canConnect(port)) return;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not listen on ${port} within 10 s:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
