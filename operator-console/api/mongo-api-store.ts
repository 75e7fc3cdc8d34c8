import type { Connection } from 'mongoose';
import type { Candidate, DomainEvent } from '../../core/domain/index.js';
import { collectionOf, candidateFrom, ensureIndexes, eventFrom, isDuplicateKey, type IndexSpec } from '../../core/store/mongo/index.js';
import type { ApiKey } from './keys.js';
import { MongoWebhookStore } from './mongo-webhook-store.js';
import type { ApiKeyRepository, AtsLink, AtsStore, AuditFilter, CandidateFilter, IdempotencyStore, IdempotentReply, PublicApiQueries, PublicApiStore } from './ports.js';

const C = { keys: 'api_keys', idempotency: 'api_idempotency', atsEvents: 'ats_events', atsCandidates: 'ats_candidates' } as const;

export const API_INDEXES: readonly IndexSpec[] = [
  { collection: C.keys, keys: { hash: 1 }, options: { unique: true, name: 'key_hash' } },
  { collection: C.keys, keys: { createdAt: 1, _id: 1 } },
];

/**
 * The public API's ports in MongoDB (collections named like the SQLite tables: `api_keys`,
 * `api_idempotency`, `ats_events`, `ats_candidates`, `webhook_*`). Composite keys are `_id`s
 * (JSON of the parts), so "first one wins" is the `_id` index, across nodes too.
 *
 * @example
 * const api = await mongoPublicApiStore(store.connection, store.transactions);
 */
export async function mongoPublicApiStore(conn: Connection, transactions: boolean): Promise<PublicApiStore> {
  await ensureIndexes(conn, API_INDEXES);
  return {
    keys: new MongoApiKeyRepository(conn),
    idempotency: new MongoIdempotencyStore(conn),
    webhooks: await MongoWebhookStore.open(conn, transactions),
    ats: new MongoAtsStore(conn),
    queries: new MongoPublicApiQueries(conn),
  };
}

/** The `_id` of a composite key. */
export const compositeId = (...parts: string[]): string => JSON.stringify(parts);

type KeyDoc = Omit<ApiKey, 'id'> & { _id: string; hash: string };

export class MongoApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly conn: Connection) {}
  private get col() { return collectionOf<KeyDoc>(this.conn, C.keys); }

  async insert(k: ApiKey, hash: string): Promise<void> {
    const { id, lastUsedAt, revokedAt, ...rest } = k;
    // Unset dates are absent, never null: `revoke` looks for a key without `revokedAt`.
    await this.col.insertOne({ _id: id, ...rest, hash, ...(lastUsedAt ? { lastUsedAt } : {}), ...(revokedAt ? { revokedAt } : {}) });
  }
  async get(id: string): Promise<ApiKey | undefined> {
    return keyFrom(await this.col.findOne({ _id: id }));
  }
  async findByHash(hash: string): Promise<ApiKey | undefined> {
    return keyFrom(await this.col.findOne({ hash }));
  }
  async list(): Promise<ApiKey[]> {
    return (await this.col.find().sort({ createdAt: 1, _id: 1 }).toArray()).map((d) => keyFrom(d) as ApiKey);
  }
  async revoke(id: string, now: Date): Promise<boolean> {
    return (await this.col.updateOne({ _id: id, revokedAt: { $exists: false } }, { $set: { revokedAt: now } })).modifiedCount > 0;
  }
  async touch(id: string, now: Date): Promise<void> {
    await this.col.updateOne({ _id: id }, { $set: { lastUsedAt: now } });
  }
}

function keyFrom(d: KeyDoc | null): ApiKey | undefined {
  if (!d) return undefined;
  const { _id, hash: _hash, lastUsedAt, revokedAt, ...rest } = d;
  return { id: _id, ...rest, ...(lastUsedAt ? { lastUsedAt } : {}), ...(revokedAt ? { revokedAt } : {}) };
}

type ReplyDoc = IdempotentReply & { _id: string };

export class MongoIdempotencyStore implements IdempotencyStore {
  constructor(private readonly conn: Connection) {}
  private get col() { return collectionOf<ReplyDoc>(this.conn, C.idempotency); }

  async get(principal: string, key: string): Promise<IdempotentReply | undefined> {
    const d = await this.col.findOne({ _id: compositeId(principal, key) });
    return d ? { fingerprint: d.fingerprint, status: d.status, body: d.body, createdAt: d.createdAt } : undefined;
  }
  async put(principal: string, key: string, r: IdempotentReply): Promise<void> {
    await this.col.replaceOne({ _id: compositeId(principal, key) }, { fingerprint: r.fingerprint, status: r.status, body: r.body, createdAt: r.createdAt }, { upsert: true });
  }
}

type AtsEventDoc = { _id: string; type: string; status: 'processing' | 'done'; receivedAt: Date };
type AtsLinkDoc = { _id: string; candidateId: string; conversationId?: string };

export class MongoAtsStore implements AtsStore {
  constructor(private readonly conn: Connection) {}
  private get events() { return collectionOf<AtsEventDoc>(this.conn, C.atsEvents); }
  private get links() { return collectionOf<AtsLinkDoc>(this.conn, C.atsCandidates); }

  async claimEvent(source: string, eventId: string, type: string, now: Date): Promise<boolean> {
    try {
      await this.events.insertOne({ _id: compositeId(source, eventId), type, status: 'processing', receivedAt: now });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }
  async finishEvent(source: string, eventId: string): Promise<void> {
    await this.events.updateOne({ _id: compositeId(source, eventId) }, { $set: { status: 'done' } });
  }
  async releaseEvent(source: string, eventId: string): Promise<void> {
    await this.events.deleteOne({ _id: compositeId(source, eventId) });
  }
  async findCandidate(source: string, atsId: string): Promise<AtsLink | undefined> {
    const d = await this.links.findOne({ _id: compositeId(source, atsId) });
    return d ? { candidateId: d.candidateId, ...(d.conversationId ? { conversationId: d.conversationId } : {}) } : undefined;
  }
  async linkCandidate(source: string, atsId: string, link: AtsLink): Promise<void> {
    await this.links.updateOne({ _id: compositeId(source, atsId) }, { $setOnInsert: { candidateId: link.candidateId, ...(link.conversationId ? { conversationId: link.conversationId } : {}) } }, { upsert: true });
  }
}

/** The candidate list and the audit log, from the core's collections (and the console's marks). */
export class MongoPublicApiQueries implements PublicApiQueries {
  constructor(private readonly conn: Connection) {}
  private col(name: string) { return collectionOf<{ _id: string } & Record<string, unknown>>(this.conn, name); }

  async listCandidates(filter: CandidateFilter, afterId: string, limit: number): Promise<Candidate[]> {
    const and: Record<string, unknown>[] = [{ _id: { $gt: afterId } }];
    if (filter.stage) and.push({ stage: filter.stage });
    if (filter.role) and.push({ role: filter.role });
    if (filter.updatedSince) and.push({ updatedAt: { $gte: filter.updatedSince } });
    if (filter.channel) and.push({ _id: { $in: await this.col('conversations').distinct('candidateId', { 'ref.channel': filter.channel }) } });
    if (filter.risk) {
      const marks = await this.col('console_conversation_marks').find(filter.risk === 'at-risk' ? { 'risk.atRisk': true } : { 'risk.level': filter.risk }, { projection: { _id: 1 } }).toArray();
      and.push({ _id: { $in: await this.col('conversations').distinct('candidateId', { _id: { $in: marks.map((m) => m._id) } }) } });
    }
    if (filter.q) {
      const like = { $regex: filter.q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), $options: 'i' };
      and.push({ $or: [{ name: like }, { email: like }, { phone: like }] });
    }
    const docs = await this.col('candidates').find({ $and: and }).sort({ _id: 1 }).limit(limit).toArray();
    return docs.map((d) => candidateFrom(d) as Candidate);
  }

  async listAudit(filter: AuditFilter, limit: number): Promise<DomainEvent[]> {
    const at: Record<string, Date> = {};
    if (filter.since) at.$gte = filter.since;
    if (filter.until) at.$lte = filter.until;
    const query = {
      ...(filter.candidateId ? { candidateId: filter.candidateId } : {}),
      ...(filter.type ? { type: filter.type } : {}),
      ...(filter.actor ? { actor: filter.actor } : {}),
      ...(Object.keys(at).length ? { at } : {}),
    };
    const docs = await this.col('events').find(query).sort({ _seq: -1 }).limit(limit).toArray();
    return docs.map((d) => eventFrom(d) as DomainEvent);
  }
}
