import type { InboxQuery, OperatorRole } from '../contract.js';

/** A team-wide label operators put on conversations. */
export interface StoredLabel {
  id: string;
  name: string;
  /** A CSS colour such as `#2563eb`. */
  color: string;
  createdBy: string;
  createdAt: Date;
}

/** One operator's saved list view (filter, status, label, search). */
export interface StoredSavedFilter {
  id: string;
  operatorId: string;
  name: string;
  query: InboxQuery;
  createdAt: Date;
}

/** A one-time invitation to join the console. Only the token's SHA-256 is kept. */
export interface StoredInvite {
  id: string;
  tokenHash: string;
  email: string;
  role: OperatorRole;
  name?: string;
  invitedBy: string;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt?: Date;
  /** The operator the invite created. */
  operatorId?: string;
}

/**
 * The console inbox port: labels, saved filters and operator invites. (Which labels a
 * conversation carries and who it is assigned to live in its marks, `ConsoleWorkspaceStore`.)
 * Adapters: `SqliteInboxStore` (embedded), `MongoInboxStore`.
 */
export interface ConsoleInboxStore {
  listLabels(): Promise<StoredLabel[]>;
  /** Throws `ConsoleError('CONFLICT')` when another label has the same name (without case). */
  saveLabel(label: StoredLabel): Promise<void>;
  deleteLabel(id: string): Promise<boolean>;

  listSavedFilters(operatorId: string): Promise<StoredSavedFilter[]>;
  saveSavedFilter(filter: StoredSavedFilter): Promise<void>;
  /** Only the operator's own; false when they have none with this id. */
  deleteSavedFilter(operatorId: string, id: string): Promise<boolean>;

  addInvite(invite: StoredInvite): Promise<void>;
  findInviteByTokenHash(tokenHash: string): Promise<StoredInvite | undefined>;
  /** Invites not yet accepted, newest first. */
  listOpenInvites(): Promise<StoredInvite[]>;
  /**
   * Mark the invite accepted by `operatorId`, once: false when it was accepted already (two
   * clicks on one link create one operator).
   */
  acceptInvite(id: string, operatorId: string, at: Date): Promise<boolean>;
  deleteInvite(id: string): Promise<boolean>;
}
