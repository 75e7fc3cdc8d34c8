import {
  ProviderError,
  errorMessage,
  newId,
  type ChannelId,
  type DomainEvent,
  type Message,
  type OutboundMessage,
} from '../domain/index.js';
import type { ChannelAdapter, Clock, EventBus, Logger, Store } from '../ports/index.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { InProcessKeyedQueue } from './keyed-queue.js';
import { lowerMessage } from './lower.js';
import { noopMetrics, type EngineMetrics } from './metrics.js';
import { RateLimiter } from './rate-limiter.js';

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
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends stored outbound messages: in order per conversation, rate-limited per channel, retried
 * with exponential backoff and jitter (honouring a provider's retry-after), status tracked in
 * the store. Messages are read from the store by id, so a restart re-drives what was unsent.
 */
export class OutboundDispatcher {
  private readonly queue: InProcessKeyedQueue<string>;
  private readonly limiters = new Map<ChannelId, RateLimiter>();
  private readonly deps: Required<Omit<OutboundDeps, 'backoff'>> & { backoff: BackoffPolicy };

  constructor(deps: OutboundDeps) {
    this.deps = {
      metrics: noopMetrics,
      sleep: realSleep,
      random: Math.random,
      ...deps,
      backoff: deps.backoff ?? DEFAULT_BACKOFF,
    };
    this.queue = new InProcessKeyedQueue<string>({ concurrency: 64, log: deps.log });
    this.queue.process((messageId) => this.deliver(messageId));
  }

  /** Queue a stored outbound message (status `queued`) for sending. */
  enqueue(message: Pick<Message, 'id' | 'conversationId'>): void {
    void this.queue.add(message.conversationId, message.id);
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

  private limiter(channel: ChannelId, perSecond: number): RateLimiter {
    let limiter = this.limiters.get(channel);
    if (!limiter) {
      limiter = new RateLimiter(perSecond, this.deps.sleep);
      this.limiters.set(channel, limiter);
    }
    return limiter;
  }

  private async deliver(messageId: string): Promise<void> {
    const { store, adapters } = this.deps;
    const message = await store.getMessage(messageId);
    if (!message || (message.status !== 'queued' && message.status !== 'sending')) return;
    const conversation = await store.getConversation(message.conversationId);
    const adapter = adapters.get(message.channel);
    if (!conversation || !adapter) {
      await this.fail(message, `channel ${message.channel} is not configured`);
      return;
    }
    const outbound: OutboundMessage = {
      text: message.text,
      ...(message.choices ? { choices: message.choices } : {}),
    };
    const parts = lowerMessage(outbound, adapter.capabilities);
    let attempts = message.attempts;
    for (;;) {
      attempts++;
      try {
        let providerMessageId: string | undefined;
        let template: string | undefined;
        for (const part of parts) {
          await this.limiter(message.channel, adapter.capabilities.maxSendsPerSecond).take();
          const sendCtx = { message, ...(conversation.lastCandidateMessageAt ? { lastCandidateMessageAt: conversation.lastCandidateMessageAt } : {}) };
          const result = await adapter.send(conversation.ref, part, sendCtx);
          providerMessageId = result.providerMessageId ?? providerMessageId;
          template = result.template ?? template;
        }
        await this.markSent(message, attempts, providerMessageId, template);
        return;
      } catch (err) {
        const retryable = !(err instanceof ProviderError && err.permanent);
        if (!retryable || attempts >= this.deps.backoff.maxAttempts) {
          if (err instanceof ProviderError && err.unreachable) await this.markUnreachable(conversation.candidateId);
          await this.fail(message, errorMessage(err), attempts);
          return;
        }
        const retryAfter = err instanceof ProviderError ? err.retryAfterMs : undefined;
        const delay = backoffDelay(attempts, this.deps.backoff, this.deps.random(), retryAfter);
        this.deps.metrics.outbound(message.channel, 'retried');
        this.deps.log.warn({ messageId: message.id, attempts, delay, err: errorMessage(err) }, 'send failed, retrying');
        await this.deps.sleep(delay);
      }
    }
  }

  private async markSent(message: Message, attempts: number, providerMessageId: string | undefined, template: string | undefined): Promise<void> {
    const now = this.deps.clock.now();
    const base = { at: now, conversationId: message.conversationId, messageId: message.id, channel: message.channel };
    const events: DomainEvent[] = [{ ...base, id: newId('evt'), type: 'MessageSent', actor: message.author }];
    // Said in the conversation log: the candidate got the approved template, not this text.
    if (template) events.push({ ...base, id: newId('evt'), type: 'MessageSentAsTemplate', actor: 'system', template });
    await this.deps.store.updateMessage(message.id, { status: 'sent', attempts, ...(providerMessageId ? { providerMessageId } : {}) }, now, events);
    this.deps.metrics.outbound(message.channel, 'sent');
    events.forEach((e) => this.deps.bus.publish(e));
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
