import mongoose, { type Connection, type mongo } from 'mongoose';
import {
  ConcurrencyError,
  ConversationSchema,
  ErrorCodes,
  ParleyError,
  type Candidate,
  type ChannelId,
  type Conversation,
  type ConversationRef,
  type DomainEvent,
  type InboundMessage,
  type Message,
  type MessageStatus,
  type Sender,
  type Stage,
} from '../../domain/index.js';
import type { ConversationQuery, EnsureConversationResult, EventQuery, MessagePatch, RecordInboundResult, Store, TurnCommit } from '../../ports/index.js';
import { assertCandidateDates, assertConversationDates, assertEventDates, assertMessageDates } from '../codec.js';
import { inboundToMessage, newCandidate, newConversation } from '../factories.js';
import {
  DATE_FIELDS,
  all,
  candidateDocument,
  candidateFrom,
  conversationDocument,
  conversationFrom,
  decodeValue,
  encodeValue,
  eventDocument,
  eventFrom,
  messageDocument,
  messageFrom,
  toPlain,
  type Stored,
} from './documents.js';
import type { MongoDoc } from './documents.js';
import { eraseCandidateDocuments, type ErasureCounts } from './erase.js';
import { CORE_INDEXES, ensureIndexes } from './indexes.js';
import { inTransaction, isDuplicateKey, supportsTransactions } from './transactions.js';
import { collectionOf } from './collections.js';

type Session = mongo.ClientSession | undefined;
type AnyDoc = MongoDoc;

/** Hides the password of a connection string (for logs and errors). */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * The distributed store: MongoDB through mongoose (its connection and the driver's collections;
 * entities are plain documents, see `documents.ts`). On a replica set a turn's writes (the
 * conversation, candidate, replies, events, the inbound's status) commit in one transaction; the
 * conversation is updated only at the version the turn read (`ConcurrencyError` otherwise, as in
 * SQLite). On a standalone server (no transactions) the same writes run in sequence (the
 * conversation first, guarded by its version; then candidate, replies, events, the inbound's
 * status), each idempotent: a crash between them can leave a turn's state committed without its
 * replies. That mode is for development; run MongoDB as a replica set (one member is enough, as
 * the compose file does). Start-up logs which mode is on.
 *
 * @example
 * const store = await MongoStore.connect(process.env.MONGODB_URI!);
 * store.transactions; // true on a replica set
 */
export class MongoStore implements Store {
  private constructor(
    /** The mongoose connection (feature adapters share it). */
    readonly connection: Connection,
    /** True when multi-document transactions are available (replica set or mongos). */
    readonly transactions: boolean,
  ) {}

  static async connect(uri: string, dbName?: string): Promise<MongoStore> {
    let conn: Connection;
    try {
      // ignoreUndefined: an optional field left `undefined` is not stored as null (as JSON drops it).
      conn = await mongoose.createConnection(uri, { ...(dbName ? { dbName } : {}), serverSelectionTimeoutMS: 5000, ignoreUndefined: true }).asPromise();
    } catch (cause) {
      throw new ParleyError(ErrorCodes.STORE, `Cannot connect to MongoDB at ${redactUri(uri)}`, { cause });
    }
    const store = new MongoStore(conn, await supportsTransactions(conn));
    await ensureIndexes(conn, CORE_INDEXES);
    return store;
  }

  private col(name: string) {
    return collectionOf<AnyDoc>(this.connection, name);
  }
  private get candidates() { return this.col('candidates'); }
  private get conversations() { return this.col('conversations'); }
  private get messages() { return this.col('messages'); }
  private get events() { return this.col('events'); }
  private get kv() { return this.col('kv'); }

  private tx<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    return inTransaction(this.connection, this.transactions, fn);
  }

  async ensureConversation(ref: ConversationRef, sender: Sender, now: Date): Promise<EnsureConversationResult> {
    const existing = await this.findConversationByRef(ref);
    if (existing) return { conversation: existing, candidate: await this.mustCandidate(existing.candidateId), created: false };
    // The same person on another provider/channel (same phone, or same email address) is the same candidate.
    const known =
      (sender.phone ? candidateFrom(await this.candidates.findOne({ phone: sender.phone }, { sort: { createdAt: 1, _id: 1 } })) : undefined) ??
      (sender.email ? candidateFrom(await this.candidates.findOne({ email: sender.email }, { sort: { createdAt: 1, _id: 1 } })) : undefined);
    const candidate = known ?? newCandidate(sender, now);
    const conversation: Conversation = { ...newConversation(ref, candidate.id, now), stage: candidate.stage };
    try {
      await this.tx(async (session) => {
        if (!known) await this.candidates.insertOne(candidateDocument(candidate), { session });
        await this.conversations.insertOne(conversationDocument(conversation), { session });
      });
    } catch (err) {
      // Another node created the conversation first: use theirs (our candidate was rolled back,
      // or, without transactions, is left unreferenced).
      if (isDuplicateKey(err)) return this.ensureConversation(ref, sender, now);
      throw err;
    }
    return { conversation, candidate, created: true };
  }

  async recordInbound(inbound: InboundMessage, now: Date): Promise<RecordInboundResult> {
    const ensured = await this.ensureConversation(inbound.ref, inbound.sender, now);
    const message = inboundToMessage(inbound, ensured.conversation.id, now);
    assertMessageDates(message);
    try {
      await this.tx(async (session) => {
        await this.messages.insertOne(messageDocument(message), { session });
        await this.conversations.updateOne({ _id: ensured.conversation.id }, { $max: { lastActivityAt: now, lastCandidateMessageAt: now } }, { session });
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const dup = messageFrom(await this.messages.findOne({ direction: 'in', channel: inbound.ref.channel, providerMessageId: inbound.providerMessageId }));
      if (!dup) throw err;
      return { ...ensured, message: dup, duplicate: true };
    }
    const conversation = { ...ensured.conversation, lastActivityAt: now, lastCandidateMessageAt: now };
    return { ...ensured, conversation, message, duplicate: false };
  }

  async commitTurn(commit: TurnCommit): Promise<Conversation> {
    const c = commit.conversation;
    assertConversationDates(c);
    if (commit.candidate) assertCandidateDates(commit.candidate);
    commit.messages.forEach(assertMessageDates);
    commit.events.forEach(assertEventDates);
    const { _id, lastActivityAt, lastCandidateMessageAt, version, ...rest } = conversationDocument(c);
    // A field the turn dropped (the operator's name at handback) is removed, as SQLite rewrites the row.
    const dropped = Object.keys(ConversationSchema.shape).filter((k) => !(k in rest) && !KEPT_ON_COMMIT.has(k));
    return this.tx(async (session) => {
      const updated = await this.conversations.findOneAndUpdate(
        { _id: c.id, version },
        // Activity stamps move forward only: an inbound may have landed while this turn ran.
        {
          $set: { ...rest, version: version + 1 },
          $max: { lastActivityAt, ...(lastCandidateMessageAt ? { lastCandidateMessageAt } : {}) },
          ...(dropped.length ? { $unset: Object.fromEntries(dropped.map((k) => [k, '' as const])) } : {}),
        },
        { returnDocument: 'after', session },
      );
      if (!updated) {
        if (!(await this.conversations.findOne({ _id: c.id }, { session }))) throw new ParleyError(ErrorCodes.NOT_FOUND, `Conversation ${c.id} not found`);
        throw new ConcurrencyError('Conversation', c.id, version);
      }
      if (commit.candidate) await this.candidates.replaceOne({ _id: commit.candidate.id }, candidateDocument(commit.candidate), { upsert: true, session });
      await insertMissing(this.messages, commit.messages.map((m) => messageDocument(m)), session);
      await insertMissing(this.events, commit.events.map((e) => eventDocument(e)), session);
      if (commit.inboundMessageId) await this.messages.updateOne({ _id: commit.inboundMessageId }, { $set: { status: 'processed', updatedAt: c.updatedAt } }, { session });
      return conversationFrom(updated) as Conversation;
    });
  }

  async getConversation(id: string) { return conversationFrom(await this.conversations.findOne({ _id: id })); }
  async findConversationByRef(ref: ConversationRef) {
    return conversationFrom(await this.conversations.findOne({ 'ref.channel': ref.channel, 'ref.externalId': ref.externalId }));
  }
  async listConversations(q: ConversationQuery = {}): Promise<Conversation[]> {
    const filter: Record<string, unknown> = defined({ stage: q.stage, mode: q.mode, needsHuman: q.needsHuman, 'ref.channel': q.channel, candidateId: q.candidateId });
    if (q.engaged) filter.$or = [{ version: { $gt: 0 } }, { lastCandidateMessageAt: { $type: 'date' } }];
    const docs = await this.conversations.find(filter).sort({ lastActivityAt: -1, _id: 1 }).skip(q.offset ?? 0).limit(q.limit ?? 1000).toArray();
    return all(docs, conversationFrom);
  }
  async countByStage(): Promise<Partial<Record<Stage, number>>> {
    const rows = await this.candidates.aggregate<{ _id: Stage; n: number }>([{ $group: { _id: '$stage', n: { $sum: 1 } } }]).toArray();
    return Object.fromEntries(rows.map((r) => [r._id, r.n]));
  }

  async getCandidate(id: string) { return candidateFrom(await this.candidates.findOne({ _id: id })); }
  async listCandidates() { return all(await this.candidates.find().sort({ createdAt: 1, _id: 1 }).toArray(), candidateFrom); }
  async saveCandidate(candidate: Candidate): Promise<void> {
    assertCandidateDates(candidate);
    await this.candidates.replaceOne({ _id: candidate.id }, candidateDocument(candidate), { upsert: true });
  }
  private async mustCandidate(id: string): Promise<Candidate> {
    const c = await this.getCandidate(id);
    if (!c) throw new ParleyError(ErrorCodes.STORE, `Candidate ${id} is missing`);
    return c;
  }

  async getMessage(id: string) { return messageFrom(await this.messages.findOne({ _id: id })); }
  async findMessageByProviderId(channel: ChannelId, providerMessageId: string) {
    const inbound = await this.messages.findOne({ channel, providerMessageId, direction: 'in' });
    return messageFrom(inbound ?? (await this.messages.findOne({ channel, providerMessageId, direction: 'out' }, { sort: { _seq: -1 } })));
  }
  async listMessages(conversationId: string, opts: { limit?: number } = {}): Promise<Message[]> {
    const docs = await this.messages.find({ conversationId }).sort({ _seq: -1 }).limit(opts.limit ?? 500).toArray();
    return all(docs.reverse(), messageFrom);
  }
  async insertMessage(message: Message): Promise<void> {
    assertMessageDates(message);
    await insertMissing(this.messages, [messageDocument(message)], undefined);
  }
  async updateMessage(id: string, patch: MessagePatch, now: Date, events: DomainEvent[] = []): Promise<Message | undefined> {
    // Only the patch is new: validate its dates (createdAt is not patchable, it stays as stored).
    assertMessageDates({ createdAt: new Date(0), ...patch, updatedAt: now, id } as Message);
    events.forEach(assertEventDates);
    const update = patchUpdate({ ...patch, updatedAt: now });
    return this.tx(async (session) => {
      const doc = await this.messages.findOneAndUpdate({ _id: id }, update, { returnDocument: 'after', session });
      if (doc) await insertMissing(this.events, events.map((e) => eventDocument(e)), session);
      return messageFrom(doc);
    });
  }
  async listPendingInbound() { return all(await this.messages.find({ direction: 'in', status: 'pending' }).sort({ _seq: 1 }).toArray(), messageFrom); }
  async listUnsentOutbound() {
    return all(await this.messages.find({ direction: 'out', status: { $in: ['queued', 'sending'] } }).sort({ _seq: 1 }).toArray(), messageFrom);
  }
  async statusCounts(direction: 'in' | 'out'): Promise<Partial<Record<MessageStatus, number>>> {
    const rows = await this.messages.aggregate<{ _id: MessageStatus; n: number }>([{ $match: { direction } }, { $group: { _id: '$status', n: { $sum: 1 } } }]).toArray();
    return Object.fromEntries(rows.map((r) => [r._id, r.n]));
  }

  async appendEvents(events: DomainEvent[]): Promise<void> {
    events.forEach(assertEventDates);
    await this.tx((session) => insertMissing(this.events, events.map((e) => eventDocument(e)), session));
  }
  async listEvents(q: EventQuery = {}): Promise<DomainEvent[]> {
    const filter = defined({ conversationId: q.conversationId, candidateId: q.candidateId, type: q.types?.length ? { $in: q.types } : undefined, at: q.after ? { $gt: q.after } : undefined });
    return all(await this.events.find(filter).sort({ _seq: 1 }).limit(q.limit ?? 10_000).toArray(), eventFrom);
  }

  async kvGet<T = unknown>(namespace: string, key: string): Promise<T | undefined> {
    const doc = await this.kv.findOne({ namespace, key });
    return doc ? decodeValue<T>(doc.value as string) : undefined;
  }
  async kvSet(namespace: string, key: string, value: unknown): Promise<void> {
    await this.kv.updateOne({ namespace, key }, { $set: { value: encodeValue(value) } }, { upsert: true });
  }
  async kvDelete(namespace: string, key: string): Promise<void> {
    await this.kv.deleteOne({ namespace, key });
  }
  async kvList(namespace: string) {
    return (await this.kv.find({ namespace }).sort({ key: 1 }).toArray()).map((d) => ({ key: d.key as string, value: decodeValue<unknown>(d.value as string) }));
  }

  /** Remove a candidate's personal data from every collection (see `eraseCandidateDocuments`). */
  async eraseCandidate(candidateId: string, now: Date, opts: { placeholder?: string } = {}): Promise<{ counts: ErasureCounts; files: string[] }> {
    return eraseCandidateDocuments(this.connection, candidateId, now, opts.placeholder);
  }

  async ping(): Promise<void> {
    const db = this.connection.db;
    if (!db) throw new ParleyError(ErrorCodes.STORE, 'MongoDB connection is not open');
    await db.admin().ping();
  }
  async close(): Promise<void> {
    await this.connection.close();
  }
  /** Drop the whole database (tests). */
  async dropDatabase(): Promise<void> {
    await this.connection.dropDatabase();
  }
}

/** Conversation fields a commit never removes: the activity stamps only move forward, the version is bumped. */
const KEPT_ON_COMMIT = new Set(['id', 'version', 'lastActivityAt', 'lastCandidateMessageAt']);

function defined(filter: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
}

/** A message patch as an update: set fields in JSON form (dates as dates), unset `undefined` ones. */
export function patchUpdate(patch: Record<string, unknown>): { $set: Record<string, unknown>; $unset?: Record<string, ""> } {
  const set = toPlain(Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)), DATE_FIELDS.message);
  const unset = Object.keys(patch).filter((k) => patch[k] === undefined);
  return { $set: set, ...(unset.length ? { $unset: Object.fromEntries(unset.map((k) => [k, '' as const])) } : {}) };
}

/**
 * Insert documents whose `_id` is not stored yet; existing ones are left as they are (a re-run
 * turn, a redelivered send). Upserts with `$setOnInsert`, not "insert and ignore 11000": inside a
 * transaction a duplicate-key error would abort the whole transaction.
 */
async function insertMissing(col: { bulkWrite(ops: mongo.AnyBulkWriteOperation<AnyDoc>[], opts: mongo.BulkWriteOptions): Promise<unknown> }, docs: Stored<object>[], session: Session): Promise<void> {
  if (docs.length === 0) return;
  await col.bulkWrite(
    // The upsert takes `_id` from the filter; `$setOnInsert` sets the rest.
    docs.map(({ _id, ...rest }) => ({ updateOne: { filter: { _id }, update: { $setOnInsert: rest }, upsert: true } })),
    { ordered: true, ...(session ? { session } : {}) },
  );
}
