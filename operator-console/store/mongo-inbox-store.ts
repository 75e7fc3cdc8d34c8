import type { Connection } from 'mongoose';
import { collectionOf, ensureIndexes, isDuplicateKey, type IndexSpec } from '../../core/store/mongo/index.js';
import { ConsoleError } from '../errors.js';
import type { ConsoleInboxStore, StoredInvite, StoredLabel, StoredSavedFilter } from './inbox-types.js';

const C = { labels: 'console_labels', filters: 'console_saved_filters', invites: 'console_invites' } as const;

export const INBOX_INDEXES: readonly IndexSpec[] = [
  // Label names are unique without case across nodes.
  { collection: C.labels, keys: { nameKey: 1 }, options: { unique: true, name: 'label_name_once' } },
  { collection: C.filters, keys: { operatorId: 1, createdAt: 1 } },
  { collection: C.invites, keys: { tokenHash: 1 }, options: { unique: true, name: 'invite_token_once' } },
  { collection: C.invites, keys: { acceptedAt: 1, createdAt: -1 } },
];

type LabelDoc = Omit<StoredLabel, 'id'> & { _id: string; nameKey: string };
type FilterDoc = Omit<StoredSavedFilter, 'id'> & { _id: string };
type InviteDoc = Omit<StoredInvite, 'id'> & { _id: string };

/**
 * Labels, saved filters and invites in MongoDB; same behaviour as `SqliteInboxStore`. Accepting
 * an invite is a compare-and-set on `acceptedAt`, so one link creates one operator on any node.
 */
export class MongoInboxStore implements ConsoleInboxStore {
  private constructor(private readonly conn: Connection) {}

  static async open(conn: Connection): Promise<MongoInboxStore> {
    await ensureIndexes(conn, INBOX_INDEXES);
    return new MongoInboxStore(conn);
  }

  private get labels() { return collectionOf<LabelDoc>(this.conn, C.labels); }
  private get filters() { return collectionOf<FilterDoc>(this.conn, C.filters); }
  private get invites() { return collectionOf<InviteDoc>(this.conn, C.invites); }

  async listLabels(): Promise<StoredLabel[]> {
    const docs = await this.labels.find({}).sort({ nameKey: 1, _id: 1 }).toArray();
    return docs.map(({ _id, nameKey: _key, ...rest }) => ({ id: _id, ...rest }));
  }

  async saveLabel(l: StoredLabel): Promise<void> {
    const { id, ...rest } = l;
    try {
      await this.labels.replaceOne({ _id: id }, { ...rest, nameKey: l.name.toLowerCase() }, { upsert: true });
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConsoleError('CONFLICT', `A label named "${l.name}" already exists`, { cause: err });
      throw err;
    }
  }

  async deleteLabel(id: string): Promise<boolean> {
    return (await this.labels.deleteOne({ _id: id })).deletedCount > 0;
  }

  async listSavedFilters(operatorId: string): Promise<StoredSavedFilter[]> {
    const docs = await this.filters.find({ operatorId }).sort({ createdAt: 1, _id: 1 }).toArray();
    return docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  }

  async saveSavedFilter(f: StoredSavedFilter): Promise<void> {
    const { id, ...rest } = f;
    await this.filters.replaceOne({ _id: id }, rest, { upsert: true });
  }

  async deleteSavedFilter(operatorId: string, id: string): Promise<boolean> {
    return (await this.filters.deleteOne({ _id: id, operatorId })).deletedCount > 0;
  }

  async addInvite(i: StoredInvite): Promise<void> {
    const { id, ...rest } = i;
    await this.invites.insertOne({ _id: id, ...(JSON.parse(JSON.stringify(rest)) as Omit<InviteDoc, '_id'>), createdAt: i.createdAt, expiresAt: i.expiresAt });
  }

  async findInviteByTokenHash(tokenHash: string): Promise<StoredInvite | undefined> {
    const doc = await this.invites.findOne({ tokenHash });
    if (!doc) return undefined;
    const { _id, ...rest } = doc;
    return { id: _id, ...rest };
  }

  async listOpenInvites(): Promise<StoredInvite[]> {
    const docs = await this.invites.find({ acceptedAt: { $exists: false } }).sort({ createdAt: -1, _id: 1 }).toArray();
    return docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  }

  async acceptInvite(id: string, operatorId: string, at: Date): Promise<boolean> {
    const r = await this.invites.updateOne({ _id: id, acceptedAt: { $exists: false } }, { $set: { acceptedAt: at, operatorId } });
    return r.modifiedCount > 0;
  }

  async deleteInvite(id: string): Promise<boolean> {
    return (await this.invites.deleteOne({ _id: id })).deletedCount > 0;
  }
}
