/**
 * Operator console at scale: one Parley process holding many Socket.IO connections (1,000
 * console operators + web chat candidates, 10,000 in all unless the file-descriptor limit says
 * otherwise), a conversation update broadcast to every console client (delivery latency from the
 * change to each client's receipt, p50/p99), and server memory per connection.
 *
 * The clients run in a child process (this same file, forked), so the server's memory and file
 * descriptors are its own. Loopback only; every wait is bounded and the child exits at the end.
 * Settings: BENCH_CONSOLE_TOTAL (10000), BENCH_CONSOLE_OPERATORS (1000), BENCH_CONSOLE_ROUNDS (20).
 */
import { execSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { io, type Socket } from 'socket.io-client';
import { percentile, type BenchResult } from './support.js';

type ToChild = { type: 'connect'; url: string; token: string; operators: number; candidates: number } | { type: 'expect'; conversationId: string } | { type: 'close' };
type ToParent = { type: 'connected'; operators: number; candidates: number; failed: number; seconds: number } | { type: 'armed' } | { type: 'received'; times: number[] };

const ROUND_TIMEOUT_MS = 15_000;
const BATCH = 250;
/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
const epochMs = () => performance.timeOrigin + performance.now();

export async function run(): Promise<BenchResult[]> {
  const wanted = Number(process.env.BENCH_CONSOLE_TOTAL ?? 10_000);
  const limit = fdLimit();
  // Each process holds one end of every connection, plus its own files and listeners.
  const total = Math.max(100, Math.min(wanted, limit - 500));
  const operators = Math.min(Number(process.env.BENCH_CONSOLE_OPERATORS ?? 1000), Math.floor(total / 2));
  const rounds = Number(process.env.BENCH_CONSOLE_ROUNDS ?? 20);
  if (total < wanted) console.log(`console bench: file descriptor limit ${limit}: ${total} connections instead of ${wanted}`);

  const { createParley } = await import('../bin/app.js');
  const { loadConfig } = await import('../bin/config.js');
  const { silentLogger } = await import('../core/ports/index.js');
  const { consolePlugin } = await import('../bin/plugins/console.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-console-'));
  const config = loadConfig({ PORT: '1', PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'silent', PARLEY_ADMIN_EMAIL: 'bench@parley.test', PARLEY_ADMIN_PASSWORD: 'bench-password-1' });
  // The console alone: scheduled jobs sweeping 10,000 fresh conversations would be measured too.
  const parley = await createParley({ ...config, PORT: 0 }, { log: silentLogger, plugins: [consolePlugin] });
  await parley.start();
  const child = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, PARLEY_BENCH_ROLE: 'console-clients' }, execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const messages = inbox(child);
  try {
    const login = await fetch(`${parley.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@parley.test', password: 'bench-password-1' }) });
    const { token } = (await login.json()) as { token: string };
    const before = memory();
    child.send({ type: 'connect', url: parley.url, token, operators, candidates: total - operators } satisfies ToChild);
    const connected = await messages.next('connected', 600_000);
    const after = memory();
    const connections = connected.operators + connected.candidates;

    // The conversation whose updates are broadcast: a candidate who has written once.
    const { conversation } = await parley.store.ensureConversation({ channel: 'webchat', externalId: 'bench-broadcast' }, { id: 'bench-broadcast' }, new Date());
    const latencies: number[] = [];
    let missing = 0;
    for (let round = 0; round < rounds; round++) {
      child.send({ type: 'expect', conversationId: conversation.id } satisfies ToChild);
      await messages.next('armed', 10_000);
      const t0 = epochMs();
      await parley.engine.mutate(conversation.id, ({ conversation: c }) => ({ conversation: c, events: [{ type: 'RiskAssessed', score: round / rounds, level: 'low', factors: [] }], actor: 'system' }));
      const { times } = await messages.next('received', ROUND_TIMEOUT_MS + 5_000);
      latencies.push(...times.map((t) => t - t0));
      missing += connected.operators - times.length;
    }
    latencies.sort((a, b) => a - b);
    return [
      {
        name: 'console-connections',
        metrics: {
          operators: connected.operators,
          candidates: connected.candidates,
          failed: connected.failed,
          'connect s': connected.seconds.toFixed(1),
          'server rss MB': Math.round(after.rss / 1048576),
          'rss/conn KB': ((after.rss - before.rss) / 1024 / connections).toFixed(1),
          'heap/conn KB': ((after.heap - before.heap) / 1024 / connections).toFixed(1),
        },
        goal: `${wanted} connections in one process`,
      },
      {
        name: 'console-broadcast',
        metrics: { recipients: connected.operators, rounds, deliveries: latencies.length, missing, 'p50 ms': percentile(latencies, 0.5).toFixed(1), 'p99 ms': percentile(latencies, 0.99).toFixed(1), 'max ms': (latencies.at(-1) ?? 0).toFixed(1) },
        goal: 'p99 < 100 ms to 1,000 console clients',
      },
    ];
  } finally {
    child.send({ type: 'close' } satisfies ToChild);
    await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 10_000))]);
    child.kill();
    await parley.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function fdLimit(): number {
  try {
    const out = execSync('ulimit -n', { shell: '/bin/sh', encoding: 'utf8' }).trim();
    return out === 'unlimited' ? 1_000_000 : Number(out) || 1024;
  } catch {
    return 1024;
  }
}

/** Memory after a full collection, so the per-connection figure is not garbage waiting to go. */
function memory(): { rss: number; heap: number } {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

/** Messages from the child, awaited by type, each with a deadline. */
function inbox(child: ChildProcess) {
  const queue: ToParent[] = [];
  child.on('message', (m) => queue.push(m as ToParent));
  return {
    async next<T extends ToParent['type']>(type: T, timeoutMs: number): Promise<Extract<ToParent, { type: T }>> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = queue.findIndex((m) => m.type === type);
        if (i >= 0) return queue.splice(i, 1)[0] as Extract<ToParent, { type: T }>;
        if (Date.now() > deadline) throw new Error(`console bench: no '${type}' from the client process within ${timeoutMs} ms`);
        if (child.exitCode !== null) throw new Error('console bench: the client process exited');
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

/** The client process: opens the connections, reports when each round's update arrived. */
async function clientMain(): Promise<void> {
  const sockets: Socket[] = [];
  const consoles: Socket[] = [];
  let expected: string | undefined;
  let times: number[] = [];
  let got = new Set<Socket>();
  let roundTimer: NodeJS.Timeout | undefined;
  const send = (m: ToParent) => process.send?.(m);
  const finishRound = () => {
    clearTimeout(roundTimer);
    expected = undefined;
    send({ type: 'received', times });
  };

  process.on('message', (raw) => {
    const m = raw as ToChild;
    if (m.type === 'connect') void connectAll(m);
    if (m.type === 'expect') {
      expected = m.conversationId;
      times = [];
      got = new Set();
      roundTimer = setTimeout(finishRound, ROUND_TIMEOUT_MS);
      send({ type: 'armed' });
    }
    if (m.type === 'close') {
      sockets.forEach((s) => s.close());
      process.exit(0);
    }
  });

  async function connectAll(m: Extract<ToChild, { type: 'connect' }>): Promise<void> {
    const started = Date.now();
    let failed = 0;
    const open = (path: string, auth: Record<string, string>) =>
      new Promise<Socket | undefined>((resolve) => {
        const s = io(`${m.url}${path}`, { auth, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 60_000 });
        s.once(path === '/console' ? 'hello' : 'history', () => resolve(s));
        s.once('connect_error', () => {
          failed++;
          s.close();
          resolve(undefined);
        });
      });
    const plan = [...Array.from({ length: m.operators }, () => 'console' as const), ...Array.from({ length: m.candidates }, () => 'webchat' as const)];
    for (let i = 0; i < plan.length; i += BATCH) {
      const batch = await Promise.all(plan.slice(i, i + BATCH).map((kind) => (kind === 'console' ? open('/console', { token: m.token }) : open('/webchat', {}))));
      batch.forEach((s, j) => {
        if (!s) return;
        sockets.push(s);
        if (plan[i + j] === 'console') {
          consoles.push(s);
          s.on('conversation:upsert', (summary: { id: string }) => {
            if (summary.id !== expected || got.has(s)) return;
            got.add(s);
            times.push(epochMs());
            if (got.size === consoles.length) finishRound();
          });
        }
      });
    }
    send({ type: 'connected', operators: consoles.length, candidates: sockets.length - consoles.length, failed, seconds: (Date.now() - started) / 1000 });
  }
}

if (process.env.PARLEY_BENCH_ROLE === 'console-clients') await clientMain();
