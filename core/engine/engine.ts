import {
  ConcurrencyError,
  InboundMessageSchema,
  NotFoundError,
  ValidationError,
  errorMessage,
  localise,
  newId,
  type Candidate,
  type ChannelId,
  type Conversation,
  type ConversationRef,
  type DomainEvent,
  type InboundMessageInput,
  type Message,
  type MessageAuthor,
  type NewDomainEvent,
  type OutboundMessage,
} from '../domain/index.js';
import type { ChannelAdapter, Clock, EventBus, KeyedQueue, Logger, Scheduler, Store } from '../ports/index.js';
import { handOverMessage } from '../ports/index.js';
import { compose, createTurnContext, type Middleware, type TurnContext } from './context.js';
import type { Effect, OperatorNotificationKind } from './effects.js';
import { fitInbound } from './fit-inbound.js';
import { capabilitiesFor } from './lower.js';
import { noopMetrics, type EngineMetrics } from './metrics.js';
import type { OutboundDispatcher } from './outbound.js';
import { EffectOutbox, type RetriableEffect } from './effect-outbox.js';
import { COMMIT_RETRY, retry } from './retry.js';
import { TurnErrorSink } from './turn-errors.js';
import { InProcessKeyedQueue } from './keyed-queue.js';
import { TurnSnapshots } from './turn-snapshots.js';

export interface EngineDeps {
  store: Store;
  queue: KeyedQueue<TurnJob>;
  outbound: OutboundDispatcher;
  adapters: ReadonlyMap<ChannelId, ChannelAdapter>;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  middleware: readonly Middleware[];
  scheduler?: Scheduler;
  metrics?: EngineMetrics;
  /** Called for `notifyOperators` effects (the console persists and pushes them). */
  notifyOperators?: (n: { conversationId: string; kind: OperatorNotificationKind; title: string; body: string }) => Promise<void>;
  /** The one error sink (grammY's `bot.catch`); the queue and the bus should report to it too. */
  errors?: TurnErrorSink;
  /** How often after-commit effects that failed are retried from the outbox (ms). */
  outboxRetryMs?: number;
  /**
   * "typing…" while a turn is slow (botbuilder's ShowTypingMiddleware): shown once a turn has run
   * `delayMs` without finishing, then every `periodMs` until it does. A turn that finishes sooner
   * shows none: its reply is the answer, and a provider call per message is saved. Defaults
   * 500 ms and 4,000 ms (Telegram shows a chat action for about 5 s).
   */
  typing?: { delayMs?: number; periodMs?: number };
  /** Test hook: crash points used by the kill -9 tests. */
  crashHook?: (point: 'after-persist' | 'after-commit') => void;
}

export interface TurnJob {
  messageId: string;
}

export interface ReceiveResult {
  messageId: string;
  conversationId: string;
  duplicate: boolean;
}

const onConflict = { policy: COMMIT_RETRY, retryable: (err: unknown) => err instanceof ConcurrencyError };

/**
 * The turn pipeline: dedupe -> persist (before the provider is acknowledged) -> per-conversation
 * serial processing -> middleware -> effects (commit, then send / publish / schedule).
 *
 * @example
 * const { messageId, duplicate } = await engine.receive(inbound); // safe to ack the provider now
 */
export class Engine {
  private readonly run: (ctx: TurnContext) => Promise<void>;
  private readonly metrics: EngineMetrics;
  /** Where every failure is reported (turns, effects, and whoever else the composition root wires). */
  readonly errors: TurnErrorSink;
  /** After-commit effects that failed, kept in the store and retried until they succeed. */
  readonly outbox: EffectOutbox;
  private accepting = true;
  /**
   * What `receive()` stored, handed to the turn so it does not read it back. In-process queue only:
   * with a queue shared across nodes the turn may run elsewhere, and the other nodes' commits,
   * which make a snapshot stale, are not seen here.
   */
  private readonly snapshots: TurnSnapshots | undefined;
  private outboxTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: EngineDeps) {
    this.run = compose(deps.middleware);
    this.metrics = deps.metrics ?? noopMetrics;
    this.snapshots = deps.queue instanceof InProcessKeyedQueue ? new TurnSnapshots() : undefined;
    this.errors = deps.errors ?? new TurnErrorSink(deps.log);
    this.outbox = new EffectOutbox({ store: deps.store, clock: deps.clock, errors: this.errors, run: (e) => this.runEffect(e) });
    deps.queue.process((job) => this.processTurn(job.messageId));
  }

  /**
   * Re-drive what a previous process left: inbound never processed, outbound never sent, effects
   * that failed after their commit (the outbox, then every `outboxRetryMs`).
   */
  async start(): Promise<{ inbound: number; outbound: number }> {
    await this.outbox.drain();
    const every = this.deps.outboxRetryMs ?? 30_000;
    clearInterval(this.outboxTimer);
    this.outboxTimer = setInterval(() => void this.outbox.drain(), every);
    this.outboxTimer.unref();
    const pending = await this.deps.store.listPendingInbound();
    for (const m of pending) await this.deps.queue.add(m.conversationId, { messageId: m.id });
    const unsent = await this.deps.store.listUnsentOutbound();
    for (const m of unsent) this.deps.outbound.enqueue(m);
    if (pending.length || unsent.length) this.deps.log.info({ inbound: pending.length, outbound: unsent.length }, 're-driving unfinished work');
    return { inbound: pending.length, outbound: unsent.length };
  }

  /**
   * Validate, deduplicate and persist an inbound message, then queue its turn. When this resolves
   * the message is durable: the adapter may acknowledge the provider.
   */
  async receive(input: InboundMessageInput): Promise<ReceiveResult> {
    // One place for every channel: clip long text, hash long ids, receipt time for a bad date.
    const fitted = fitInbound(input, this.deps.clock.now());
    const channel = (input as { ref?: { channel?: ChannelId } }).ref?.channel;
    if (fitted.adjustments.length) this.deps.log.warn({ channel, adjustments: fitted.adjustments }, 'inbound message adjusted to fit');
    const parsed = InboundMessageSchema.safeParse(fitted.input);
    if (!parsed.success) {
      if (channel) this.metrics.inbound(channel, 'invalid');
      throw new ValidationError('Invalid inbound message', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
    }
    const inbound = parsed.data;
    const recorded = await this.deps.store.recordInbound(inbound, this.deps.clock.now());
    const result = { messageId: recorded.message.id, conversationId: recorded.conversation.id, duplicate: recorded.duplicate };
    if (recorded.duplicate) {
      this.metrics.inbound(inbound.ref.channel, 'duplicate');
      return result;
    }
    this.metrics.inbound(inbound.ref.channel, 'accepted');
    this.deps.crashHook?.('after-persist');
    if (!this.accepting) return result;
    this.snapshots?.keep({ message: recorded.message, conversation: recorded.conversation, candidate: recorded.candidate });
    await this.deps.queue.add(recorded.conversation.id, { messageId: recorded.message.id });
    return result;
  }

  /** Run one inbound message's turn. Idempotent: a message that is no longer pending is skipped. */
  async processTurn(messageId: string): Promise<void> {
    const started = performance.now();
    try {
      // A commit that lost a race to a concurrent write re-runs the turn on the new state.
      const done = await retry(() => this.tryTurn(messageId), onConflict);
      if (done) this.metrics.turnLatency((performance.now() - started) / 1000);
    } catch (err) {
      this.metrics.turnFailed();
      await this.failTurn(messageId, err);
    }
  }

  private async tryTurn(messageId: string): Promise<boolean> {
    const { store, clock } = this.deps;
    // Loaded once per turn: from what receive() stored, else (a retry, a re-driven turn) from the store.
    const snapshot = this.snapshots?.take(messageId);
    const message = snapshot?.message ?? (await store.getMessage(messageId));
    if (!message || message.status !== 'pending') return false;
    const conversation = snapshot?.conversation ?? (await store.getConversation(message.conversationId));
    const candidate = snapshot?.candidate ?? (conversation && (await store.getCandidate(conversation.candidateId)));
    if (!conversation || !candidate) throw new NotFoundError('conversation of message', messageId);
    const adapter = this.deps.adapters.get(conversation.ref.channel);
    const correlationId = newId('turn');
    const ctx = createTurnContext({
      correlationId,
      now: clock.now(),
      log: this.deps.log.child({ correlationId, conversationId: conversation.id }),
      message,
      capabilities: adapter ? capabilitiesFor(adapter, conversation.ref) : DEFAULT_CAPABILITIES,
      conversation: structuredClone(conversation),
      candidate: structuredClone(candidate),
    });
    const slow = adapter && conversation.mode === 'bot' ? this.typingWhileSlow(adapter, conversation.ref) : undefined;
    try {
      await this.run(ctx);
      // Stopped once the turn is committed, before its replies and effects: never shown after a reply.
      await this.commit(ctx, conversation, candidate, message, () => slow?.stop());
    } finally {
      slow?.stop();
    }
    return true;
  }

  /** Shows "typing…" on `ref` if the turn is still running after the delay, and again every period until `stop()`. */
  private typingWhileSlow(adapter: ChannelAdapter, ref: ConversationRef): { stop(): void } | undefined {
    if (!adapter.typing) return undefined;
    const { delayMs = 500, periodMs = 4000 } = this.deps.typing ?? {};
    let timer: ReturnType<typeof setTimeout> | undefined;
    const show = (after: number) => {
      timer = setTimeout(() => {
        void adapter.typing?.(ref).catch(() => undefined);
        show(periodMs);
      }, after);
      timer.unref();
    };
    show(delayMs);
    return { stop: () => clearTimeout(timer) };
  }

  private async commit(ctx: TurnContext, before: Conversation, beforeCandidate: Candidate, inbound: Message, onCommitted?: () => void): Promise<void> {
    const now = ctx.now;
    const actor = 'bot';
    const events: DomainEvent[] = [stamp({ type: 'MessageReceived', messageId: inbound.id, channel: inbound.channel, receivedAt: inbound.createdAt }, now, 'candidate', before)];
    if (before.version === 0 && before.stage === 'new') events.push(stamp({ type: 'ConversationStarted', channel: before.ref.channel }, now, 'candidate', before));
    if (ctx.candidate.stage !== beforeCandidate.stage) {
      ctx.conversation.stage = ctx.candidate.stage;
      events.push(stamp({ type: 'CandidateStateChanged', from: beforeCandidate.stage, to: ctx.candidate.stage }, now, actor, before));
    }
    const messages: Message[] = [];
    let sendIndex = 0;
    for (const effect of ctx.effects) {
      if (effect.type === 'emit') events.push(stamp(effect.event, now, effect.event.actor ?? actor, before));
      if (effect.type === 'send') {
        // Stable ids: re-running a turn after a crash re-creates the same rows (stored once). The
        // first send attempt is counted in this commit where the channel allows (no `sending` commit).
        messages.push(this.deps.outbound.reserveFirstAttempt(outboundRow(`${inbound.id}_r${sendIndex++}`, before, effect.message, 'bot', now)));
      }
    }
    const inboundPatch = ctx.message.text !== inbound.text || ctx.message.media !== inbound.media;
    const patched = inboundPatch ? await this.deps.store.updateMessage(inbound.id, { text: ctx.message.text, kind: ctx.message.kind, ...(ctx.message.media ? { media: ctx.message.media } : {}) }, now) : undefined;
    const conversation: Conversation = { ...ctx.conversation, version: before.version, updatedAt: now, lastActivityAt: now };
    // They wrote to us: their channel reaches them again (e.g. they unblocked the Telegram bot).
    if (ctx.candidate.unreachable) ctx.candidate.unreachable = false;
    const candidateChanged = JSON.stringify(ctx.candidate) !== JSON.stringify(beforeCandidate);
    const candidate = candidateChanged ? { ...ctx.candidate, updatedAt: now } : undefined;
    const committed = await this.deps.store.commitTurn({ inboundMessageId: inbound.id, conversation, ...(candidate ? { candidate } : {}), messages, events });
    this.snapshots?.changed(committed);
    // The inbound row as the commit left it (`processed`, stamped with the conversation's update),
    // handed to the console feed with its event instead of read back.
    handOverMessage(events[0]!, { ...(patched ?? inbound), status: 'processed', updatedAt: committed.updatedAt });
    this.deps.crashHook?.('after-commit');
    onCommitted?.();
    await this.runEffects(ctx.effects, before.id, messages, events, conversation.mode === 'bot' ? conversation.ref : undefined);
  }

  private async runEffects(effects: Effect[], conversationId: string, messages: Message[], events: DomainEvent[], ref?: ConversationRef): Promise<void> {
    for (const m of messages) this.deps.outbound.enqueue(m, { committedHere: true });
    for (const e of events) this.deps.bus.publish(e);
    // Waiting for a reply this turn does not send (the interview's quiet period): "typing…".
    if (ref && !messages.length && effects.some((e) => e.type === 'typing')) void this.deps.adapters.get(ref.channel)?.typing?.(ref)?.catch(() => undefined);
    for (const effect of effects) {
      if (effect.type !== 'schedule' && effect.type !== 'cancelSchedule' && effect.type !== 'notifyOperators') continue;
      const retriable: RetriableEffect = { ...effect, conversationId };
      try {
        await this.runEffect(retriable);
      } catch (err) {
        // Committed work must not be lost: kept in the outbox and retried until it succeeds.
        await this.outbox.add(retriable, err);
      }
    }
  }

  private async runEffect(effect: RetriableEffect): Promise<void> {
    if (effect.type === 'schedule') await this.deps.scheduler?.schedule(effect.job);
    if (effect.type === 'cancelSchedule') await this.deps.scheduler?.cancel(effect.key);
    if (effect.type === 'notifyOperators') await this.deps.notifyOperators?.({ conversationId: effect.conversationId, kind: effect.kind, title: effect.title, body: effect.body });
  }

  private async failTurn(messageId: string, err: unknown): Promise<void> {
    const now = this.deps.clock.now();
    this.errors.report({ source: 'turn', err, messageId, outcome: 'recorded' });
    const message = await this.deps.store.updateMessage(messageId, { status: 'failed', error: errorMessage(err) }, now);
    if (!message) return;
    const event: DomainEvent = { id: newId('evt'), type: 'TurnFailed', at: now, actor: 'system', conversationId: message.conversationId, messageId, error: errorMessage(err) };
    await this.deps.store.appendEvents([event]);
    this.deps.bus.publish(event);
    const conversation = await this.deps.store.getConversation(message.conversationId);
    if (conversation?.mode === 'bot') {
      const apology = localise(conversation, 'notices.apology', {}, 'Sorry, something went wrong on our side. Please send that again in a moment.');
      await this.send(conversation.id, { text: apology }, 'system');
    }
  }

  /**
   * Send a message outside a turn (operator replies, reminders, nudges): a proactive turn with no
   * inbound message. It takes the same outbound path as bot replies, outbound policy included, so
   * callers need not check opt-out or human mode: a message the policy stops is stored
   * `suppressed` with its reason and never reaches the provider.
   */
  async send(conversationId: string, message: OutboundMessage, author: MessageAuthor, authorId?: string): Promise<Message> {
    const conversation = await this.deps.store.getConversation(conversationId);
    if (!conversation) throw new NotFoundError('conversation', conversationId);
    const row = this.deps.outbound.reserveFirstAttempt(outboundRow(newId('msg'), conversation, message, author, this.deps.clock.now(), authorId));
    await this.deps.store.insertMessage(row);
    this.deps.outbound.enqueue(row, { committedHere: true });
    return row;
  }

  /**
   * Change a conversation outside a turn (takeover, handback, jobs), retrying on concurrent
   * writes. `change` returns the events to record and replies to send.
   */
  async mutate(
    conversationId: string,
    change: (c: { conversation: Conversation; candidate: Candidate; now: Date }) => { conversation: Conversation; candidate?: Candidate; events?: NewDomainEvent[]; replies?: OutboundMessage[]; actor?: string } | undefined,
  ): Promise<Conversation | undefined> {
    return retry(async () => {
      const conversation = await this.deps.store.getConversation(conversationId);
      const candidate = conversation && (await this.deps.store.getCandidate(conversation.candidateId));
      if (!conversation || !candidate) return undefined;
      const now = this.deps.clock.now();
      const result = change({ conversation: structuredClone(conversation), candidate: structuredClone(candidate), now });
      if (!result) return conversation;
      const actor = result.actor ?? 'system';
      const events = (result.events ?? []).map((e) => stamp(e, now, e.actor ?? actor, conversation));
      const messages = (result.replies ?? []).map((r) => this.deps.outbound.reserveFirstAttempt(outboundRow(newId('msg'), conversation, r, 'bot', now)));
      const saved = await this.deps.store.commitTurn({ conversation: { ...result.conversation, version: conversation.version, updatedAt: now }, ...(result.candidate ? { candidate: { ...result.candidate, updatedAt: now } } : {}), messages, events });
      this.snapshots?.changed(saved);
      await this.runEffects([], conversationId, messages, events);
      return saved;
    }, onConflict);
  }

  /** Stop taking new turns and wait for in-flight turns and sends to finish. */
  async drain(): Promise<void> {
    this.accepting = false;
    clearInterval(this.outboxTimer);
    await this.outbox.settled();
    await this.deps.queue.close();
    await this.deps.outbound.close();
  }

  /**
   * Resolves once no turn is queued or running and no send is waiting. Tests wait on it before
   * asserting that nothing (more) was sent, instead of sleeping.
   */
  async idle(): Promise<void> {
    do {
      await this.deps.queue.drain();
      await this.deps.outbound.drain();
      // Reactions to the turn's events (notifications, alerts, relays) may queue more work.
      await this.deps.bus.idle?.();
    } while (this.queueDepth() > 0 || this.deps.bus.busy?.());
  }

  queueDepth(): number {
    return this.deps.queue.depth() + this.deps.outbound.depth();
  }
}

const DEFAULT_CAPABILITIES = { maxTextLength: 4096, buttons: false, maxButtons: 0, lists: false, maxListItems: 0, templates: false, voice: false, typing: false, maxSendsPerSecond: 30 };

function stamp(event: NewDomainEvent, at: Date, actor: string, conversation: Conversation): DomainEvent {
  return { conversationId: conversation.id, candidateId: conversation.candidateId, ...event, id: newId('evt'), at, actor } as DomainEvent;
}

function outboundRow(id: string, conversation: Conversation, message: OutboundMessage, author: MessageAuthor, now: Date, authorId?: string): Message {
  return {
    id,
    conversationId: conversation.id,
    channel: conversation.ref.channel,
    direction: 'out',
    author,
    ...(authorId ? { authorId } : {}),
    kind: 'text',
    text: message.text,
    ...(message.choices ? { choices: message.choices } : {}),
    ...(message.purpose ? { purpose: message.purpose } : {}),
    ...(message.emailTemplate ? { emailTemplate: message.emailTemplate } : {}),
    status: 'queued',
    attempts: 0,
    createdAt: now,
    updatedAt: now,
  };
}
