import type { Connection } from 'mongoose';
import { messageFrom } from '../../core/store/mongo/documents.js';
import { collectionOf, ensureIndexes, isDuplicateKey, type IndexSpec } from '../../core/store/mongo/index.js';
import type { ConsoleWorkspaceStore, ConversationMarks, ListMarks, MarksChange, NotificationQuery, StoredCannedResponse, StoredNote, StoredNotification } from './types.js';

const C = {
  notifications: 'console_notifications',
  reads: 'console_notification_reads',
  dedupe: 'console_notification_dedupe',
  notes: 'console_notes',
  canned: 'console_canned_responses',
  marks: 'console_conversation_marks',
} as const;

export const WORKSPACE_INDEXES: readonly IndexSpec[] = [
  { collection: C.notifications, keys: { createdAt: -1, _id: -1 } },
  { collection: C.notifications, keys: { conversationId: 1, kind: 1, createdAt: -1 } },
  { collection: C.reads, keys: { operatorId: 1, notificationId: 1 }, options: { unique: true, name: 'read_once' } },
  { collection: C.notes, keys: { conversationId: 1, createdAt: 1, _id: 1 } },
];

type NotificationDoc = Omit<StoredNotification, 'id'> & { _id: string };
type ReadDoc = { _id: string; notificationId: string; operatorId: string; readAt: Date };
type DedupeDoc = { _id: string; at: Date };
type NoteDoc = Omit<StoredNote, 'id'> & { _id: string };
type CannedDoc = Omit<StoredCannedResponse, 'id'> & { _id: string };
type MarksDoc = Omit<ConversationMarks, 'conversationId'> & { _id: string };

/**
 * The console workspace in MongoDB: notifications (+ per-operator read marks), notes, canned
 * responses and list marks. Same behaviour as `SqliteConsoleStore`. The notification dedupe
 * ("at most one of a kind per conversation since T") holds across nodes: a marker document per
 * (conversation, kind) is moved forward only when it is older than T, and the losing node's
 * upsert hits the `_id` index (duplicate key), so exactly one node writes the notification.
 */
export class MongoWorkspaceStore implements ConsoleWorkspaceStore {
  private constructor(private readonly conn: Connection) {}

  static async open(conn: Connection): Promise<MongoWorkspaceStore> {
    await ensureIndexes(conn, WORKSPACE_INDEXES);
    return new MongoWorkspaceStore(conn);
  }

  private get notifications() { return collectionOf<NotificationDoc>(this.conn, C.notifications); }
  private get reads() { return collectionOf<ReadDoc>(this.conn, C.reads); }
  private get dedupe() { return collectionOf<DedupeDoc>(this.conn, C.dedupe); }
  private get notes() { return collectionOf<NoteDoc>(this.conn, C.notes); }
  private get canned() { return collectionOf<CannedDoc>(this.conn, C.canned); }
  private get marks() { return collectionOf<MarksDoc>(this.conn, C.marks); }
  /** The core store's messages (read only: the list's last message). */
  private get messages() { return collectionOf<Record<string, unknown>>(this.conn, 'messages'); }

  async addNotification(n: StoredNotification, dedupeSince?: Date): Promise<boolean> {
    if (n.conversationId) {
      const _id = `${n.conversationId}:${n.kind}`;
      try {
        // Every notification of a conversation moves its marker (a later deduped one sees it).
        if (dedupeSince) await this.dedupe.updateOne({ _id, at: { $lt: dedupeSince } }, { $max: { at: n.createdAt } }, { upsert: true });
        else await this.dedupe.updateOne({ _id }, { $max: { at: n.createdAt } }, { upsert: true });
      } catch (err) {
        if (dedupeSince && isDuplicateKey(err)) return false;
        throw err;
      }
    }
    const { id, ...rest } = n;
    await this.notifications.insertOne({ _id: id, ...withoutUndefined(rest) });
    return true;
  }

  async listNotifications(operatorId: string, query: NotificationQuery = {}): Promise<(StoredNotification & { read: boolean })[]> {
    const rows = await this.notifications
      .aggregate<NotificationDoc & { reads: unknown[] }>([
        { $match: visible(operatorId, query.visibleFrom, query.after) },
        { $sort: { createdAt: -1, _id: -1 } },
        { $lookup: { from: C.reads, let: { id: '$_id' }, pipeline: [{ $match: { $expr: { $and: [{ $eq: ['$notificationId', '$$id'] }, { $eq: ['$operatorId', operatorId] }] } } }], as: 'reads' } },
        ...(query.unreadOnly ? [{ $match: { reads: { $size: 0 } } }] : []),
        { $limit: query.limit ?? 100 },
      ])
      .toArray();
    return rows.map(({ _id, reads, ...rest }) => ({ id: _id, ...rest, read: reads.length > 0 }));
  }

  async countUnreadNotifications(operatorId: string, visibleFrom?: Date): Promise<number> {
    const [row] = await this.notifications
      .aggregate<{ n: number }>([
        { $match: visible(operatorId, visibleFrom) },
        { $lookup: { from: C.reads, let: { id: '$_id' }, pipeline: [{ $match: { $expr: { $and: [{ $eq: ['$notificationId', '$$id'] }, { $eq: ['$operatorId', operatorId] }] } } }], as: 'reads' } },
        { $match: { reads: { $size: 0 } } },
        { $count: 'n' },
      ])
      .toArray();
    return row?.n ?? 0;
  }

  async markNotificationsRead(operatorId: string, ids: readonly string[] | 'all', now: Date): Promise<void> {
    const targets = ids === 'all' ? (await this.notifications.find(visible(operatorId), { projection: { _id: 1 } }).toArray()).map((d) => d._id) : [...ids];
    if (!targets.length) return;
    // First read wins (as INSERT OR IGNORE): an upsert that only sets on insert.
    await this.reads.bulkWrite(
      targets.map((id) => ({ updateOne: { filter: { _id: `${id}:${operatorId}` }, update: { $setOnInsert: { notificationId: id, operatorId, readAt: now } }, upsert: true } })),
      { ordered: false },
    );
  }

  async addNote(note: StoredNote): Promise<void> {
    const { id, ...rest } = note;
    await this.notes.insertOne({ _id: id, ...rest });
  }

  async listNotes(conversationId: string): Promise<StoredNote[]> {
    return (await this.notes.find({ conversationId }).sort({ createdAt: 1, _id: 1 }).toArray()).map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  }

  async listCannedResponses(): Promise<StoredCannedResponse[]> {
    const all = (await this.canned.find().toArray()).map(cannedFrom);
    // As SQLite's `ORDER BY title COLLATE NOCASE, id`: ASCII case folded only.
    const fold = (s: string) => s.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
    return all.sort((a, b) => (fold(a.title) < fold(b.title) ? -1 : fold(a.title) > fold(b.title) ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async getCannedResponse(id: string): Promise<StoredCannedResponse | undefined> {
    const doc = await this.canned.findOne({ _id: id });
    return doc ? cannedFrom(doc) : undefined;
  }

  async saveCannedResponse(c: StoredCannedResponse): Promise<void> {
    // An edit keeps who created it and when (as the SQLite upsert does).
    await this.canned.updateOne({ _id: c.id }, { $set: { title: c.title, text: c.text, personal: c.personal === true, updatedAt: c.updatedAt }, $setOnInsert: { createdBy: c.createdBy, createdAt: c.createdAt } }, { upsert: true });
  }

  async deleteCannedResponse(id: string): Promise<boolean> {
    return (await this.canned.deleteOne({ _id: id })).deletedCount > 0;
  }

  async getMarks(conversationId: string): Promise<ConversationMarks | undefined> {
    return marksFrom(await this.marks.findOne({ _id: conversationId }));
  }

  async getListMarks(conversationId: string): Promise<ListMarks> {
    // As SQLite's: the newest listed message by insertion order, walking the core's `{ conversationId, _seq }`
    // index back (hinted: never the status index, which would gather every sent message).
    const listed = { $or: [{ direction: 'in', status: 'processed' }, { direction: 'out', status: { $in: ['sent', 'delivered', 'read', 'failed'] } }] };
    const [marks, last] = await Promise.all([this.getMarks(conversationId), this.messages.findOne({ conversationId, ...listed }, { sort: { _seq: -1 }, hint: { conversationId: 1, _seq: 1 } })]);
    const lastMessage = messageFrom(last);
    return { ...(marks ? { marks } : {}), ...(lastMessage ? { lastMessage } : {}) };
  }

  async saveMarks(marks: ConversationMarks): Promise<void> {
    // In JSON form (as SQLite keeps them), as fields: the public API filters candidates on `risk`.
    const { conversationId, ...rest } = JSON.parse(JSON.stringify(marks)) as ConversationMarks;
    await this.marks.replaceOne({ _id: conversationId }, rest, { upsert: true });
  }

  async changeMarks(conversationId: string, change: MarksChange): Promise<ConversationMarks | undefined> {
    // An update pipeline: one atomic write that sees the stored risk (values as $literal, so a
    // text starting with `$` is never read as a field path).
    const set: Record<string, unknown> = { unread: { $add: ['$unread', change.unreadBy ?? 0] } };
    if (change.reopen) set.status = { $literal: 'open' };
    if (change.needsHuman !== undefined) set.needsHuman = { $literal: change.needsHuman };
    if (change.risk) {
      // A stored risk assessed later stays (as SQLite's `json_extract(doc, '$.risk.at') <= @riskAt`).
      const risk = JSON.parse(JSON.stringify(change.risk)) as typeof change.risk;
      const none = { $in: [{ $type: '$risk.at' }, ['missing', 'null']] };
      set.risk = { $cond: [{ $and: [{ $not: [none] }, { $gt: ['$risk.at', { $literal: risk.at }] }] }, '$risk', { $literal: risk }] };
    }
    const pipeline = [{ $set: set }, ...(change.reopen ? [{ $unset: 'snoozedUntil' }] : [])];
    return marksFrom(await this.marks.findOneAndUpdate({ _id: conversationId }, pipeline, { returnDocument: 'after' }));
  }
}

/** Marks as read back; a preview stored by an older version (`lastMessage`) is left out, as SQLite's migration 5 removed it. */
function marksFrom(doc: (MarksDoc & { lastMessage?: unknown }) | null): ConversationMarks | undefined {
  if (!doc) return undefined;
  const { _id, lastMessage: _stale, ...rest } = doc;
  return { conversationId: _id, ...rest };
}

/** Notifications an operator sees: everyone's and their own, created at/after `from` and after `after`. */
function visible(operatorId: string, from?: Date, after?: Date): Record<string, unknown> {
  const createdAt: Record<string, Date> = {};
  if (from) createdAt.$gte = from;
  if (after) createdAt.$gt = after;
  return { $or: [{ operatorId: { $exists: false } }, { operatorId }], ...(from || after ? { createdAt } : {}) };
}

function cannedFrom({ _id, personal, ...rest }: CannedDoc): StoredCannedResponse {
  return { id: _id, ...rest, ...(personal ? { personal: true } : {}) };
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
