import { createHash, randomBytes } from 'node:crypto';

/**
 * A web chat session. The browser holds a random secret; the server keeps only its SHA-256 (a
 * 144-bit random token needs no slow hash) and the session's public id, which is what the rest
 * of Parley sees: the conversation's external id, the candidate's `authorId`, room names.
 */
export interface WebchatSession {
  publicId: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** Issue a new secret on the next connection (a secret from before public ids existed). */
  rotate: boolean;
}

/**
 * The web chat sessions port: sessions keyed by the secret's hash. Adapters:
 * `SqliteWebchatSessionStore` (sqlite-sessions.ts, embedded), MongoDB.
 */
export interface WebchatSessionStore {
  find(secretHash: string): Promise<WebchatSession | undefined>;
  create(secretHash: string, session: WebchatSession): Promise<void>;
  touch(secretHash: string, at: Date): Promise<void>;
  /** Replace the secret (its hash) of a session; the old secret stops working. */
  rotate(oldHash: string, newHash: string, at: Date): Promise<void>;
  delete(secretHash: string): Promise<void>;
  /** Remove sessions last seen before `before`; returns how many. */
  deleteIdleSince(before: Date): Promise<number>;
}

/** A new session secret for the browser: 18 random bytes, base64url (24 characters). */
export function newSessionSecret(): string {
  return randomBytes(18).toString('base64url');
}

/** The public id operators see: `wc_` and 12 random bytes. Unrelated to the secret. */
export function newPublicId(): string {
  return `wc_${randomBytes(12).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
