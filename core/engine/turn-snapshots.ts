import type { Candidate, Conversation, Message } from '../domain/index.js';

/** What `receive()` just stored: the turn starts from it instead of reading it back. */
export interface TurnSnapshot {
  message: Message;
  conversation: Conversation;
  candidate: Candidate;
}

/**
 * Snapshots of received messages waiting for their turn, so a turn loads its conversation,
 * candidate and message once (at receipt) rather than again when it starts. A snapshot is used
 * once, and only if this engine has not committed a newer version of its conversation since
 * (a burst of one candidate's messages: the second turn must see the first one's changes).
 * Anything else that changed the conversation meanwhile fails the commit's version check, which
 * re-runs the turn on fresh reads.
 */
export class TurnSnapshots {
  private readonly waiting = new Map<string, TurnSnapshot>();
  /** The version of each conversation this engine committed last. */
  private readonly committed = new Map<string, number>();

  constructor(private readonly max = 10_000) {}

  keep(snapshot: TurnSnapshot): void {
    // Bounded: a turn taken by another process (a shared queue) never collects its snapshot.
    if (this.waiting.size >= this.max) this.waiting.delete(this.waiting.keys().next().value as string);
    this.waiting.set(snapshot.message.id, snapshot);
  }

  /** The snapshot of `messageId`, once, unless its conversation has moved on since. */
  take(messageId: string): TurnSnapshot | undefined {
    const snapshot = this.waiting.get(messageId);
    if (!snapshot) return undefined;
    this.waiting.delete(messageId);
    const { id, version } = snapshot.conversation;
    return version >= (this.committed.get(id) ?? -1) ? snapshot : undefined;
  }

  /** This engine committed `conversation` (at its new version). */
  changed(conversation: Pick<Conversation, 'id' | 'version'>): void {
    if (this.committed.size >= this.max) this.committed.clear();
    this.committed.set(conversation.id, conversation.version);
  }
}
