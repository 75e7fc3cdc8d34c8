import { z } from 'zod';
import { NotFoundError, ValidationError, type Conversation, type Message, type OutboundMessage } from '../../core/domain/index.js';
import type { Engine } from '../../core/engine/index.js';
import type { Store } from '../../core/ports/index.js';
import { TakeoverService as CoreTakeover, type Refusal, type TakeoverActor } from '../../core/takeover/index.js';
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
 * The console's side of takeover: the rules and the service are `core/takeover` (shared with the
 * Telegram HR desk); this class checks console roles, words refusals as `ConsoleError`s and
 * records replies in the audit trail.
 */
export class TakeoverService {
  private readonly core: CoreTakeover;

  constructor(private readonly deps: TakeoverDeps) {
    this.core = new CoreTakeover({ engine: deps.engine, pendingPrompt: deps.pendingPrompt });
  }

  /**
   * Hold the conversation. Refused (CONFLICT) when another operator holds it, unless `force` by
   * an admin ("take from"). Taking one you already hold is a no-op.
   */
  async takeover(operator: OperatorProfile, conversationId: string, force = false): Promise<Conversation> {
    requireActing(operator, 'take over conversations');
    if (force) requireAdmin(operator, 'take a conversation from another operator');
    const result = await this.core.takeover(actor(operator), conversationId, { force });
    if (!result) throw new NotFoundError('Conversation', conversationId);
    if (!result.ok) throw await this.refused(result, 'is already handling this conversation. An admin can take it over from them.');
    return result.conversation;
  }

  /**
   * Return the conversation to the bot with an optional summary (kept in the audit trail). The
   * holder, or an admin, or anyone when nobody holds it, may hand back. The bot re-asks its
   * pending question (`resumedWith`) unless the outbound policy keeps it from the candidate.
   */
  async handback(operator: OperatorProfile, conversationId: string, summary?: string): Promise<{ conversation: Conversation; resumedWith?: string }> {
    requireActing(operator, 'hand conversations back');
    const result = await this.core.handback(actor(operator), conversationId, summary?.slice(0, MAX_OPERATOR_TEXT));
    if (!result) throw new NotFoundError('Conversation', conversationId);
    // Not in human mode: nothing to hand back (idempotent).
    if (!result.ok && result.refused === 'not-held') return { conversation: result.conversation };
    if (!result.ok) throw await this.refused(result, 'is handling this conversation; only they or an admin can hand it back.');
    return { conversation: result.conversation, ...(result.resumedWith && !result.suppressed ? { resumedWith: result.resumedWith } : {}) };
  }

  /** Send the operator's reply to the candidate. The operator must hold the conversation. */
  async send(operator: OperatorProfile, conversationId: string, input: unknown): Promise<Message> {
    requireActing(operator, 'reply to candidates');
    const parsed = TextSchema.safeParse(input);
    if (!parsed.success) throw new ValidationError('Invalid message', parsed.error.issues.map((i) => i.message));
    const conversation = await this.deps.store.getConversation(conversationId);
    const candidate = conversation && (await this.deps.store.getCandidate(conversation.candidateId));
    if (!conversation || !candidate) throw new NotFoundError('Conversation', conversationId);
    const result = await this.core.reply(actor(operator), conversation, candidate, parsed.data);
    if (!result) throw new NotFoundError('Conversation', conversationId);
    if (!result.ok && 'refusal' in result) {
      if (result.refusal.refused === 'held') throw await this.refused(result.refusal, 'is handling this conversation: only they can reply.');
      throw new ConsoleError('CONFLICT', 'Take over the conversation before replying, so the bot stays silent.');
    }
    if (!result.ok) throw new ConsoleError('CONFLICT', result.suppressed === 'opted-out' ? 'The candidate has opted out: the message was not sent.' : 'The candidate cannot be reached on this channel: the message was not sent.');
    await this.deps.audit.record(operator.id, 'message-sent', { messageId: result.message.id }, { conversationId, candidateId: conversation.candidateId });
    return result.message;
  }

  /**
   * Release a hold that lapsed (the operator stayed offline past the grace period). The
   * conversation stays in human mode, flagged for a human. False when it was no longer theirs.
   */
  unassign(operatorId: string, conversationId: string, reason: string): Promise<boolean> {
    return this.core.lapse(operatorId, conversationId, reason);
  }

  private async refused(refusal: Refusal, says: string): Promise<ConsoleError> {
    if (refusal.refused !== 'held') return new ConsoleError('CONFLICT', 'Nobody is handling this conversation.');
    // A console account's current name; a holder from another desk by the name recorded at takeover.
    const account = await this.deps.operatorName(refusal.heldBy);
    const name = account && account !== refusal.heldBy ? account : (refusal.heldByName ?? refusal.heldBy);
    return new ConsoleError('CONFLICT', `${name} ${says}`);
  }
}

function actor(operator: OperatorProfile): TakeoverActor {
  return { id: operator.id, name: operator.name, role: operator.role };
}
