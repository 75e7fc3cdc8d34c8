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

/**
 * A `queued` row whose first provider call was counted in the commit that stored it (see
 * `OutboundDispatcher.reserveFirstAttempt`): after a crash it may be at the provider, like a row
 * left `sending`. Only a dispatcher that reserves writes `queued` rows with attempts above 0.
 */
export function firstAttemptReserved(message: Pick<Message, 'status' | 'attempts'>): boolean {
  return message.status === 'queued' && message.attempts > 0;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends stored outbound messages: every one passes the outbound policy (`decideOutbound`) first,
 * then goes out in order per conversation, rate-limited per channel, retried with exponential
 * backoff and jitter (honouring a provider's retry-after), status tracked in the store. Messages
 * are read from the store by id, so a restart re-drives what was unsent.
 *
 * Crash safety: the attempt is counted durably before each provider call (`sending` committed,
 * with `attempts` and `lastAttemptAt`) and `sent` is committed right after the acknowledgement.
 * After a `kill -9`, rows still `queued` with no attempt counted were never sent; rows left
 * `sending`, and `queued` rows whose first attempt was reserved in the commit that stored them
 * (`firstAttemptReserved`), are the only ones the provider may have, and each channel chooses
 * whether they are resent (`inFlightAfterCrash`). A message whose send was cut short by a crash
 * again and again is given up (failed, "delivery unknown") once its attempts are spent.
 *
 * The first attempt of a reply on a channel that resends after a crash needs no `sending` commit
 * of its own: `reserveFirstAttempt` counts it in the commit that stores the row (the turn's), and
 * this process, which made the reservation, uses it. After a crash the row, left `queued` or not,
 * is resent either way; what the reservation keeps is the durable count (a send that kills the
 * process every time is given up) and the in-flight warning. Retries and `hold` channels still
 * commit `sending` before the call.
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
  /**
   * Rows this process committed with a reserved first attempt and has not sent yet (in-process
   * queue only): their first attempt goes out without a `sending` commit. A reserved row not in
   * here (re-driven after a restart) may have reached the provider before the crash.
   */
  private readonly reservedHere = new Set<string>();
  /**
   * Sends the provider acknowledged whose `sent` this process could not record (the store
   * failing): a re-drive records them instead of sending again.
   */
  private readonly unrecorded = new Map<string, SendProgress>();
  /**
   * The dispatcher's last store write failed: reserved first attempts then commit `sending` like
   * any other (a failing store stops the send before the provider call instead of after it).
   */
  private storeFailing = false;
  /**
   * Sent marks being committed behind their lane (`recordBehind`): `drain`, `depth` and `close`
   * count them, so "idle" still means every acknowledged send is recorded.
   */
  private readonly marking = new Set<Promise<void>>();
  private readonly deps: Required<Omit<OutboundDeps, 'backoff' | 'onError' | 'queue' | 'rateLimiter'>> & Pick<OutboundDeps, 'rateLimiter' | 'onError'> & { backoff: BackoffPolicy };

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

  /**
   * A new outbound row (status `queued`, attempts 0) as it should be stored: with its first attempt
   * counted (`attempts: 1`, `lastAttemptAt`) when its channel resends after a crash and the send
   * will run in this process (in-process queue), so that attempt needs no `sending` commit of its
   * own. Otherwise the row unchanged. Store it, then `enqueue(row, { committedHere: true })`.
   */
  reserveFirstAttempt(row: Message): Message {
    if (!this.queued || row.status !== 'queued' || row.attempts !== 0) return row;
    const adapter = this.deps.adapters.get(row.channel);
    if (!adapter || (adapter.capabilities.inFlightAfterCrash ?? 'resend') !== 'resend') return row;
    return { ...row, attempts: 1, lastAttemptAt: row.createdAt };
  }

  /**
   * Queue a stored outbound message (status `queued`) for sending. `committedHere`: this process
   * has just committed the row (not a re-drive after a restart), so a first attempt reserved in
   * that commit has not been made yet.
   */
  enqueue(message: Pick<Message, 'id' | 'conversationId'> | Message, opts: { committedHere?: boolean } = {}): void {
    if (this.queued && 'status' in message && message.status === 'queued') {
      if (this.queued.size >= QUEUED_ROWS_MAX) this.queued.delete(this.queued.keys().next().value as string);
      this.queued.set(message.id, message);
      if (opts.committedHere && firstAttemptReserved(message)) this.reservedHere.add(message.id);
    }
    // After shutdown began (a timer's turn committing late) the queue is closed: the row is stored
    // as queued and the next start re-drives it, so this is not lost (and not an unhandled rejection).
    this.queue.add(message.conversationId, message.id).catch((err: unknown) => {
      this.queued?.delete(message.id);
      this.reservedHere.delete(message.id);
      this.deps.log.warn({ err, messageId: message.id }, 'outbound queue closed; the message is sent on the next start');
    });
  }

  depth(): number {
    return this.queue.depth() + this.marking.size;
  }

  async drain(): Promise<void> {
    do {
      await this.queue.drain();
      await Promise.all([...this.marking]);
    } while (this.depth() > 0);
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.drain();
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
    // Its first attempt was reserved by this process and not made yet (used once).
    const reserved = this.reservedHere.delete(messageId);
    const message = kept ?? (await store.getMessage(messageId));
    if (!message || (message.status !== 'queued' && message.status !== 'sending')) return;
    const acknowledged = this.unrecorded.get(messageId);
    if (acknowledged) {
      await this.recordSent(message, acknowledged, true);
      return;
    }
    const unused = reserved && firstAttemptReserved(message);
    const conversation = await store.getConversation(message.conversationId);
    const candidate = conversation && (await store.getCandidate(conversation.candidateId));
    const adapter = adapters.get(message.channel);
    if (!conversation || !candidate || !adapter) {
      await this.fail(message, `channel ${message.channel} is not configured`, unused ? 0 : message.attempts);
      return;
    }
    // The one outbound policy, on the state as it is now (a STOP or a takeover may have landed
    // since the message was queued).
    const decision = decideOutbound({ message, conversation, candidate });
    if (!decision.send) {
      await this.suppress(message, decision.reason, unused);
      return;
    }
    // Still `sending`, or `queued` with a first attempt a previous process reserved: that process
    // stopped mid-send (or before it), so the provider may already have it.
    const inFlight = message.status === 'sending' || (firstAttemptReserved(message) && !unused);
    if (inFlight && !(await this.recoverInFlight(message, adapter))) return;
    await this.sendWithRetries(message, conversation, adapter, unused);
  }

  /**
   * Send every part not yet acknowledged, retrying with backoff; ends `sent` or `failed`.
   * `reserved`: the first attempt was counted in the row's own commit (`message.attempts` is 1),
   * so it is made without a `sending` commit.
   */
  private async sendWithRetries(message: Message, conversation: Conversation, adapter: ChannelAdapter, reserved: boolean): Promise<void> {
    const outbound: OutboundMessage = { text: message.text, ...(message.choices ? { choices: message.choices } : {}) };
    const parts = lowerMessage(outbound, capabilitiesFor(adapter, conversation.ref));
    const progress: SendProgress = { attempts: reserved ? message.attempts - 1 : message.attempts, partsSent: message.partsSent ?? 0, ...(message.providerMessageId ? { providerMessageId: message.providerMessageId } : {}) };
    for (let first = true; ; first = false) {
      progress.attempts++;
      try {
        await this.attempt(message, conversation, adapter, parts, progress, first && reserved && !this.storeFailing);
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
        continue;
      }
      if (this.queued && !adapter.capabilities.acknowledgedInProcess) this.recordBehind(message, progress);
      else await this.recordSent(message, progress, true);
      return;
    }
  }

  /**
   * A provider's acknowledgement (issue 13): the `sent` mark rides the group commit of this
   * event-loop pass, with the other acknowledgements that arrived in it, and the lane moves on to
   * the conversation's next reply without waiting for that commit. Until it commits the row stays
   * as the attempt left it (`sending`, or `queued` with its attempt reserved): a crash in between
   * resends it, the same one duplicate as a crash during the provider call. In-process queue only
   * (`queued`): a shared queue hands the next reply to another node, which must see the mark.
   */
  private recordBehind(message: Message, progress: SendProgress): void {
    const recorded = this.recordSent(message, progress, false).catch((err: unknown) => {
      if (this.deps.onError) this.deps.onError(err, { what: `sent mark of ${message.id}` });
      else this.deps.log.error({ err, messageId: message.id }, 'an acknowledged send could not be recorded');
    });
    const tracked = recorded.finally(() => this.marking.delete(tracked));
    this.marking.add(tracked);
  }

  /**
   * Record an acknowledged send (`sent`), retrying a failing store with the same backoff; never
   * sent again for it. When the store stays down the acknowledgement is kept in memory and the
   * error thrown: a re-drive in this process records it without a second send (only a restart
   * before the store recovers resends it, as a crash between the call and `sent` would).
   */
  private async recordSent(message: Message, progress: SendProgress, soon: boolean): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        await this.markSent(message, progress, soon);
        this.unrecorded.delete(message.id);
        return;
      } catch (err) {
        const delay = nextRetryDelay(err, tries, { policy: this.deps.backoff, random: this.deps.random });
        if (delay === undefined) {
          if (this.unrecorded.size >= QUEUED_ROWS_MAX) this.unrecorded.delete(this.unrecorded.keys().next().value as string);
          this.unrecorded.set(message.id, { ...progress });
          throw err;
        }
        this.deps.log.warn({ messageId: message.id, delay, err: errorMessage(err) }, 'sent but not recorded, retrying the record');
        await this.deps.sleep(delay);
      }
    }
  }

  /** A store write of the dispatcher's, noting whether the store is failing. */
  private async write<T>(work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      this.storeFailing = false;
      return result;
    } catch (err) {
      this.storeFailing = true;
      throw err;
    }
  }

  /**
   * One attempt: the remaining parts, in order. Throws the provider's error. `reserved`: this
   * attempt was counted in the row's own commit, so it needs no `sending` commit.
   */
  private async attempt(message: Message, conversation: Conversation, adapter: ChannelAdapter, parts: OutboundMessage[], progress: SendProgress, reserved: boolean): Promise<void> {
    const sendCtx = { message, ...(conversation.lastCandidateMessageAt ? { lastCandidateMessageAt: conversation.lastCandidateMessageAt } : {}) };
    let marked = reserved;
    for (let i = progress.partsSent; i < parts.length; i++) {
      await this.limiter(message.channel, adapter.capabilities.maxSendsPerSecond).take();
      // Durable before the provider call (after the rate limiter, so `sending` means "at the
      // provider"): a crash from here on leaves the row `sending`. A reserved attempt was made
      // durable by the row's own commit: a crash leaves it `queued` with the attempt counted.
      if (!marked) {
        const now = this.deps.clock.now();
        await this.write(() => this.deps.store.updateMessage(message.id, { status: 'sending', attempts: progress.attempts, lastAttemptAt: now }, now, [], { immediate: true }));
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
    const reserved = message.status === 'queued';
    this.deps.log.warn({ messageId: message.id, conversationId: message.conversationId, lastAttemptAt: message.lastAttemptAt, attempts: message.attempts, choice, ...(reserved ? { reserved } : {}) }, 'message was in flight at a crash');
    if (choice === 'hold') {
      await this.fail(message, 'delivery unknown: the process stopped during the send; held, not resent');
      return false;
    }
    // Attempts count across restarts: a send that brings the process down every time is not
    // retried forever (each crash counted one attempt before the call).
    if (message.attempts >= this.deps.backoff.maxAttempts) {
      await this.fail(message, `delivery unknown: the process stopped during the send, and its ${message.attempts} attempts are spent; not resent`);
      return false;
    }
    return true;
  }

  private async recordPart(message: Message, progress: SendProgress): Promise<void> {
    // `sending` too: a reserved first attempt did not write it before the first part.
    const patch = { status: 'sending' as const, partsSent: progress.partsSent, ...(progress.providerMessageId ? { providerMessageId: progress.providerMessageId } : {}) };
    await this.write(() => this.deps.store.updateMessage(message.id, patch, this.deps.clock.now(), [], { immediate: true }));
  }

  private async markSent(message: Message, progress: SendProgress, soon: boolean): Promise<void> {
    const now = this.deps.clock.now();
    const base = { at: now, conversationId: message.conversationId, messageId: message.id, channel: message.channel };
    const events: DomainEvent[] = [{ ...base, id: newId('evt'), type: 'MessageSent', actor: message.author }];
    // Said in the conversation log: the candidate got the approved template, not this text.
    if (progress.template) events.push({ ...base, id: newId('evt'), type: 'MessageSentAsTemplate', actor: 'system', template: progress.template });
    const patch = { status: 'sent' as const, attempts: progress.attempts, partsSent: progress.partsSent, ...(progress.providerMessageId ? { providerMessageId: progress.providerMessageId } : {}) };
    // `soon` (a send acknowledged in process, web chat): committed in the same event-loop turn,
    // the replies acknowledged in one burst sharing one COMMIT, and `MessageSent` published with
    // the console feed's burst for the turn. Otherwise (a provider's acknowledgement, arriving in
    // an I/O callback of its own) the pass's group commit, shared with the other acknowledgements
    // of the pass; the lane does not wait for it (`recordBehind`, docs/performance.md).
    const sent = await this.write(() => this.deps.store.updateMessage(message.id, patch, now, events, soon ? { soon: true } : {}));
    this.deps.metrics.outbound(message.channel, 'sent');
    // The row as stored goes to the console feed with `MessageSent` (it need not read it back).
    if (sent) handOverMessage(events[0]!, sent);
    events.forEach((e) => this.deps.bus.publish(e));
  }

  /**
   * Store the policy's decision: the row stays in the transcript as `suppressed`, with why.
   * `unreserve`: its reserved first attempt was never made (the count goes back to 0).
   */
  private async suppress(message: Message, reason: SuppressionReason, unreserve = false): Promise<void> {
    const now = this.deps.clock.now();
    const event: DomainEvent = { id: newId('evt'), type: 'MessageSuppressed', at: now, actor: 'system', conversationId: message.conversationId, messageId: message.id, channel: message.channel, reason };
    const patch = { status: 'suppressed' as const, suppressedReason: reason, ...(unreserve ? { attempts: 0, lastAttemptAt: undefined } : {}) };
    await this.write(() => this.deps.store.updateMessage(message.id, patch, now, [event]));
    this.deps.metrics.outbound(message.channel, 'suppressed');
    this.deps.log.info({ messageId: message.id, conversationId: message.conversationId, author: message.author, reason }, 'outbound message suppressed by policy');
    this.deps.bus.publish(event);
  }

  private async fail(message: Message, error: string, attempts = message.attempts): Promise<void> {
    const now = this.deps.clock.now();
    const event: DomainEvent = { id: newId('evt'), type: 'MessageFailed', at: now, actor: 'system', conversationId: message.conversationId, messageId: message.id, channel: message.channel, error };
    // No attempt made (a reservation given back): no `lastAttemptAt` either.
    const patch = { status: 'failed' as const, error, attempts, ...(attempts === 0 && message.lastAttemptAt ? { lastAttemptAt: undefined } : {}) };
    await this.write(() => this.deps.store.updateMessage(message.id, patch, now, [event]));
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
