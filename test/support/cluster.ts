import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../core/store/embedded/sqlite-store.js';
import { FakeTelegramBotApi, TelegramChat } from '../fakes/telegram-bot-api.js';
import { freePort, spawnParley, waitForReady, type ChildParley } from './child.js';
import { ChatClient, TEST_METRICS_TOKEN } from './harness.js';
import { stopChild } from './ports.js';
import type { TestRedis } from './redis.js';

export const CLUSTER_WEBHOOK_SECRET = 'cluster-test-secret_0123456789';

/** One Parley process of a test cluster. */
export interface ClusterNode {
  /** PARLEY_NODE_NAME (`node-a`, `node-b`, ...). */
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly child: ChildParley;
  /** The `/health` details (with the test METRICS_TOKEN). */
  health(): Promise<Record<string, unknown>>;
  /** `kill -9`: resolves once the process is gone. */
  kill(): Promise<void>;
}

export interface TestCluster {
  readonly redis: TestRedis;
  /** The one data folder every node shares (one SQLite file in WAL mode). */
  readonly dataDir: string;
  /** The fake Telegram Bot API every node talks to. */
  readonly fake: FakeTelegramBotApi;
  readonly nodes: ClusterNode[];
  /** A Telegram chat whose webhooks go to `node` (retarget with {@link telegramVia}). */
  telegram(node: ClusterNode, chatId: number): TelegramChat;
  /** A web chat candidate connected to `node` through the real Socket.IO contract. */
  chat(node: ClusterNode, sessionId?: string): Promise<ChatClient>;
  /** Start one more node on the same data folder and Redis (e.g. after a `kill -9`). */
  addNode(env?: Record<string, string>): Promise<ClusterNode>;
  /**
   * The shared store, opened in the test process (a third process on the file) for assertions.
   * Opened on first use; closed by `stop`.
   */
  store(): SqliteStore;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** How many nodes (default 2). */
  nodes?: number;
  /** Extra env for every node (wins over the defaults). */
  env?: Record<string, string>;
  /** Env per node index (wins over `env`). */
  nodeEnv?: (index: number) => Record<string, string | undefined>;
  /** Start Redis some other way (benchmarks: ./redis.js needs Jest's globals). Default: `startRedis()`. */
  startRedis?: () => Promise<TestRedis>;
}

let prefixSeq = 0;

const definedOnly = (env: Record<string, string | undefined>): Record<string, string> => Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));

/**
 * N real Parley processes (`parley start`) on one SQLite file and one throwaway Redis, each on
 * its own port, all in cluster mode, with a fake Telegram Bot API (webhook mode) shared by all.
 * Nodes start at the same time, as a deployment would (migrations race on the shared file).
 *
 * @example
 * const cluster = await startCluster();
 * const [a, b] = cluster.nodes;
 * const ana = cluster.telegram(a, 42); await ana.ask('hi', /Do you agree/);
 * await cluster.stop();
 */
export async function startCluster(opts: ClusterOptions = {}): Promise<TestCluster> {
  const redis = await (opts.startRedis ?? (await import('./redis.js')).startRedis)();
  const fake = await FakeTelegramBotApi.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-cluster-'));
  const prefix = `c${process.pid}-${++prefixSeq}`;
  const nodes: ClusterNode[] = [];
  let store: SqliteStore | undefined;
  let nextIndex = 0;

  const baseEnv = (index: number): Record<string, string> => ({
    HOST: '127.0.0.1',
    PARLEY_DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    PARLEY_COMPANY_NAME: 'Acme',
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    REDIS_URL: redis.url,
    CLUSTER_REDIS_PREFIX: prefix,
    JOBS_REDIS_PREFIX: `${prefix}-jobs:`,
    PARLEY_NODE_NAME: `node-${String.fromCharCode(97 + index)}`,
    INTERVIEW_ANSWER_QUIET_MS: '0',
    WEBCHAT_IP_RATE_LIMIT: '100000',
    WEBCHAT_NEW_SESSIONS_PER_IP: '100000',
    SOCKET_MAX_CONNECTIONS_PER_IP: '100000',
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.url,
    TELEGRAM_WEBHOOK_SECRET: CLUSTER_WEBHOOK_SECRET,
    TELEGRAM_MODE: 'webhook',
    PUBLIC_URL: 'https://parley.example.com',
    ...opts.env,
    ...definedOnly(opts.nodeEnv?.(index) ?? {}),
  });

  const spawnNode = async (extra: Record<string, string> = {}): Promise<{ node: ClusterNode; ready: Promise<void> }> => {
    const index = nextIndex++;
    const port = await freePort();
    const env: Record<string, string> = { ...baseEnv(index), PORT: String(port), ...extra };
    const child = spawnParley(env);
    const url = `http://127.0.0.1:${port}`;
    const node: ClusterNode = {
      name: env.PARLEY_NODE_NAME as string,
      url,
      port,
      child,
      async health() {
        const res = await fetch(`${url}/health`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
        return (await res.json()) as Record<string, unknown>;
      },
      async kill() {
        if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
        await child.exited;
      },
    };
    nodes.push(node);
    return { node, ready: waitForReady(child, undefined, url) };
  };

  const cluster: TestCluster = {
    redis,
    dataDir,
    fake,
    nodes,
    telegram: (node, chatId) => new TelegramChat(fake, { webhook: `${node.url}/webhooks/telegram`, secret: CLUSTER_WEBHOOK_SECRET }, chatId),
    chat: (node, sessionId) => ChatClient.connect(node.url, sessionId),
    async addNode(env) {
      const { node, ready } = await spawnNode(env);
      await ready;
      return node;
    },
    store() {
      store ??= SqliteStore.open(join(dataDir, 'parley.db'));
      return store;
    },
    async stop() {
      // A node killed earlier has exited already (exitCode stays null after a signal).
      const running = nodes.filter((n) => n.child.proc.exitCode === null && n.child.proc.signalCode === null);
      await Promise.all(running.map((n) => stopChild(n.child.proc, 15_000)));
      await store?.close();
      await fake.stop();
      await redis.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };

  try {
    const started = await Promise.all(Array.from({ length: opts.nodes ?? 2 }, () => spawnNode()));
    await Promise.all(started.map((s) => s.ready));
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

/** The same chat, its webhooks now delivered to `node` (a load balancer sending it elsewhere). */
export function telegramVia(cluster: TestCluster, chat: TelegramChat, node: ClusterNode): TelegramChat {
  return cluster.telegram(node, chat.chatId);
}

/** The most sends the fake Bot API answered within any rolling `windowMs`, from `since`. */
export function peakSends(fake: FakeTelegramBotApi, since = 0, windowMs = 1000): number {
  const times = fake.calls.filter((c) => c.method === 'sendMessage' && c.status === 200 && (c.at ?? 0) >= since).map((c) => c.at ?? 0).sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] as number) - (times[j] as number) >= windowMs) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}
