import type { ConversationRef } from '../../core/domain/index.js';
import type { Clock, Logger, Store } from '../../core/ports/index.js';
import type { OperatorProfile, ServerToClientEvents } from '../contract.js';
import type { Broadcaster } from './broadcaster.js';

/** A candidate's "typing" goes to the consoles at most this often (a stop always goes through). */
export const CANDIDATE_TYPING_INTERVAL_MS = 2000;
/** An operator's "typing" reaches other consoles and the candidate's channel at most this often (Telegram's action lasts ~5 s). */
export const OPERATOR_TYPING_INTERVAL_MS = 3000;
type OperatorTyping = Parameters<ServerToClientEvents['typing']>[0];
const PRUNE_AT = 5000;
/** A start right after a stop waits this long, so toggling cannot flood the consoles. */
const RESTART_MS = 500;

export interface TypingRelayDeps {
  store: Pick<Store, 'getConversation'>;
  broadcaster: Broadcaster;
  clock: Clock;
  log: Logger;
  /** The candidate's channel typing action (web chat, Telegram sendChatAction, WhatsApp); read per call. */
  channelTyping?: () => ((ref: ConversationRef) => Promise<void>) | undefined;
}

/**
 * Typing indicators both ways, rate-limited per conversation: a web chat candidate's typing is
 * shown to the consoles watching the conversation; the operator who holds a conversation shows
 * "typing..." on the candidate's channel. Best effort and never stored.
 *
 * @example
 * relay.candidate('conv_1', true); // consoles watching conv_1 get `candidate:typing`
 * await relay.operator(ana, 'conv_1', (p) => socket.to(room).emit('typing', p)); // and the candidate's chat shows it
 */
export class TypingRelay {
  /** key -> { at: last forwarded (epoch ms), on: last state forwarded } */
  private readonly last = new Map<string, { at: number; on: boolean }>();

  constructor(private readonly deps: TypingRelayDeps) {}

  candidate(conversationId: string, typing: boolean): void {
    if (!this.admit(`c:${conversationId}`, typing, CANDIDATE_TYPING_INTERVAL_MS)) return;
    this.deps.broadcaster.toConversation(conversationId, 'candidate:typing', { conversationId, typing });
  }

  /** `toOthers` pushes to the other consoles watching (the typist's own socket excluded). */
  async operator(operator: OperatorProfile, conversationId: string, toOthers: (p: OperatorTyping) => void): Promise<void> {
    if (!this.admit(`o:${conversationId}:${operator.id}`, true, OPERATOR_TYPING_INTERVAL_MS)) return;
    toOthers({ conversationId, operatorId: operator.id, operatorName: operator.name });
    const conversation = await this.deps.store.getConversation(conversationId);
    // Only the operator who holds it writes to the candidate: nobody else's typing is theirs to see.
    if (!conversation || conversation.mode !== 'human' || conversation.assignedOperatorId !== operator.id) return;
    const typing = this.deps.channelTyping?.();
    await typing?.(conversation.ref).catch((err: unknown) => this.deps.log.debug({ err, conversationId }, 'console: channel typing action failed'));
  }

  /** A start passes once per interval (and not right after a stop); a stop passes only after a forwarded start. */
  private admit(key: string, on: boolean, intervalMs: number): boolean {
    const now = this.deps.clock.now().getTime();
    const prev = this.last.get(key);
    if (on && prev && now - prev.at < (prev.on ? intervalMs : RESTART_MS)) return false;
    if (!on && !prev?.on) return false;
    if (this.last.size >= PRUNE_AT) this.prune(now, intervalMs);
    this.last.set(key, { at: now, on });
    return true;
  }

  private prune(now: number, intervalMs: number): void {
    for (const [key, v] of this.last) if (!v.on || now - v.at > intervalMs * 10) this.last.delete(key);
  }
}
