import { expect } from '@jest/globals';
import { buildMiddleware } from '../../bin/app.js';
import { loadConfig } from '../../bin/config.js';
import type { ConversationRef, OutboundMessage } from '../../core/domain/index.js';
import { Engine, InProcessEventBus, type EngineDeps, InProcessKeyedQueue, OutboundDispatcher, TurnErrorSink, type Middleware, type TurnErrorReport, type TurnJob } from '../../core/engine/index.js';
import { silentLogger, systemClock, type ChannelAdapter, type ChannelCapabilities, type Clock, type Scheduler, type Store } from '../../core/ports/index.js';
import { SqliteStore } from '../../core/store/embedded/sqlite-store.js';

const CAPABILITIES: ChannelCapabilities = { maxTextLength: 4096, buttons: false, maxButtons: 0, lists: false, maxListItems: 0, templates: false, voice: false, typing: false, maxSendsPerSecond: Infinity };

/** The candidate's side of the channel: every message that reached the "provider", in order. */
class TestChannel implements ChannelAdapter {
  readonly id = 'webchat' as const;
  readonly capabilities = CAPABILITIES;
  readonly sent: { ref: ConversationRef; message: OutboundMessage }[] = [];
  async send(ref: ConversationRef, message: OutboundMessage) {
    this.sent.push({ ref, message });
    return { providerMessageId: `test-${this.sent.length}` };
  }
}

export interface TestFlowOptions {
  /** Wrap the in-memory store (fault injection: a concurrent write, a failing commit). */
  wrapStore?: (store: SqliteStore) => Store;
  /** Change the real chain (e.g. put a failing middleware first). */
  middleware?: (chain: Middleware[]) => Middleware[];
  scheduler?: Scheduler;
  clock?: Clock;
  /** Where `notifyOperators` effects go (the console, in the app). */
  notifyOperators?: EngineDeps['notifyOperators'];
  /** How often the effect outbox is drained (real time; the engine's default is 30 s). */
  outboxRetryMs?: number;
  /** Environment for the real config (company name, interview settings...). */
  env?: Record<string, string>;
}

/**
 * botbuilder's `TestAdapter`, for Parley: drives the real `Engine` with the real middleware
 * chain (the one `bin/app.ts` builds) on an in-memory SQLite store, through a fake channel that
 * records what reached the provider. Each step waits for the engine to be idle (no turn queued
 * or running, no send waiting), so `assertNoReply` is a deterministic negative check.
 *
 * @example
 * const adapter = await TestAdapter.start();
 * await adapter.send('hi').assertReply(/agree to continue/).send('yes').assertReply(/name/);
 * await adapter.close();
 */
export class TestAdapter {
  readonly engine: Engine;
  readonly store: Store;
  readonly raw: SqliteStore;
  readonly channel = new TestChannel();
  /** The engine's event bus (subscribe to see a turn's events as published). */
  readonly bus: InProcessEventBus;
  /** Every failure the engine's error sink saw. */
  readonly errors: TurnErrorReport[] = [];
  /** How many sent messages `assertReply` has consumed. */
  read = 0;
  private seq = 0;

  private constructor(
    readonly externalId: string,
    opts: TestFlowOptions,
  ) {
    this.raw = SqliteStore.open(':memory:');
    this.store = opts.wrapStore ? opts.wrapStore(this.raw) : this.raw;
    const config = loadConfig({ PARLEY_DATA_DIR: '/nonexistent-test-flow', LOG_LEVEL: 'silent', PARLEY_COMPANY_NAME: 'Acme', ...opts.env });
    const sink = new TurnErrorSink(silentLogger);
    sink.subscribe((r) => this.errors.push(r));
    const clock = opts.clock ?? systemClock;
    const bus = (this.bus = new InProcessEventBus(silentLogger, sink.for('event-bus')));
    const adapters = new Map<'webchat', ChannelAdapter>([['webchat', this.channel]]);
    const chain = buildMiddleware(config, [], {});
    this.engine = new Engine({
      store: this.store,
      queue: new InProcessKeyedQueue<TurnJob>({ onError: sink.for('queue') }),
      outbound: new OutboundDispatcher({ store: this.store, adapters, bus, clock, log: silentLogger, sleep: async () => {}, onError: sink.for('queue') }),
      adapters,
      bus,
      clock,
      log: silentLogger,
      errors: sink,
      middleware: opts.middleware ? opts.middleware(chain) : chain,
      ...(opts.scheduler ? { scheduler: opts.scheduler } : {}),
      ...(opts.outboxRetryMs ? { outboxRetryMs: opts.outboxRetryMs } : {}),
      ...(opts.notifyOperators ? { notifyOperators: opts.notifyOperators } : {}),
    });
  }

  static async start(opts: TestFlowOptions = {}): Promise<TestAdapter> {
    const adapter = new TestAdapter('test-candidate', opts);
    await adapter.engine.start();
    return adapter;
  }

  /** Start a script: the candidate writes `text`. */
  send(text: string): TestFlow {
    return new TestFlow(this).send(text);
  }

  assertReply(expected: string | RegExp): TestFlow {
    return new TestFlow(this).assertReply(expected);
  }

  assertNoReply(): TestFlow {
    return new TestFlow(this).assertNoReply();
  }

  /** The candidate writes `text`; resolves once the turn and its sends are done. */
  async receive(text: string): Promise<void> {
    const n = ++this.seq;
    await this.engine.receive({ ref: { channel: 'webchat', externalId: this.externalId }, providerMessageId: `in-${n}`, sender: { id: this.externalId }, kind: 'text', text, receivedAt: new Date() });
    await this.engine.idle();
  }

  /** Every text that reached the candidate so far. */
  texts(): string[] {
    return this.channel.sent.map((s) => s.message.text);
  }

  /** The test candidate's conversation (after the first `send`). */
  async conversation() {
    const c = await this.raw.findConversationByRef({ channel: 'webchat', externalId: this.externalId });
    if (!c) throw new Error('no conversation yet: send something first');
    return c;
  }

  async close(): Promise<void> {
    await this.engine.drain();
    await this.raw.close();
  }
}

/** A script against a `TestAdapter`: steps run in order when awaited (botbuilder's `TestFlow`). */
export class TestFlow implements PromiseLike<void> {
  constructor(
    private readonly adapter: TestAdapter,
    private readonly chain: Promise<void> = Promise.resolve(),
  ) {}

  /** The candidate writes `text`; the step ends once the turn and its sends are done. */
  send(text: string): TestFlow {
    return this.step(() => this.adapter.receive(text));
  }

  /** The next message the candidate got matches `expected` (text equal, or the pattern). */
  assertReply(expected: string | RegExp): TestFlow {
    return this.step(async () => {
      const a = this.adapter;
      await a.engine.idle();
      const next = a.channel.sent[a.read++];
      if (!next) throw new Error(`expected a reply matching ${String(expected)}, got none (received so far: ${JSON.stringify(a.texts())})`);
      if (typeof expected === 'string') expect(next.message.text).toBe(expected);
      else expect(next.message.text).toMatch(expected);
    });
  }

  /** Nothing more reached the candidate: checked once the engine is idle, not after a sleep. */
  assertNoReply(): TestFlow {
    return this.step(async () => {
      const a = this.adapter;
      await a.engine.idle();
      expect(a.channel.sent.slice(a.read).map((s) => s.message.text)).toEqual([]);
    });
  }

  then<R1 = void, R2 = never>(onfulfilled?: ((value: void) => R1 | PromiseLike<R1>) | null, onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): PromiseLike<R1 | R2> {
    return this.chain.then(onfulfilled, onrejected);
  }

  private step(fn: () => Promise<void>): TestFlow {
    return new TestFlow(this.adapter, this.chain.then(fn));
  }
}
