import type { Conversation, DomainEvent } from '../../core/domain/index.js';
import { handedOverMessage, type EventBus, type Logger, type Store } from '../../core/ports/index.js';
import type { Escalation } from '../notifications/escalation.js';
import type { ConversationViews } from '../views/conversation-views.js';
import { isRiskEvent, riskFromEvent } from '../views/risk.js';
import { toConsoleMessage, toWireEvent } from '../wire.js';
import { rooms, type Broadcaster } from './broadcaster.js';

export interface FeedDeps {
  store: Store;
  views: ConversationViews;
  escalation: Escalation;
  broadcaster: Broadcaster;
  log: Logger;
}

/** How long a synced needs-human flag is trusted without re-reading the marks (see `syncNeedsHuman`). */
const NEEDS_HUMAN_MEMO_MS = 2000;

/** Events that change nothing the conversation list shows. */
const NO_SUMMARY_CHANGE = new Set<DomainEvent['type']>(['OperatorAction', 'MessageStatusChanged', 'MessageSuppressed', 'MessageSentAsTemplate', 'VoiceNoteTranscribed']);

/**
 * Domain events from the bus, turned into console pushes: messages, list rows, takeover and
 * handback notices, at-risk alerts, timelines; and escalations. Events are handled one at a time
 * in publish order, so a conversation's pushes never overtake each other.
 */
export class LiveFeed {
  private chain: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  /** The needs-human flag last written to each conversation's marks, and when. */
  private readonly needsHumanSynced = new Map<string, { value: boolean; at: number }>();
  /** Events that end in a list row push, received and not yet handled, per conversation. */
  private readonly queued = new Map<string, number>();
  /** Conversations whose queued burst already notified about needs-human (a HumanRequested among them). */
  private readonly flagHandledInBurst = new Set<string>();

  constructor(private readonly deps: FeedDeps) {}

  start(bus: EventBus): void {
    this.unsubscribe = bus.subscribe((event) => {
      if (event.conversationId && !NO_SUMMARY_CHANGE.has(event.type)) this.queued.set(event.conversationId, (this.queued.get(event.conversationId) ?? 0) + 1);
      this.enqueue(event.type, () => this.handle(event));
      // Returned so the bus's `idle()` (and `engine.idle()`) waits for the console's reaction.
      return this.idle();
    });
  }

  private enqueue(what: string, work: () => Promise<void>): void {
    this.chain = this.chain.then(work).catch((err: unknown) => this.deps.log.error({ err, eventType: what }, 'console: live update failed'));
  }

  /** Stop listening; resolves once the events already received are handled. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.chain;
  }

  /** Resolves when every event received so far has been handled, follow-ups included (tests, shutdown). */
  async idle(): Promise<void> {
    let seen: Promise<void> | undefined;
    while (seen !== this.chain) {
      seen = this.chain;
      await seen;
    }
  }

  private async handle(e: DomainEvent): Promise<void> {
    const { broadcaster } = this.deps;
    const laterOfSame = NO_SUMMARY_CHANGE.has(e.type) ? false : this.dequeued(e.conversationId);
    if (e.conversationId && broadcaster.listening(rooms.conversation(e.conversationId))) broadcaster.toConversation(e.conversationId, 'event', toWireEvent(e));
    const flagHandled = await this.react(e);
    const conversationId = e.conversationId ?? (e.candidateId && isRiskEvent(e) ? await this.latestConversationOf(e.candidateId) : undefined);
    if (!conversationId || NO_SUMMARY_CHANGE.has(e.type)) return;
    // With more of this conversation's events queued (a turn's events arrive together), the last of
    // them reads the conversation once, syncs the needs-human mark and sends the list row (one push
    // to every operator per burst, not one per event).
    if (laterOfSame && conversationId === e.conversationId) {
      if (flagHandled) this.flagHandledInBurst.add(conversationId);
      return;
    }
    const burstHandledFlag = this.flagHandledInBurst.delete(conversationId);
    const conversation = await this.deps.store.getConversation(conversationId);
    if (!conversation) return;
    const turnedOn = await this.syncNeedsHuman(conversation);
    // Queued behind the rest of the turn's events: a HumanRequested among them says it better.
    if (turnedOn && !flagHandled && !burstHandledFlag) this.enqueue('needs-human', () => this.deps.escalation.onFlagged(conversation));
    // The list row is for the operators online: with none connected there is no one to build it for.
    if (broadcaster.listening()) broadcaster.toAll('conversation:upsert', await this.deps.views.summary(conversation));
  }

  /** Count `conversationId`'s event as handled; true when more of its events are still queued. */
  private dequeued(conversationId: string | undefined): boolean {
    if (!conversationId) return false;
    const left = (this.queued.get(conversationId) ?? 1) - 1;
    if (left > 0) this.queued.set(conversationId, left);
    else this.queued.delete(conversationId);
    return left > 0;
  }

  /**
   * Keep the marks' needs-human flag in step with the conversation. A turn's events all carry the
   * same flag: the marks are re-read and written only when it differs from what this feed last
   * wrote there, or that was more than a moment ago (another process may share the marks).
   */
  private async syncNeedsHuman(conversation: Conversation): Promise<boolean> {
    const now = Date.now();
    const last = this.needsHumanSynced.get(conversation.id);
    if (last && last.value === conversation.needsHuman && now - last.at < NEEDS_HUMAN_MEMO_MS) return false;
    const turnedOn = await this.deps.views.syncNeedsHuman(conversation);
    // Bounded: entries older than the memo's life are useless anyway.
    if (this.needsHumanSynced.size >= 10_000) this.needsHumanSynced.clear();
    this.needsHumanSynced.set(conversation.id, { value: conversation.needsHuman, at: now });
    return turnedOn;
  }

  /** Event-specific pushes and escalations. True when the event already notified about needs-human. */
  private async react(e: DomainEvent): Promise<boolean> {
    const { broadcaster, escalation } = this.deps;
    switch (e.type) {
      case 'MessageReceived':
      case 'MessageSent':
      case 'MessageFailed':
      case 'MessageStatusChanged':
      case 'MessageSuppressed':
        await this.pushMessage(e);
        return false;
      case 'OperatorTakeover':
        if (e.conversationId && broadcaster.listening()) broadcaster.toAll('takeover', { conversationId: e.conversationId, operatorId: e.operatorId, operatorName: await this.name(e.operatorId), at: e.at.toISOString() });
        return false;
      case 'OperatorHandback':
        if (e.conversationId && broadcaster.listening()) {
          broadcaster.toAll('handback', { conversationId: e.conversationId, operatorId: e.operatorId, operatorName: await this.name(e.operatorId), ...(e.summary ? { summary: e.summary } : {}), at: e.at.toISOString() });
        }
        return false;
      case 'CandidateAtRisk':
        await this.pushRisk(e);
        await escalation.onAtRisk(e);
        return true;
      case 'RiskAssessed':
        await this.pushRisk(e);
        return false;
      case 'HumanRequested':
        await escalation.onHumanRequested(e);
        return true;
      case 'NeedsHumanFlagged':
        return true;
      case 'ConversationUnassigned':
        await escalation.onUnassigned(e);
        return true;
      case 'InterviewCompleted':
        await escalation.onInterviewCompleted(e);
        return false;
      case 'ConversationStarted':
        await escalation.onConversationStarted(e);
        return false;
      default:
        return false;
    }
  }

  private async pushMessage(e: Extract<DomainEvent, { messageId: string }>): Promise<void> {
    const { type } = e;
    // A status change or suppression only updates what operators online see.
    if ((type === 'MessageStatusChanged' || type === 'MessageSuppressed') && !this.deps.broadcaster.listening()) return;
    // The row as its event's write left it, when the publisher in this process handed it over.
    const message = handedOverMessage(e) ?? (await this.deps.store.getMessage(e.messageId));
    if (!message) return;
    if (type === 'MessageReceived') await this.deps.views.onInbound(message);
    // A suppressed message never reached the candidate: the preview stays on the last one that did.
    else if (type !== 'MessageStatusChanged' && type !== 'MessageSuppressed') await this.deps.views.onOutbound(message);
    if (type === 'MessageFailed') await this.deps.escalation.onDeliveryFailed(message);
    if (!this.deps.broadcaster.listening()) return;
    const authorName = message.author === 'operator' ? await this.name(message.authorId) : undefined;
    this.deps.broadcaster.toAll('message', toConsoleMessage(message, authorName));
  }

  private async pushRisk(e: Extract<DomainEvent, { type: 'RiskAssessed' | 'CandidateAtRisk' }>): Promise<void> {
    const conversationId = e.conversationId ?? (e.candidateId ? await this.latestConversationOf(e.candidateId) : undefined);
    if (!conversationId) return;
    await this.deps.views.setRisk(conversationId, riskFromEvent(e));
    if (e.type !== 'CandidateAtRisk' || !this.deps.broadcaster.listening()) return;
    const conversation = await this.deps.store.getConversation(conversationId);
    const candidate = conversation && (await this.deps.store.getCandidate(conversation.candidateId));
    this.deps.broadcaster.toAll('alert:at-risk', {
      conversationId,
      candidateId: e.candidateId ?? conversation?.candidateId ?? '',
      ...(candidate?.name ? { candidateName: candidate.name } : {}),
      score: e.score,
      level: e.level,
      factors: e.factors,
      recommendedAction: e.recommendedAction,
      at: e.at.toISOString(),
    });
  }

  private async name(operatorId: string | undefined): Promise<string> {
    return (await this.deps.views.operatorName(operatorId)) ?? operatorId ?? 'operator';
  }

  private async latestConversationOf(candidateId: string): Promise<string | undefined> {
    return (await this.deps.store.listConversations({ candidateId, limit: 1 }))[0]?.id;
  }
}
