/**
 * Scheduled jobs on two real Parley processes sharing one SQLite file: inactivity nudges (keyed,
 * one-off jobs, like reminders) and the recurring risk sweep run once across the cluster, and the
 * sweep carries on after a `kill -9` of a node. Twice: in cluster mode (Agenda's Redis backend)
 * and as two embedded processes on one file (the SQLite backend locking across processes).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../core/store/embedded/sqlite-store.js';
import { CHILD_TEST_TIMEOUT_MS, freePort, spawnParley, waitForReady, type ChildParley } from './support/child.js';
import { startCluster, type TestCluster } from './support/cluster.js';
import { ChatClient, eventually, TEST_METRICS_TOKEN } from './support/harness.js';
import { stopChild } from './support/ports.js';
import { hasRedisServer, REDIS_MISSING } from './support/redis.js';
import { requireSystemPackage } from './support/system-deps.js';

const withRedis = requireSystemPackage('redis-server', hasRedisServer(), REDIS_MISSING);
const SWEEP_EVERY_MS = 3000;
const JOBS_ENV = {
  JOBS_PROCESS_EVERY_MS: '300',
  JOBS_LOCK_LIFETIME_MS: '3000',
  NUDGE_DELAYS: '2s,4s',
  NUDGE_MAX: '2',
  NUDGE_QUIET_HOURS: '00:00-00:00',
  RISK_SWEEP_EVERY_MIN: String(SWEEP_EVERY_MS / 60_000),
  INTERVIEW_ANSWER_QUIET_MS: '0',
  WEBCHAT_IP_RATE_LIMIT: '100000',
  WEBCHAT_NEW_SESSIONS_PER_IP: '100000',
};
const WAIT_MS = 90_000;

interface Node {
  url: string;
  alive(): boolean;
  kill(): Promise<void>;
}
interface Setup {
  nodes: Node[];
  store: SqliteStore;
  stop(): Promise<void>;
}

async function clusterMode(): Promise<Setup> {
  const cluster: TestCluster = await startCluster({ env: JOBS_ENV });
  return {
    nodes: cluster.nodes.map((n) => ({ url: n.url, alive: () => n.child.proc.exitCode === null && n.child.proc.signalCode === null, kill: () => n.kill() })),
    store: cluster.store(),
    async stop() {
      // A killed node has nothing left to stop.
      cluster.nodes.splice(0, cluster.nodes.length, ...cluster.nodes.filter((n) => n.child.proc.signalCode === null));
      await cluster.stop();
    },
  };
}

/** Two embedded processes (no REDIS_URL) on one data folder: jobs in the shared SQLite file. */
async function embeddedPair(): Promise<Setup> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-jobs-pair-'));
  const children: ChildParley[] = [];
  const nodes = await Promise.all(
    [0, 1].map(async () => {
      const port = await freePort();
      const child = spawnParley({ HOST: '127.0.0.1', PORT: String(port), PARLEY_DATA_DIR: dataDir, PARLEY_COMPANY_NAME: 'Acme', METRICS_TOKEN: TEST_METRICS_TOKEN, ...JOBS_ENV });
      children.push(child);
      const url = `http://127.0.0.1:${port}`;
      await waitForReady(child, undefined, url);
      return {
        url,
        alive: () => child.proc.exitCode === null && child.proc.signalCode === null,
        async kill() {
          child.proc.kill('SIGKILL');
          await child.exited;
        },
      };
    }),
  );
  const store = SqliteStore.open(join(dataDir, 'parley.db'));
  return {
    nodes,
    store,
    async stop() {
      await Promise.all(children.filter((c) => c.proc.signalCode === null).map((c) => stopChild(c.proc, 15_000)));
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function ran(node: Node, job: string): Promise<number> {
  if (!node.alive()) return 0;
  const health = (await (await fetch(`${node.url}/health`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })).json()) as { jobs: { ran: Record<string, number> } };
  return health.jobs.ran[job] ?? 0;
}
const total = async (nodes: Node[], job: string) => (await Promise.all(nodes.map((n) => ran(n, job)))).reduce((a, b) => a + b, 0);

/** Name, set-up, and whether sockets fan out across the nodes (only through Redis). */
const variants: [string, () => Promise<Setup>, boolean][] = [['embedded processes on one SQLite file', embeddedPair, false]];
if (withRedis) variants.unshift(['cluster mode (Redis backend)', clusterMode, true]);

describe.each(variants)('scheduled jobs on two nodes: %s', (_name, setUp, fansOut) => {
  let setup: Setup;
  const clients: ChatClient[] = [];
  beforeAll(async () => {
    setup = await setUp();
  }, CHILD_TEST_TIMEOUT_MS);
  afterAll(async () => {
    for (const c of clients) c.close();
    await setup?.stop();
  }, CHILD_TEST_TIMEOUT_MS);

  it(
    'nudges each silent candidate exactly as often as configured, and sweeps at most once per period, whichever node runs them',
    async () => {
      const { nodes, store } = setup;
      const sweep0 = await total(nodes, 'risk-sweep');
      const t0 = Date.now();
      for (let i = 0; i < 4; i++) {
        const c = await ChatClient.connect((nodes[i % 2] as Node).url);
        clients.push(c);
        // The first turn on a fresh node loads the interview and intake modules: generous on a loaded machine.
        expect(await c.say('hi')).toMatchObject({ ok: true });
        await c.waitForBot(/Do you agree to continue\?/, { timeoutMs: WAIT_MS });
      }
      const nudges = async (c: ChatClient) => (await store.listEvents({ conversationId: c.conversationId, types: ['NudgeSent'] })).length;
      await eventually(async () => (await Promise.all(clients.map(nudges))).every((n) => n >= 2), 'two nudges to every silent candidate', WAIT_MS);
      // Two more sweeps later, any second run of a nudge (due at the same moment) would have happened.
      const sweepsNow = await total(nodes, 'risk-sweep');
      await eventually(async () => (await total(nodes, 'risk-sweep')) >= sweepsNow + 2, 'two more sweeps', WAIT_MS);
      expect(await Promise.all(clients.map(nudges))).toEqual([2, 2, 2, 2]);
      // What each candidate saw after the consent question: the two nudges. Without Redis a nudge
      // sent by the other process never reaches this socket (one reason several nodes need REDIS_URL).
      if (fansOut)
        for (const c of clients) expect(c.received.slice(c.received.findIndex((m) => /Do you agree/.test(m.text)) + 1).filter((m) => m.author === 'bot')).toHaveLength(2);
      // A sweep per period at most, over both nodes (a run delayed by load only makes fewer).
      const sweeps = (await total(nodes, 'risk-sweep')) - sweep0;
      expect(sweeps).toBeLessThanOrEqual(Math.ceil((Date.now() - t0) / SWEEP_EVERY_MS) + 1);
      expect(sweeps).toBeGreaterThanOrEqual(2);
    },
    CHILD_TEST_TIMEOUT_MS,
  );

  it(
    'keeps sweeping after kill -9 of a node (its lock expires and the survivor takes the job)',
    async () => {
      const [first, survivor] = setup.nodes as [Node, Node];
      await first.kill();
      const before = await ran(survivor, 'risk-sweep');
      await eventually(async () => (await ran(survivor, 'risk-sweep')) >= before + 2, 'the survivor sweeps twice', WAIT_MS);
    },
    CHILD_TEST_TIMEOUT_MS,
  );
});
