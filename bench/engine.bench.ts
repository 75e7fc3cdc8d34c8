/**
 * Engine throughput: N simulated candidates drive the real turn pipeline (SQLite store on disk,
 * in-process queues, the production middleware chain) directly through `engine.receive`, each
 * waiting for its reply before the next message (closed loop). Compared with a bare SQLite
 * insert loop on the same machine: the ceiling.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { candidateCommands } from '../bots/commands/index.js';
import { intakeMiddleware, screeningFallback } from '../bots/intake/index.js';
import type { ConversationRef, OutboundMessage } from '../core/domain/index.js';
import { Engine, InProcessEventBus, InProcessKeyedQueue, OutboundDispatcher, type TurnJob } from '../core/engine/index.js';
import { silentLogger, systemClock, type ChannelAdapter, type SendContext } from '../core/ports/index.js';
import { SqliteStore } from '../core/store/embedded/sqlite-store.js';
import { takeoverGate } from '../core/takeover/index.js';
import { DEFAULT_ROLES } from '../bin/app.js';
import { percentile, rssMb, type BenchResult } from './support.js';

const SCRIPT = ['hi', 'yes', 'Ana Lima', 'react', '/status', 'ok', 'thanks', '/help', 'hello?', 'bye'];

/**
 * Counts the replies each chat received. A turn can send more than one message (intake's first
 * turn: greeting + consent), so a waiter waits for a reply count, never for "the next send": the
 * turn's second reply must not resolve the next message's waiter.
 */
class SinkChannel implements ChannelAdapter {
  readonly id = 'webchat' as const;
  readonly capabilities = { maxTextLength: 16000, buttons: true, maxButtons: 12, lists: false, maxListItems: 0, templates: false, voice: false, typing: false, maxSendsPerSecond: Infinity };
  readonly counts = new ReplyCounter();
  async send(ref: ConversationRef, _m: OutboundMessage, _ctx: SendContext) {
    this.counts.add(ref.externalId);
    return {};
  }
}

/** Replies seen per chat, and promises that resolve when a chat has seen `n`. */
export class ReplyCounter {
  private readonly seen = new Map<string, number>();
  private readonly waiters = new Map<string, { n: number; resolve: () => void }[]>();

  count(chat: string): number {
    return this.seen.get(chat) ?? 0;
  }

  add(chat: string): void {
    const n = this.count(chat) + 1;
    this.seen.set(chat, n);
    const waiting = this.waiters.get(chat);
    if (!waiting) return;
    const ready = waiting.filter((w) => w.n <= n);
    ready.forEach((w) => w.resolve());
    const rest = waiting.filter((w) => w.n > n);
    if (rest.length) this.waiters.set(chat, rest);
    else this.waiters.delete(chat);
  }

  /** Resolves once `chat` has seen at least `n` replies. */
  atLeast(chat: string, n: number): Promise<void> {
    if (this.count(chat) >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.set(chat, [...(this.waiters.get(chat) ?? []), { n, resolve }]));
  }
}

/** The scripted line a candidate sends at step i: the intake script, then its post-intake lines. */
export function scriptLine(i: number): string {
  return (i < SCRIPT.length ? SCRIPT[i] : SCRIPT[4 + (i % (SCRIPT.length - 4))]) as string;
}

export async function run(opts: { candidates?: number; messagesEach?: number } = {}): Promise<BenchResult[]> {
  const candidates = opts.candidates ?? Number(process.env.BENCH_CANDIDATES ?? 500);
  // Messages per candidate: the intake script, then post-intake chatter. More gives a steadier figure.
  const messagesEach = opts.messagesEach ?? Number(process.env.BENCH_MESSAGES ?? SCRIPT.length);
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  try {
    const ceiling = sqliteCeiling(join(dir, 'ceiling.db'));
    const engineResult = await engineLoop(join(dir, 'engine.db'), candidates, messagesEach);
    // Latency under light load: few candidates, so a turn rarely waits behind others.
    const light = await engineLoop(join(dir, 'engine-light.db'), 4, 100);
    const ratio = engineResult.perSec / ceiling;
    return [
      { name: 'sqlite-insert-ceiling', metrics: { 'inserts/s': Math.round(ceiling) } },
      {
        name: 'engine',
        goal: '>= 5000 msg/s, p99 < 10 ms',
        metrics: {
          candidates,
          messages: engineResult.messages,
          'msg/s': Math.round(engineResult.perSec),
          'p50 ms': engineResult.p50.toFixed(2),
          'p99 ms': engineResult.p99.toFixed(2),
          'peak rss MB': engineResult.peakRss,
          'vs ceiling': `${(ratio * 100).toFixed(1)}%`,
        },
      },
      {
        name: 'engine-light-load',
        goal: 'p99 < 10 ms',
        metrics: { candidates: 4, messages: light.messages, 'msg/s': Math.round(light.perSec), 'p50 ms': light.p50.toFixed(2), 'p99 ms': light.p99.toFixed(2) },
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bare single-row transactions, the same shape as persisting an inbound message. */
export function sqliteCeiling(file: string): number {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE m (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, doc TEXT)');
  const insert = db.prepare('INSERT INTO m (id, doc) VALUES (?, ?)');
  const tx = db.transaction((i: number) => insert.run(`msg_${i}`, JSON.stringify({ i, text: 'hello there', at: Date.now() })));
  const n = 20_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) tx(i);
  const secs = (performance.now() - t0) / 1000;
  db.close();
  return n / secs;
}

export async function engineLoop(file: string, candidates: number, messagesEach = SCRIPT.length) {
  const store = SqliteStore.open(file);
  const sink = new SinkChannel();
  const adapters = new Map([['webchat' as const, sink]]);
  const bus = new InProcessEventBus();
  const outbound = new OutboundDispatcher({ store, adapters, bus, clock: systemClock, log: silentLogger });
  const engine = new Engine({
    store,
    queue: new InProcessKeyedQueue<TurnJob>({ concurrency: 64 }),
    outbound,
    adapters,
    bus,
    clock: systemClock,
    log: silentLogger,
    middleware: [takeoverGate, candidateCommands(), intakeMiddleware({ companyName: 'Bench', roles: () => DEFAULT_ROLES }), screeningFallback],
  });
  const say = (externalId: string, i: number) =>
    engine.receive({ ref: { channel: 'webchat', externalId }, providerMessageId: `${externalId}-${i}`, sender: { id: externalId }, kind: 'text', text: scriptLine(i), receivedAt: new Date() });
  // How many replies each step of the script gets: one calibration candidate, the engine idle after each step.
  const replies: number[] = [];
  for (let i = 0; i < messagesEach; i++) {
    const before = sink.counts.count('calibration');
    await say('calibration', i);
    await engine.idle();
    replies.push(sink.counts.count('calibration') - before);
  }
  const latencies: number[] = [];
  let peakRss = rssMb();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb())), 50);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: candidates }, async (_, c) => {
      const externalId = `bench-${c}`;
      let expected = 0;
      for (let i = 0; i < messagesEach; i++) {
        const start = performance.now();
        const first = sink.counts.atLeast(externalId, expected + 1).then(() => performance.now() - start);
        await say(externalId, i);
        // Latency is what the candidate sees: until the turn's first reply. The next message waits for all of them.
        if (replies[i]) latencies.push(await first);
        expected += replies[i] ?? 0;
        await sink.counts.atLeast(externalId, expected);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  await engine.drain();
  await store.close();
  latencies.sort((a, b) => a - b);
  const messages = candidates * messagesEach;
  return { messages, perSec: messages / secs, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), peakRss: Math.max(peakRss, rssMb()) };
}
