import type { Connection } from 'mongoose';
import { collectionOf, ensureIndexes, type IndexSpec } from '../../core/store/mongo/index.js';
import type { WebchatSession, WebchatSessionStore } from './sessions.js';

const COLLECTION = 'webchat_sessions';
export const WEBCHAT_SESSION_INDEXES: readonly IndexSpec[] = [
  { collection: COLLECTION, keys: { publicId: 1 } },
  { collection: COLLECTION, keys: { lastSeenAt: 1 } },
];

/** A session as stored: `_id` is the secret's SHA-256 (the secret itself is never stored). */
type SessionDoc = WebchatSession & { _id: string };

/**
 * Web chat sessions in MongoDB (collection `webchat_sessions`), keyed by the secret's hash. Same
 * behaviour as `SqliteWebchatSessionStore`, without its one-time legacy migration (there is no
 * MongoDB data from before public ids).
 *
 * @example
 * const sessions = await MongoWebchatSessionStore.open(store.connection);
 */
export class MongoWebchatSessionStore implements WebchatSessionStore {
  private constructor(private readonly conn: Connection) {}

  static async open(conn: Connection): Promise<MongoWebchatSessionStore> {
    await ensureIndexes(conn, WEBCHAT_SESSION_INDEXES);
    return new MongoWebchatSessionStore(conn);
  }

  private get col() {
    return collectionOf<SessionDoc>(this.conn, COLLECTION);
  }

  async find(secretHash: string): Promise<WebchatSession | undefined> {
    const doc = await this.col.findOne({ _id: secretHash });
    return doc ? { publicId: doc.publicId, createdAt: doc.createdAt, lastSeenAt: doc.lastSeenAt, rotate: doc.rotate } : undefined;
  }

  async create(secretHash: string, s: WebchatSession): Promise<void> {
    await this.col.insertOne({ _id: secretHash, publicId: s.publicId, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, rotate: s.rotate });
  }

  async touch(secretHash: string, at: Date): Promise<void> {
    await this.col.updateOne({ _id: secretHash }, { $set: { lastSeenAt: at } });
  }

  /**
   * `_id` cannot change in place: the session is copied under the new hash, then the old one is
   * deleted. A crash in between leaves both (the old secret works until the idle sweep), never none.
   */
  async rotate(oldHash: string, newHash: string, at: Date): Promise<void> {
    const doc = await this.col.findOne({ _id: oldHash });
    if (!doc) return;
    await this.col.replaceOne({ _id: newHash }, { publicId: doc.publicId, createdAt: doc.createdAt, lastSeenAt: at, rotate: false }, { upsert: true });
    await this.col.deleteOne({ _id: oldHash });
  }

  async delete(secretHash: string): Promise<void> {
    await this.col.deleteOne({ _id: secretHash });
  }

  async deleteIdleSince(before: Date): Promise<number> {
    return (await this.col.deleteMany({ lastSeenAt: { $lt: before } })).deletedCount;
  }
}
