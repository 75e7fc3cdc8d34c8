/**
 * `npm run bench -- cluster`: the same load on three set-ups, side by side, all real `parley start`
 * processes on one data folder (test/support/cluster.ts), driven from this process through the
 * web chat's Socket.IO contract on loopback:
 *
 * - `in-process`: one node, no REDIS_URL (embedded mode: in-process queues);
 * - `bullmq-1`: one node in cluster mode (turns and sends on BullMQ, ordering locks, Redis rate limits);
 * - `bullmq-2`: two nodes in cluster mode on one SQLite file (WAL) and one Redis, clients split.
 *
 * Each web chat client runs a script of STEPS messages, each sent when the previous reply arrived
 * (closed loop). Throughput: messages answered per second over the run; latency: a message sent
 * to its reply received (the turn, the queue wait and the send), p50 and p99. Goals from issue 14:
 * two nodes >= 1.7x one node; BullMQ overhead <= 25% (bullmq-1 vs in-process).
 *
 * The set-ups take turns for BENCH_CLUSTER_ROUNDS rounds (2) and each prints its best round (the
 * one least disturbed by other work on the machine), with the spread of msg/s across rounds.
 *
 * Sizes: BENCH_CLUSTER_CLIENTS (60), BENCH_CLUSTER_STEPS (8). On a shared 2-core machine two
 * nodes compete with each other (and with Redis and this driver) for the same two cores: the
 * ratio says what a second node buys here, not on two machines.
 */
import { spawn } from 'node:child_process';
import { startCluster, type TestCluster } from '../test/support/cluster.js';
import { freePort, stopChild, waitForPort } from '../test/support/ports.js';
import type { TestRedis } from '../test/support/redis.js';
import { percentile, type BenchResult } from './support.js';

const CLIENTS = Number(process.env.BENCH_CLUSTER_CLIENTS ?? 60);
const STEPS = Math.max(3, Number(process.env.BENCH_CLUSTER_STEPS ?? 8));
const ROUNDS = Math.max(1, Number(process.env.BENCH_CLUSTER_ROUNDS ?? 2));

/** The script: intake's first two steps, then /status (a full turn with a reply each time). */
const SCRIPT: [string, RegExp][] = [
  ['hi', /Do you agree to continue\?/],
  ['Yes, continue', /What is your name\?/],
  ...Array.from({ length: STEPS - 2 }, (): [string, RegExp] => ['/status', /Your application/]),
];

interface Figures {
  messagesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  messages: number;
}

async function drive(cluster: TestCluster): Promise<Figures> {
  const clients = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => cluster.chat(cluster.nodes[i % cluster.nodes.length]!)));
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      for (const [text, reply] of SCRIPT) {
        const t0 = performance.now();
        await c.ask(text, reply);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const secs = (performance.now() - started) / 1000;
  for (const c of clients) c.close();
  latencies.sort((x, y) => x - y);
  return { messagesPerSec: Math.round((latencies.length / secs) * 10) / 10, p50Ms: Math.round(percentile(latencies, 0.5)), p99Ms: Math.round(percentile(latencies, 0.99)), messages: latencies.length };
}

/** A throwaway in-memory redis-server (test/support/redis.ts needs Jest's globals). */
async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  await waitForPort(port, child, () => output, { name: 'redis-server', timeoutMs: 10_000 });
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => stopChild(child) };
}

async function measure(nodes: number, env: Record<string, string>): Promise<Figures> {
  // Sends are not the subject: web chat has no provider limit; Telegram is not driven.
  const cluster = await startCluster({ nodes, startRedis, env: { LOG_LEVEL: 'info', JOBS_ENABLED: 'false', ...env } });
  try {
    return await drive(cluster);
  } finally {
    await cluster.stop();
  }
}

const SETUPS: [number, Record<string, string>][] = [
  [1, { REDIS_URL: '' }],
  [1, {}],
  [2, {}],
];

export async function run(): Promise<BenchResult[]> {
  const rounds: Figures[][] = SETUPS.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, [nodes, env]] of SETUPS.entries()) rounds[i]!.push(await measure(nodes, env));
  }
  const best = (i: number) => {
    const all = rounds[i]!;
    const top = all.reduce((x, y) => (y.messagesPerSec > x.messagesPerSec ? y : x));
    return { ...top, spread: all.map((f) => f.messagesPerSec).join('/') };
  };
  const [inProcess, bullmq1, bullmq2] = [best(0), best(1), best(2)];
  const ratio = (x: number, y: number) => (y > 0 ? Math.round((x / y) * 100) / 100 : 0);
  const row = (name: string, f: Figures & { spread: string }, extra: Record<string, number | string> = {}): BenchResult => ({ name, metrics: { 'msg/s': f.messagesPerSec, p50_ms: f.p50Ms, p99_ms: f.p99Ms, messages: f.messages, 'msg/s_rounds': f.spread, ...extra } });
  return [
    row('cluster in-process x1', inProcess),
    row('cluster bullmq x1', bullmq1, { 'vs_in-process': ratio(bullmq1.messagesPerSec, inProcess.messagesPerSec) }),
    row('cluster bullmq x2', bullmq2, { 'vs_bullmq_x1': ratio(bullmq2.messagesPerSec, bullmq1.messagesPerSec), 'vs_in-process': ratio(bullmq2.messagesPerSec, inProcess.messagesPerSec) }),
    {
      name: 'cluster goals',
      metrics: { bullmq_overhead_pct: Math.round((1 - bullmq1.messagesPerSec / inProcess.messagesPerSec) * 100), two_nodes_x: ratio(bullmq2.messagesPerSec, bullmq1.messagesPerSec), clients: CLIENTS, steps: STEPS, rounds: ROUNDS },
      goal: 'two nodes >= 1.7x one node; BullMQ overhead <= 25%',
    },
  ];
}
