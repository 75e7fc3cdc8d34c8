import type { ConversationStatus, MessagePreview, NotificationKind, OperatorProfile, OperatorRole, RiskSummary } from '../contract.js';

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

/** What the conversation list shows without reading each conversation's messages. */
export interface ConversationMarks {
  conversationId: string;
  /** Candidate messages since an operator last opened the conversation. */
  unread: number;
  /** The conversation's needs-human flag as the console last saw it (to notice it turning on). */
  needsHuman: boolean;
  lastMessage?: MessagePreview;
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
 * A change made to stored marks in place (`ConsoleWorkspaceStore.changeMarks`): what a message
 * does to the list row, without reading the row first.
 */
export interface MarksChange {
  /** Added to `unread`. */
  unreadBy?: number;
  /** Back to `open` with no snooze (a candidate wrote). */
  reopen?: boolean;
  /** The new preview; the stored one stays when it is of another message and newer (`at`). */
  lastMessage?: MessagePreview;
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
  saveMarks(marks: ConversationMarks): Promise<void>;
  /**
   * Apply `change` to the stored marks in one atomic write (no read first, so changes from several
   * processes all count); the marks after it, or undefined (nothing written) when none are stored.
   */
  changeMarks(conversationId: string, change: MarksChange): Promise<ConversationMarks | undefined>;
}

/** The workspace port under its first name (kept for existing imports). */
export type ConsoleStore = ConsoleWorkspaceStore;
