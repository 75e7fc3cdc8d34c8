import type {
  Candidate,
  ChannelId,
  Conversation,
  ConversationMode,
  ConversationRef,
  DomainEvent,
  DomainEventType,
  InboundMessage,
  Message,
  MessageStatus,
  Sender,
  Stage,
} from '../domain/index.js';
import type { KeyValueStore } from './key-value.js';

export interface EnsureConversationResult {
  conversation: Conversation;
  candidate: Candidate;
  created: boolean;
}

export interface RecordInboundResult extends EnsureConversationResult {
  message: Message;
  /** True when `(channel, providerMessageId)` was already stored: nothing was written. */
  duplicate: boolean;
}

/** Everything one turn changes, written atomically (and idempotently: message ids are stable). */
export interface TurnCommit {
  /** The inbound message this turn processed; marked `processed`. */
  inboundMessageId?: string;
  /** The conversation as the turn read it (`version`) with the turn's changes. */
  conversation: Conversation;
  candidate?: Candidate;
  /** New messages to insert (ids already set; an id already stored is skipped). */
  messages: Message[];
  events: DomainEvent[];
}

export interface ConversationQuery {
  stage?: Stage;
  mode?: ConversationMode;
  needsHuman?: boolean;
  channel?: ChannelId;
  candidateId?: string;
  /**
   * Only conversations with something in them: the candidate wrote, or a turn or an operator
   * changed it (not an empty chat page). Filtered in the query, before `limit`.
   */
  engaged?: boolean;
  limit?: number;
  offset?: number;
}

export interface EventQuery {
  conversationId?: string;
  candidateId?: string;
  types?: DomainEventType[];
  /** Events strictly after this time. */
  after?: Date;
  limit?: number;
}

export type MessagePatch = Partial<
  Pick<Message, 'status' | 'providerMessageId' | 'error' | 'attempts' | 'media' | 'text' | 'kind' | 'suppressedReason' | 'lastAttemptAt' | 'partsSent'>
>;

/**
 * `immediate`: commit this write on its own, now, rather than with the next group commit. The
 * outbound dispatcher uses it around provider calls, so `sending` is durable before the call and
 * `sent` right after the acknowledgement (what bounds duplicates after a `kill -9`).
 */
export interface WriteOptions {
  immediate?: boolean;
  /**
   * Committed once the promise jobs already queued have run (a microtask), with every other write
   * made meanwhile, instead of one transaction each (`immediate`) or at the next group commit (an
   * event-loop turn later). The outbound dispatcher's `sent` marks of sends acknowledged in process
   * (web chat): the replies acknowledged in the same burst share one COMMIT, in the same event-loop
   * turn as their sends. A store that has no group commit writes it as it writes any other.
   */
  soon?: boolean;
}

/**
 * Persistence for the core. Embedded (SQLite) by default, MongoDB when distributed; both pass
 * the same contract suite (`core/store/contract.ts`).
 */
export interface Store extends KeyValueStore {
  /** Find or create the conversation (and its candidate) for a reference. */
  ensureConversation(ref: ConversationRef, sender: Sender, now: Date): Promise<EnsureConversationResult>;
  /**
   * Persist an inbound message (status `pending`) before the provider is acknowledged.
   * Deduplicates on `(channel, providerMessageId)`.
   */
  recordInbound(inbound: InboundMessage, now: Date): Promise<RecordInboundResult>;
  /** Apply a turn atomically. Throws `ConcurrencyError` if the conversation's version moved. */
  commitTurn(commit: TurnCommit): Promise<Conversation>;

  getConversation(id: string): Promise<Conversation | undefined>;
  findConversationByRef(ref: ConversationRef): Promise<Conversation | undefined>;
  listConversations(query?: ConversationQuery): Promise<Conversation[]>;
  countByStage(): Promise<Partial<Record<Stage, number>>>;

  getCandidate(id: string): Promise<Candidate | undefined>;
  listCandidates(): Promise<Candidate[]>;
  saveCandidate(candidate: Candidate): Promise<void>;

  getMessage(id: string): Promise<Message | undefined>;
  findMessageByProviderId(channel: ChannelId, providerMessageId: string): Promise<Message | undefined>;
  /** Oldest first. `limit` keeps the newest N. */
  listMessages(conversationId: string, opts?: { limit?: number }): Promise<Message[]>;
  /** Insert a message that is not part of a turn (operator replies, proactive sends). Idempotent on id. */
  insertMessage(message: Message): Promise<void>;
  /** Patch a message; `events` are appended in the same transaction (e.g. `MessageSent`). */
  updateMessage(id: string, patch: MessagePatch, now: Date, events?: DomainEvent[], opts?: WriteOptions): Promise<Message | undefined>;
  /** Inbound messages persisted but never processed, oldest first (re-driven on start). */
  listPendingInbound(): Promise<Message[]>;
  /** Outbound messages queued or mid-send, oldest first (re-driven on start). */
  listUnsentOutbound(): Promise<Message[]>;
  statusCounts(direction: 'in' | 'out'): Promise<Partial<Record<MessageStatus, number>>>;

  appendEvents(events: DomainEvent[]): Promise<void>;
  listEvents(query?: EventQuery): Promise<DomainEvent[]>;

  // Small key/value documents (adapter auth state, settings): see KeyValueStore (key-value.ts).

  /**
   * Optional (the embedded store has it): remove a candidate's personal data from every table,
   * keeping ids, stages and the audit trail; message texts become `placeholder`. Returns stored
   * media paths for the caller to delete.
   */
  eraseCandidate?(candidateId: string, now: Date, opts?: { placeholder?: string }): Promise<{ counts: Record<string, number>; files: string[] }>;
  /** Optional: reclaim free space so erased data leaves no copy on disk (VACUUM + WAL truncate). */
  compact?(): Promise<void>;

  /** Throws if the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
