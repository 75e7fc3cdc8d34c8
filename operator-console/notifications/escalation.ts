import type { Candidate, Conversation, DomainEvent, Message } from '../../core/domain/index.js';
import type { Engine } from '../../core/engine/index.js';
import type { Store } from '../../core/ports/index.js';
import { atRiskText } from '../../core/risk/index.js';
import { riskRank } from '../views/risk.js';
import type { Notifier } from './notifier.js';

type EventOf<T extends DomainEvent['type']> = Extract<DomainEvent, { type: T }>;

export interface EscalationDeps {
  store: Store;
  engine: () => Pick<Engine, 'mutate'>;
  notifier: Notifier;
  /** Risk alerts at this level or above flag the conversation for a human (0 low, 1 medium, 2 high). */
  escalateFromRiskRank: number;
  operatorName: (id: string) => Promise<string | undefined>;
}

/**
 * Auto-escalation: a candidate asking for a human, an interview that cannot follow the answers,
 * a risk alert, or an operator's hold lapsing flags the conversation "needs human" and tells the
 * operators. Also the informational notifications (new candidate, interview completed).
 */
export class Escalation {
  constructor(private readonly deps: EscalationDeps) {}

  async onHumanRequested(e: EventOf<'HumanRequested'>): Promise<void> {
    const found = await this.load(e.conversationId, e.candidateId);
    if (!found) return;
    await this.flag(found.conversation);
    const title = e.actor === 'candidate' ? `${who(found.candidate)} asked for a recruiter` : `${who(found.candidate)} needs a recruiter`;
    await this.deps.notifier.notify({ kind: 'needs-human', title, body: e.reason, conversationId: found.conversation.id });
  }

  async onAtRisk(e: EventOf<'CandidateAtRisk'>): Promise<void> {
    const found = await this.load(e.conversationId, e.candidateId);
    if (!found) return;
    const reason = `Risk ${e.level} (${e.score}): ${e.recommendedAction}`;
    // Nothing anyone can do (the candidate opted out or asked for deletion): no flag, no alert.
    if (e.recommendedAction === 'none' || found.candidate?.optedOut) return;
    if (riskRank(e.level) >= this.deps.escalateFromRiskRank) await this.flag(found.conversation, reason);
    // The same words the jobs' alerter uses, so the two deliveries of one alert dedupe to one.
    const text = atRiskText({ name: found.candidate?.name, stage: found.candidate?.stage ?? found.conversation.stage, score: e.score, level: e.level, factors: e.factors, recommendedAction: e.recommendedAction });
    await this.deps.notifier.notify({ kind: 'at-risk', ...text, conversationId: found.conversation.id });
  }

  async onUnassigned(e: EventOf<'ConversationUnassigned'>): Promise<void> {
    const found = await this.load(e.conversationId, e.candidateId);
    if (!found) return;
    const operator = (await this.deps.operatorName(e.operatorId)) ?? e.operatorId;
    await this.deps.notifier.notify({
      kind: 'needs-human',
      title: `${who(found.candidate)} is waiting for a recruiter`,
      body: `${operator} went offline and the conversation is unassigned. The bot stays silent until someone takes over or hands back.`,
      conversationId: found.conversation.id,
    });
  }

  /** The conversation's needs-human flag turned on without an event saying why (set by a bot turn). */
  async onFlagged(conversation: Conversation): Promise<void> {
    const candidate = await this.deps.store.getCandidate(conversation.candidateId);
    await this.deps.notifier.notify({ kind: 'needs-human', title: `${who(candidate)} needs a recruiter`, body: 'The bot flagged this conversation for a human.', conversationId: conversation.id });
  }

  async onInterviewCompleted(e: EventOf<'InterviewCompleted'>): Promise<void> {
    const found = await this.load(e.conversationId, e.candidateId);
    if (!found) return;
    await this.deps.notifier.notify({
      kind: 'interview-completed',
      title: `${who(found.candidate)} finished the interview`,
      body: `Score ${e.overallScore}/100, recommendation: ${e.recommendation}.`,
      conversationId: found.conversation.id,
    });
  }

  /** Named by what is known this early: the name, else the phone or email the channel gave. */
  async onConversationStarted(e: EventOf<'ConversationStarted'>): Promise<void> {
    if (!e.conversationId) return;
    const found = await this.load(e.conversationId, e.candidateId);
    const c = found?.candidate;
    const named = c?.name ?? c?.phone ?? c?.email;
    const channel = CHANNEL_NAMES[e.channel] ?? e.channel;
    await this.deps.notifier.notify({
      kind: 'new-candidate',
      title: named ? `New candidate: ${named}` : `New candidate on ${channel}`,
      body: `${named ?? 'A candidate'} started a conversation on ${channel}.`,
      conversationId: e.conversationId,
    });
  }

  /** An operator's reply could not be delivered: tell that operator. */
  /**
   * A message the channel refused for good: its operator author is told; a bot or system message
   * (the candidate is not getting the interview, a reminder...) goes to every operator.
   */
  async onDeliveryFailed(message: Message): Promise<void> {
    const reason = message.error ?? 'the channel refused it';
    const text = `"${message.text.slice(0, 80)}" could not be delivered: ${reason}.`;
    if (message.author === 'operator' && message.authorId) {
      await this.deps.notifier.notify({ kind: 'delivery-failed', title: 'Your message was not delivered', body: text, conversationId: message.conversationId, operatorId: message.authorId });
      return;
    }
    const conversation = await this.deps.store.getConversation(message.conversationId);
    const candidate = conversation && (await this.deps.store.getCandidate(conversation.candidateId));
    await this.deps.notifier.notify({ kind: 'delivery-failed', title: `A message to ${candidate?.name ?? 'a candidate'} was not delivered`, body: text, conversationId: message.conversationId });
  }

  /** Set needs-human unless already set or an operator is holding the conversation. */
  private async flag(conversation: Conversation, reason?: string): Promise<void> {
    if (conversation.needsHuman || (conversation.mode === 'human' && conversation.assignedOperatorId)) return;
    await this.deps.engine().mutate(conversation.id, ({ conversation: c }) => {
      if (c.needsHuman || (c.mode === 'human' && c.assignedOperatorId)) return undefined;
      return { conversation: { ...c, needsHuman: true }, events: reason ? [{ type: 'NeedsHumanFlagged', reason }] : [], actor: 'system' };
    });
  }

  /** The event's conversation, or the candidate's most recent one for candidate-level events. */
  private async load(conversationId: string | undefined, candidateId: string | undefined): Promise<{ conversation: Conversation; candidate: Candidate | undefined } | undefined> {
    const conversation = conversationId
      ? await this.deps.store.getConversation(conversationId)
      : candidateId
        ? (await this.deps.store.listConversations({ candidateId, limit: 1 }))[0]
        : undefined;
    if (!conversation) return undefined;
    return { conversation, candidate: await this.deps.store.getCandidate(conversation.candidateId) };
  }
}

const CHANNEL_NAMES: Record<string, string> = { webchat: 'web chat', telegram: 'Telegram', whatsapp: 'WhatsApp', email: 'email', teams: 'Teams' };

function who(candidate: Candidate | undefined): string {
  return candidate?.name ?? 'A candidate';
}
