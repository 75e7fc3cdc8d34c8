import type { Message } from '../../core/domain/index.js';
import type { ConversationStatus, NotificationKind, OperatorProfile, OperatorRole, RiskSummary } from '../contract.js';

/** A console user. The password is kept only as a bcrypt hash. */
export interface Operator extends OperatorProfile {
  passwordHash: string;
  active: boolean;
  /**
   * Tokens carry the version they were issued under; a token with another version is refused.
   * Bumped on password change, deactivation and logout, so those end every session at once.
   */
  tokenVersion: number;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt?: Date;
}

export interface NewOperator {
  email: string;
  name: string;
  role: OperatorRole;
  passwordHash: string;
}

export type OperatorPatch = Partial<Pick<Operator, 'name' | 'role' | 'passwordHash' | 'active' | 'lastLoginAt'>>;

/**
 * Operator accounts. Embedded: SQLite tables beside the core's; a MongoDB version implements the
 * same interface. Emails are unique, compared without case.
 */
export interface OperatorStore {
  count(): Promise<number>;
  /** Throws `ConsoleError('CONFLICT')` when the email is taken. */
  create(operator: NewOperator, now: Date): Promise<Operator>;
  findById(id: string): Promise<Operator | undefined>;
  findByEmail(email: string): Promise<Operator | undefined>;
  list(): Promise<Operator[]>;
  /**
   * Apply `patch`. A new password hash or a deactivation also bumps `tokenVersion` (in the same
   * write), so every token issued before stops working.
   */
  update(id: string, patch: OperatorPatch, now: Date): Promise<Operator | undefined>;
  /** Bump `tokenVersion` (sign out everywhere); undefined when there is no such operator. */
  revokeSessions(id: string, now: Date): Promise<Operator | undefined>;
  /**
   * Called with the operator's id after a change that ends their sessions (password, deactivation,
   * logout) made in this process through any store on the same database. Other processes (the
   * CLI) are noticed by the console's periodic re-check. Returns the unsubscribe function.
   */
  onSessionsRevoked(listener: (operatorId: string) => void): () => void;
}

export interface StoredNotification {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  conversationId?: string;
  /** Unset: every operator sees it. */
  operatorId?: string;
  createdAt: Date;
}

export interface StoredNote {
  id: string;
  conversationId: string;
  operatorId: string;
  text: string;
  createdAt: Date;
}

export interface StoredCannedResponse {
  id: string;
  title: string;
  text: string;
  createdBy: string;
  /** Seen only by its author (absent: shared with every operator, as every older row is). */
  personal?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * What the conversation list shows that cannot be read off the conversation or its messages. The
 * last message's preview is not kept here: it is read with the marks (`getListMarks`), so a
 * reply costs no marks write.
 */
export interface ConversationMarks {
  conversationId: string;
  /** Candidate messages since an operator last opened the conversation. */
  unread: number;
  /** The conversation's needs-human flag as the console last saw it (to notice it turning on). */
  needsHuman: boolean;
  risk?: RiskSummary;
  /** Team status (absent: open); see `ConversationStatus`. */
  status?: ConversationStatus;
  snoozedUntil?: string;
  /** The operator it is assigned to (absent: nobody). */
  assigneeId?: string;
  /** Ids of the labels on it. */
  labels?: string[];
}

/**
 * A change made to stored marks in place (`ConsoleWorkspaceStore.changeMarks`): what a message or
 * an assessment does to the list row, without reading the row first.
 */
export interface MarksChange {
  /** Added to `unread`. */
  unreadBy?: number;
  /** Back to `open` with no snooze (a candidate wrote). */
  reopen?: boolean;
  /** The new risk; a stored one with a later `at` stays. */
  risk?: RiskSummary;
  /** The needs-human flag as the console now sees it. */
  needsHuman?: boolean;
}

/**
 * A list row's stored part and its last message, read together. The last message is the newest
 * (in insertion order) of those the list shows: an inbound message once its turn was processed,
 * an outbound one once sent (then delivered, read) or failed; not one still queued or mid-send,
 * nor one the outbound policy suppressed. These are the messages whose `MessageReceived`,
 * `MessageSent` or `MessageFailed` event is published.
 */
export interface ListMarks {
  /** Undefined when none are stored yet. */
  marks?: ConversationMarks;
  lastMessage?: Message;
}

export interface NotificationQuery {
  /** Only notifications created at or after this (an operator sees what came after they joined). */
  visibleFrom?: Date;
  /** Only notifications created strictly after this. */
  after?: Date;
  unreadOnly?: boolean;
  limit?: number;
}

/**
 * The console workspace port: notifications and their read state, notes, canned responses and
 * list marks (the console's own data). Adapters: `SqliteConsoleStore` (embedded), MongoDB.
 */
export interface ConsoleWorkspaceStore {
  /**
   * Persist a notification. With `dedupeSince`, nothing is written (false is returned) when the
   * same conversation already got a notification of the same kind since then.
   */
  addNotification(n: StoredNotification, dedupeSince?: Date): Promise<boolean>;
  listNotifications(operatorId: string, query?: NotificationQuery): Promise<(StoredNotification & { read: boolean })[]>;
  countUnreadNotifications(operatorId: string, visibleFrom?: Date): Promise<number>;
  markNotificationsRead(operatorId: string, ids: readonly string[] | 'all', now: Date): Promise<void>;

  addNote(note: StoredNote): Promise<void>;
  listNotes(conversationId: string): Promise<StoredNote[]>;

  listCannedResponses(): Promise<StoredCannedResponse[]>;
  getCannedResponse(id: string): Promise<StoredCannedResponse | undefined>;
  saveCannedResponse(canned: StoredCannedResponse): Promise<void>;
  deleteCannedResponse(id: string): Promise<boolean>;

  getMarks(conversationId: string): Promise<ConversationMarks | undefined>;
  /** The marks with the conversation's last listed message (see `ListMarks`): one indexed look-up each. */
  getListMarks(conversationId: string): Promise<ListMarks>;
  saveMarks(marks: ConversationMarks): Promise<void>;
  /**
   * Apply `change` to the stored marks in one atomic write (no read first, so changes from several
   * processes all count); the marks after it, or undefined (nothing written) when none are stored.
   */
  changeMarks(conversationId: string, change: MarksChange): Promise<ConversationMarks | undefined>;
}

/** The workspace port under its first name (kept for existing imports). */
export type ConsoleStore = ConsoleWorkspaceStore;
