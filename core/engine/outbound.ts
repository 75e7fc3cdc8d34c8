import {
  ProviderError,
  errorMessage,
  newId,
  type ChannelId,
  type Conversation,
  type DomainEvent,
  type Message,
  type OutboundMessage,
  type SuppressionReason,
} from '../domain/index.js';
import type { ChannelAdapter, Clock, EventBus, KeyedQueue, Logger, Store } from '../ports/index.js';
import { handOverMessage } from '../ports/index.js';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { InProcessKeyedQueue } from './keyed-queue.js';
import { capabilitiesFor, lowerMessage } from './lower.js';
import { decideOutbound } from './outbound-policy.js';
import { noopMetrics, type EngineMetrics } from './metrics.js';
import { RateLimiter } from './rate-limiter.js';
import { nextRetryDelay } from './retry.js';

export interface OutboundDeps {
  store: Store;
  adapters: ReadonlyMap<ChannelId, ChannelAdapter>;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  metrics?: EngineMetrics;
  backoff?: BackoffPolicy;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Where an uncaught delivery error goes (the engine's `TurnErrorSink`); logged by default. */
  onError?: (err: unknown, detail: { what: string }) => void;
  /** The send queue (key: conversation id, payload: message id); in-process by default, BullMQ in cluster mode. */
  queue?: KeyedQueue<string>;
  /** A provider account's rate limiter; in-process by default, shared through Redis in cluster mode. */
  rateLimiter?: (channel: ChannelId, perSecond: number) => { take(): Promise<void> };
}

interface SendProgress {
  attempts: number;
  partsSent: number;
  providerMessageId?: string;
  template?: string;
}

/** Rows kept from `enqueue` at most (a closed queue never collects its rows). */
const QUEUED_ROWS_MAX = 10_000;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends stored outbound messages: every one passes the outbound policy (`decideOutbound`) first,
 * then goes out in order per conversation, rate-limited per channel, retried with exponential
 * backoff and jitter (honouring a provider's retry-after), status tracked in the store. Messages
 * are read from the store by id, so a restart re-drives what was unsent.
 *
 * Crash safety: `sending` is committed before each provider call and `sent` right after the
 * acknowledgement, each in its own commit. After a `kill -9`, rows still `queued` were never
 * sent; rows left `sending` are the only ones the provider may have, and each channel chooses
 * whether they are resent (`inFlightAfterCrash`).
 */
export class OutboundDispatcher {
  private readonly queue: KeyedQueue<string>;
  private readonly limiters = new Map<ChannelId, { take(): Promise<void> }>();
  /**
   * The rows handed to `enqueue`, so delivery need not read them back; in-process queue only (with
   * a queue shared across nodes the send may run on another node, or run here again after another
   * node sent it). Used once; the conversation and candidate are still read at send time, for the
   * policy.
   */
  private readonly queued: Map<string, Message> | undefined;
  private readonly deps: Required<Omit<OutboundDeps, 'backoff' | 'onError' | 'queue' | 'rateLimiter'>> & Pick<OutboundDeps, 'rateLimiter'> & { backoff: BackoffPolicy };

  constructor(deps: OutboundDeps) {
    this.deps = {
      metrics: noopMetrics,
      sleep: realSleep,
      random: Math.random,
      ...deps,
      backoff: deps.backoff ?? DEFAULT_BACKOFF,
    };
    this.queue = deps.queue ?? new InProcessKeyedQueue<string>({ concurrency: 64, log: deps.log, ...(deps.onError ? { onError: deps.onError } : {}) });
    this.queued = this.queue instanceof InProcessKeyedQueue ? new Map() : undefined;
    this.queue.process((messageId) => this.deliver(messageId));
  }

  /** Queue a stored outbound message (status `queued`) for sending. */
  enqueue(message: Pick<Message, 'id' | 'conversationId'> | Message): void {
    if (this.queued && 'status' in message && message.status === 'queued') {
      if (this.queued.size >= QUEUED_ROWS_MAX) this.queued.delete(this.queued.keys().next().value as string);
      this.queued.set(message.id, message);
    }
    // After shutdown began (a timer's turn committing late) the queue is closed: the row is stored
    // as queued and the next start re-drives it, so this is not lost (and not an unhandled rejection).
    this.queue.add(message.conversationId, message.id).catch((err: unknown) => this.deps.log.warn({ err, messageId: message.id }, 'outbound queue closed; the message is sent on the next start'));
  }

  depth(): number {
    return this.queue.depth();
  }

  drain(): Promise<void> {
    return this.queue.drain();
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  private limiter(channel: ChannelId, perSecond: number): { take(): Promise<void> } {
    let limiter = this.limiters.get(channel);
    if (!limiter) {
      limiter = this.deps.rateLimiter?.(channel, perSecond) ?? new RateLimiter(perSecond, this.deps.sleep);
      this.limiters.set(channel, limiter);
    }
    return limiter;
  }

  private async deliver(messageId: string): Promise<void> {
    const { store, adapters } = this.deps;
    const kept = this.queued?.get(messageId);
    if (kept) this.queued?.delete(messageId);
    const message = kept ?? (await store.getMessage(messageId));
    if (!message || (message.status !== 'queued' && message.status !== 'sending')) return;
    const conversation = await store.getConversation(message.conversationId);
    const candidate = conversation && (await store.getCandidate(conversation.candidateId));
    const adapter = adapters.get(message.channel);
    if (!conversation || !candidate || !adapter) {
      await this.fail(message, `channel ${message.channel} is not configured`);
      return;
    }
    // The one outbound policy, on the state as it is now (a STOP or a takeover may have landed
    // since the message was queued).
    const decision = decideOutbound({ message, conversation, candidate });
    if (!decision.send) {
      await this.suppress(message, decision.reason);
      return;
    }
    // Still `sending`: a previous process crashed mid-send, so the provider may already have it.
    if (message.status === 'sending' && !(await this.recoverInFlight(message, adapter))) return;
    await this.sendWithRetries(message, conversation, adapter);
  }

  /** Send every part not yet acknowledged, retrying with backoff; ends `sent` or `failed`. */
  private async sendWithRetries(message: Message, conversation: Conversation, adapter: ChannelAdapter): Promise<void> {
    const outbound: OutboundMessage = { text: message.text, ...(message.choices ? { choices: message.choices } : {}) };
    const parts = lowerMessage(outbound, capabilitiesFor(adapter, conversation.ref));
    const progress: SendProgress = { attempts: message.attempts, partsSent: message.partsSent ?? 0, ...(message.providerMessageId ? { providerMessageId: message.providerMessageId } : {}) };
    for (;;) {
      progress.attempts++;
      try {
        await this.attempt(message, conversation, adapter, parts, progress);
        await this.markSent(message, progress);
        return;
      } catch (err) {
        // The one retry rule (`core/engine/retry.ts`); attempts count across restarts.
        const delay = nextRetryDelay(err, progress.attempts, { policy: this.deps.backoff, random: this.deps.random });
        if (delay === undefined) {
          if (err instanceof ProviderError && err.unreachable) await this.markUnreachable(conversation.candidateId);
          await this.fail(message, errorMessage(err), progress.attempts);
          return;
        }
        this.deps.metrics.outbound(message.channel, 'retried');
        this.deps.log.warn({ messageId: message.id, attempts: progress.attempts, delay, err: errorMessage(err) }, 'send failed, retrying');
        await this.deps.sleep(delay);
      }
    }
  }

  /** One attempt: the remaining parts, in order. Throws the provider's error. */
  private async attempt(message: Message, conversation: Conversation, adapter: ChannelAdapter, parts: OutboundMessage[], progress: SendProgress): Promise<void> {
    const sendCtx = { message, ...(conversation.lastCandidateMessageAt ? { lastCandidateMessageAt: conversation.lastCandidateMessageAt } : {}) };
    let marked = false;
    for (let i = progress.partsSent; i < parts.length; i++) {
      await this.limiter(message.channel, adapter.capabilities.maxSendsPerSecond).take();
      // Durable before the provider call (after the rate limiter, so `sending` means "at the
      // provider"): a crash from here on leaves the row `sending`.
      if (!marked) {
        const now = this.deps.clock.now();
        await this.deps.store.updateMessage(message.id, { status: 'sending', attempts: progress.attempts, lastAttemptAt: now }, now, [], { immediate: true });
        marked = true;
      }
      const result = await adapter.send(conversation.ref, parts[i]!, sendCtx);
      progress.providerMessageId = result.providerMessageId ?? progress.providerMessageId;
      progress.template = result.template ?? progress.template;
      progress.partsSent = i + 1;
      // A split message records each acknowledged part: a crash resends only the rest.
      if (progress.partsSent < parts.length) await this.recordPart(message, progress);
    }
  }

  /**
   * A message a crashed process left `sending`. The channel chooses (`inFlightAfterCrash`):
   * `resend` (the default: at most one duplicate of each message in flight at the crash, and
   * nothing lost) or `hold` (no duplicate; the row fails as "delivery unknown" for an operator).
   * True when the send should go ahead.
   */
  private async recoverInFlight(message: Message, adapter: ChannelAdapter): Promise<boolean> {
    const choice = adapter.capabilities.inFlightAfterCrash ?? 'resend';
    this.deps.log.warn({ messageId: message.id, conversationId: message.conversationId, lastAttemptAt: message.lastAttemptAt, choice }, 'message was in flight at a crash');
    if (choice === 'resend') return true;
    await this.fail(message, 'delivery unknown: the process stopped during the send; held, not resent');
    return false;
  }

  private async recordPart(message: Message, progress: SendProgress): Promise<void> {
    const patch = { partsSent: progress.partsSent, ...(progress.providerMessageId ? { providerMessageId: progress.providerMessageId } : {}) };
    await this.deps.store.updateMessage(message.id, patch, this.deps.clock.now(), [], { immediate: true });
  }

  private async markSent(message: Message, progress: SendProgress): Promise<void> {
    const now = this.deps.clock.now();
    const base = { at: now, conversationId: message.conversationId, messageId: message.id, channel: message.channel };
    const events: DomainEvent[] = [{ ...base, id: newId('evt'), type: 'MessageSent', actor: message.author }];
    // Said in the conversation log: the candidate got the approved template, not this text.
    if (progress.template) events.push({ ...base, id: newId('evt'), type: 'MessageSentAsTemplate', actor: 'system', template: progress.template });
    const patch = { status: 'sent' as const, attempts: progress.attempts, partsSent: progress.partsSent, ...(progress.providerMessageId ? { providerMessageId: progress.providerMessageId } : {}) };
    // Its own commit, right after the provider's acknowledgement: the crash window that can
    // produce a duplicate is only the provider call itself. Riding the group commit would save
    // two statements per reply, but publish `MessageSent` an event-loop turn later: with an
    // instant channel (web chat) it then misses the console feed's burst for the turn and every
    // reply costs each online operator one more list row push (docs/performance.md).
    const sent = await this.deps.store.updateMessage(message.id, patch, now, events, { immediate: true });
    this.deps.metrics.outbound(message.channel, 'sent');
    // The row as stored goes to the console feed with `MessageSent` (it need not read it back).
    if (sent) handOverMessage(events[0]!, sent);
    events.forEach((e) => this.deps.bus.publish(e));
  }

  /** Store the policy's decision: the row stays in the transcript as `suppressed`, with why. */
  private async suppress(message: Message, reason: SuppressionReason): Promise<void> {
    const now = this.deps.clock.now();
    const event: DomainEvent = { id: newId('evt'), type: 'MessageSuppressed', at: now, actor: 'system', conversationId: message.conversationId, messageId: message.id, channel: message.channel, reason };
    await this.deps.store.updateMessage(message.id, { status: 'suppressed', suppressedReason: reason }, now, [event]);
    this.deps.metrics.outbound(message.channel, 'suppressed');
    this.deps.log.info({ messageId: message.id, conversationId: message.conversationId, author: message.author, reason }, 'outbound message suppressed by policy');
    this.deps.bus.publish(event);
  }

  private async fail(message: Message, error: string, attempts = message.attempts): Promise<void> {
    const now = this.deps.clock.now();
    const event: DomainEvent = { id: newId('evt'), type: 'MessageFailed', at: now, actor: 'system', conversationId: message.conversationId, messageId: message.id, channel: message.channel, error };
    await this.deps.store.updateMessage(message.id, { status: 'failed', error, attempts }, now, [event]);
    this.deps.metrics.outbound(message.channel, 'failed');
    this.deps.log.error({ messageId: message.id, conversationId: message.conversationId, error }, 'message could not be delivered');
    this.deps.bus.publish(event);
  }

  private async markUnreachable(candidateId: string): Promise<void> {
    const candidate = await this.deps.store.getCandidate(candidateId);
    if (candidate && !candidate.unreachable) {
      await this.deps.store.saveCandidate({ ...candidate, unreachable: true, updatedAt: this.deps.clock.now() });
    }
  }
}
