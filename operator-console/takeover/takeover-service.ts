import { z } from 'zod';
import { NotFoundError, ValidationError, type Conversation, type Message, type NewDomainEvent, type OutboundMessage } from '../../core/domain/index.js';
import type { Engine } from '../../core/engine/index.js';
import type { Store } from '../../core/ports/index.js';
import type { AuditTrail } from '../audit.js';
import { MAX_OPERATOR_TEXT, type OperatorProfile } from '../contract.js';
import { ConsoleError } from '../errors.js';
import { requireActing, requireAdmin } from './permissions.js';

export interface TakeoverDeps {
  store: Store;
  engine: () => Pick<Engine, 'mutate' | 'send'>;
  audit: AuditTrail;
  /** What the bot re-asks after a handback (the interview feature provides it). */
  pendingPrompt: () => ((c: Conversation) => OutboundMessage | undefined) | undefined;
  operatorName: (id: string) => Promise<string | undefined>;
}

const TextSchema = z
  .string({ error: 'text must be a string' })
  .trim()
  .min(1, 'text must not be empty')
  .max(MAX_OPERATOR_TEXT, `text must be at most ${MAX_OPERATOR_TEXT} characters`);

/**
 * Human takeover: one operator at a time holds a conversation in human mode (the takeover gate
 * keeps the bot silent), replies through the engine's outbound path on the candidate's own
 * channel, and hands back to the bot, which re-asks what it was waiting for.
 */
export class TakeoverService {
  constructor(private readonly deps: TakeoverDeps) {}

  /**
   * Hold the conversation. Refused (CONFLICT) when another operator holds it, unless `force` by
   * an admin ("take from"). Taking one you already hold is a no-op.
   */
  async takeover(operator: OperatorProfile, conversationId: string, force = false): Promise<Conversation> {
    requireActing(operator, 'take over conversations');
    if (force) requireAdmin(operator, 'take a conversation from another operator');
    let heldBy: string | undefined;
    const saved = await this.deps.engine().mutate(conversationId, ({ conversation: c }) => {
      if (c.mode === 'human' && c.assignedOperatorId === operator.id) return undefined;
      const previous = c.mode === 'human' ? c.assignedOperatorId : undefined;
      if (previous && !force) {
        heldBy = previous;
        return undefined;
      }
      const events: NewDomainEvent[] = [{ type: 'OperatorTakeover', operatorId: operator.id }];
      if (previous) events.push({ type: 'OperatorAction', operatorId: operator.id, action: 'took-from', details: { previousOperatorId: previous } });
      return { conversation: { ...c, mode: 'human', assignedOperatorId: operator.id, needsHuman: false }, events, actor: `operator:${operator.id}` };
    });
    if (!saved) throw new NotFoundError('Conversation', conversationId);
    if (heldBy) {
      const name = (await this.deps.operatorName(heldBy)) ?? heldBy;
      throw new ConsoleError('CONFLICT', `${name} is already handling this conversation. An admin can take it over from them.`);
    }
    return saved;
  }

  /**
   * Return the conversation to the bot with an optional summary (kept in the audit trail). The
   * holder, or an admin, or anyone when nobody holds it, may hand back. The bot re-asks its
   * pending question (`resumedWith`) unless the candidate has opted out.
   */
  async handback(operator: OperatorProfile, conversationId: string, summary?: string): Promise<{ conversation: Conversation; resumedWith?: string }> {
    requireActing(operator, 'hand conversations back');
    const note = summary?.trim().slice(0, MAX_OPERATOR_TEXT) || undefined;
    let heldBy: string | undefined;
    let resumedWith: string | undefined;
    const saved = await this.deps.engine().mutate(conversationId, ({ conversation: c, candidate }) => {
      if (c.mode !== 'human') return undefined;
      if (c.assignedOperatorId && c.assignedOperatorId !== operator.id && operator.role !== 'admin') {
        heldBy = c.assignedOperatorId;
        return undefined;
      }
      const { assignedOperatorId: _released, ...rest } = c;
      const back: Conversation = { ...rest, mode: 'bot', needsHuman: false };
      const prompt = candidate.optedOut ? undefined : this.deps.pendingPrompt()?.(back);
      resumedWith = prompt?.text;
      return {
        conversation: back,
        events: [{ type: 'OperatorHandback', operatorId: operator.id, ...(note ? { summary: note } : {}) }],
        replies: prompt ? [prompt] : [],
        actor: `operator:${operator.id}`,
      };
    });
    if (!saved) throw new NotFoundError('Conversation', conversationId);
    if (heldBy) {
      const name = (await this.deps.operatorName(heldBy)) ?? heldBy;
      throw new ConsoleError('CONFLICT', `${name} is handling this conversation; only they or an admin can hand it back.`);
    }
    return { conversation: saved, ...(resumedWith ? { resumedWith } : {}) };
  }

  /** Send the operator's reply to the candidate. The operator must hold the conversation. */
  async send(operator: OperatorProfile, conversationId: string, input: unknown): Promise<Message> {
    requireActing(operator, 'reply to candidates');
    const parsed = TextSchema.safeParse(input);
    if (!parsed.success) throw new ValidationError('Invalid message', parsed.error.issues.map((i) => i.message));
    const conversation = await this.deps.store.getConversation(conversationId);
    const candidate = conversation && (await this.deps.store.getCandidate(conversation.candidateId));
    if (!conversation || !candidate) throw new NotFoundError('Conversation', conversationId);
    if (conversation.mode !== 'human' || conversation.assignedOperatorId !== operator.id) {
      const holder = conversation.mode === 'human' && conversation.assignedOperatorId;
      const name = holder ? ((await this.deps.operatorName(holder)) ?? holder) : undefined;
      throw new ConsoleError('CONFLICT', name ? `${name} is handling this conversation: only they can reply.` : 'Take over the conversation before replying, so the bot stays silent.');
    }
    if (candidate.optedOut) throw new ConsoleError('CONFLICT', 'The candidate has opted out: the message was not sent.');
    const message = await this.deps.engine().send(conversationId, { text: parsed.data }, 'operator', operator.id);
    await this.deps.audit.record(operator.id, 'message-sent', { messageId: message.id }, { conversationId, candidateId: conversation.candidateId });
    return message;
  }

  /**
   * Release a hold that lapsed (the operator stayed offline past the grace period). The
   * conversation stays in human mode, flagged for a human. False when it was no longer theirs.
   */
  async unassign(operatorId: string, conversationId: string, reason: string): Promise<boolean> {
    let released = false;
    await this.deps.engine().mutate(conversationId, ({ conversation: c }) => {
      if (c.mode !== 'human' || c.assignedOperatorId !== operatorId) return undefined;
      released = true;
      const { assignedOperatorId: _released, ...rest } = c;
      return { conversation: { ...rest, needsHuman: true }, events: [{ type: 'ConversationUnassigned', operatorId, reason }], actor: 'system' };
    });
    return released;
  }
}
