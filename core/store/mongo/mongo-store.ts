import mongoose, { type Connection } from 'mongoose';
import {
  ConcurrencyError,
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
import { assertEventDates, assertMessageDates } from '../codec.js';
import { inboundToMessage, newCandidate, newConversation } from '../factories.js';

type Doc<T> = T & { _id: string };
const DUPLICATE_KEY = 11000;

/**
 * The distributed store: MongoDB through mongoose. Entities are stored as documents keyed by
 * their id; ids are time-ordered, so `_id` order is creation order. Without a replica set there
 * are no multi-document transactions: `commitTurn` guards the conversation with its version and
 * writes messages and events with stable ids, so a re-run after a crash converges.
 *
 * @example
 * const store = await MongoStore.connect(process.env.MONGODB_URI!);
 */
export class MongoStore implements Store {
  private constructor(private readonly conn: Connection) {}

  static async connect(uri: string, dbName?: string): Promise<MongoStore> {
    let conn: Connection;
    try {
      conn = await mongoose.createConnection(uri, { ...(dbName ? { dbName } : {}), serverSelectionTimeoutMS: 5000 }).asPromise();
    } catch (cause) {
      throw new ParleyError(ErrorCodes.STORE, `Cannot connect to MongoDB at ${uri.replace(/\/\/[^@]*@/, '//***@')}`, { cause });
    }
    const store = new MongoStore(conn);
    await store.ensureIndexes();
    return store;
  }

  private col<T extends object>(name: string) {
    return this.conn.collection<Doc<T>>(name);
  }
  private get candidates() { return this.col<Candidate>('candidates'); }
  private get conversations() { return this.col<Conversation>('conversations'); }
  private get messages() { return this.col<Message>('messages'); }
  private get events() { return this.col<DomainEvent>('events'); }
  private get kv() { return this.col<{ namespace: string; key: string; value: unknown }>('kv'); }

  private async ensureIndexes(): Promise<void> {
    await this.conversations.createIndex({ 'ref.channel': 1, 'ref.externalId': 1 }, { unique: true });
    await this.conversations.createIndex({ lastActivityAt: -1 });
    await this.candidates.createIndex({ phone: 1 }, { sparse: true });
    await this.messages.createIndex({ channel: 1, providerMessageId: 1 }, { unique: true, partialFilterExpression: { direction: 'in', providerMessageId: { $type: 'string' } } });
    await this.messages.createIndex({ conversationId: 1, _id: 1 });
    await this.messages.createIndex({ direction: 1, status: 1 });
    await this.events.createIndex({ conversationId: 1, _id: 1 });
    await this.events.createIndex({ candidateId: 1, _id: 1 });
    await this.events.createIndex({ type: 1, at: 1 });
    await this.kv.createIndex({ namespace: 1, key: 1 }, { unique: true });
  }

  async ensureConversation(ref: ConversationRef, sender: Sender, now: Date): Promise<EnsureConversationResult> {
    const existing = await this.findConversationByRef(ref);
    if (existing) return { conversation: existing, candidate: await this.mustCandidate(existing.candidateId), created: false };
    const byPhone = sender.phone ? strip(await this.candidates.findOne({ phone: sender.phone }, { sort: { _id: 1 } })) : undefined;
    const candidate = byPhone ?? newCandidate(sender, now);
    if (!byPhone) await this.candidates.insertOne(withId(candidate));
    const conversation = { ...newConversation(ref, candidate.id, now), stage: candidate.stage };
    try {
      await this.conversations.insertOne(withId(conversation));
    } catch (err) {
      // Another node created it first: use theirs.
      if (isDuplicate(err)) return this.ensureConversation(ref, sender, now);
      throw err;
    }
    return { conversation, candidate, created: true };
  }

  async recordInbound(inbound: InboundMessage, now: Date): Promise<RecordInboundResult> {
    const ensured = await this.ensureConversation(inbound.ref, inbound.sender, now);
    const message = inboundToMessage(inbound, ensured.conversation.id, now);
    try {
      await this.messages.insertOne(withId(message));
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      const dup = strip(await this.messages.findOne({ direction: 'in', channel: inbound.ref.channel, providerMessageId: inbound.providerMessageId }));
      return { ...ensured, message: dup as Message, duplicate: true };
    }
    await this.conversations.updateOne({ _id: ensured.conversation.id }, { $max: { lastActivityAt: now, lastCandidateMessageAt: now } });
    const conversation = { ...ensured.conversation, lastActivityAt: now, lastCandidateMessageAt: now };
    return { ...ensured, conversation, message, duplicate: false };
  }

  async commitTurn(commit: TurnCommit): Promise<Conversation> {
    const { conversation: c } = commit;
    const { lastActivityAt, lastCandidateMessageAt, version, ...rest } = c;
    const updated = await this.conversations.findOneAndUpdate(
      { _id: c.id, version },
      { $set: { ...rest, version: version + 1 }, $max: { lastActivityAt, ...(lastCandidateMessageAt ? { lastCandidateMessageAt } : {}) } },
      { returnDocument: 'after' },
    );
    if (!updated) {
      if (!(await this.conversations.findOne({ _id: c.id }))) throw new ParleyError(ErrorCodes.NOT_FOUND, `Conversation ${c.id} not found`);
      throw new ConcurrencyError('Conversation', c.id, version);
    }
    if (commit.candidate) await this.saveCandidate(commit.candidate);
    await insertIgnoringDuplicates(this.messages, commit.messages);
    await insertIgnoringDuplicates(this.events, commit.events);
    if (commit.inboundMessageId) await this.messages.updateOne({ _id: commit.inboundMessageId }, { $set: { status: 'processed', updatedAt: c.updatedAt } });
    return strip(updated) as Conversation;
  }

  async getConversation(id: string) { return strip(await this.conversations.findOne({ _id: id })); }
  async findConversationByRef(ref: ConversationRef) {
    return strip(await this.conversations.findOne({ 'ref.channel': ref.channel, 'ref.externalId': ref.externalId }));
  }
  async listConversations(q: ConversationQuery = {}): Promise<Conversation[]> {
    const filter: Record<string, unknown> = defined({ stage: q.stage, mode: q.mode, needsHuman: q.needsHuman, 'ref.channel': q.channel, candidateId: q.candidateId });
    if (q.engaged) filter.$or = [{ version: { $gt: 0 } }, { lastCandidateMessageAt: { $type: 'date' } }];
    const docs = await this.conversations.find(filter).sort({ lastActivityAt: -1, _id: 1 }).skip(q.offset ?? 0).limit(q.limit ?? 1000).toArray();
    return docs.map((d) => strip(d) as Conversation);
  }
  async countByStage(): Promise<Partial<Record<Stage, number>>> {
    const rows = await this.candidates.aggregate<{ _id: Stage; n: number }>([{ $group: { _id: '$stage', n: { $sum: 1 } } }]).toArray();
    return Object.fromEntries(rows.map((r) => [r._id, r.n]));
  }

  async getCandidate(id: string) { return strip(await this.candidates.findOne({ _id: id })); }
  async listCandidates() { return (await this.candidates.find().sort({ _id: 1 }).toArray()).map((d) => strip(d) as Candidate); }
  async saveCandidate(candidate: Candidate): Promise<void> {
    await this.candidates.replaceOne({ _id: candidate.id }, withId(candidate), { upsert: true });
  }
  private async mustCandidate(id: string): Promise<Candidate> {
    const c = await this.getCandidate(id);
    if (!c) throw new ParleyError(ErrorCodes.STORE, `Candidate ${id} is missing`);
    return c;
  }

  async getMessage(id: string) { return strip(await this.messages.findOne({ _id: id })); }
  async findMessageByProviderId(channel: ChannelId, providerMessageId: string) {
    return strip((await this.messages.findOne({ channel, providerMessageId, direction: 'in' })) ?? (await this.messages.findOne({ channel, providerMessageId, direction: 'out' }, { sort: { _id: -1 } })));
  }
  async listMessages(conversationId: string, opts: { limit?: number } = {}): Promise<Message[]> {
    const docs = await this.messages.find({ conversationId }).sort({ _id: -1 }).limit(opts.limit ?? 500).toArray();
    return docs.reverse().map((d) => strip(d) as Message);
  }
  async insertMessage(message: Message): Promise<void> {
    assertMessageDates(message);
    await insertIgnoringDuplicates(this.messages, [message]);
  }
  async updateMessage(id: string, patch: MessagePatch, now: Date, events: DomainEvent[] = []): Promise<Message | undefined> {
    assertMessageDates({ id, createdAt: now, updatedAt: now } as Message);
    events.forEach(assertEventDates);
    const doc = await this.messages.findOneAndUpdate({ _id: id }, { $set: { ...patch, updatedAt: now } }, { returnDocument: 'after' });
    if (doc) await insertIgnoringDuplicates(this.events, events);
    return strip(doc);
  }
  async listPendingInbound() { return (await this.messages.find({ direction: 'in', status: 'pending' }).sort({ _id: 1 }).toArray()).map((d) => strip(d) as Message); }
  async listUnsentOutbound() {
    return (await this.messages.find({ direction: 'out', status: { $in: ['queued', 'sending'] } }).sort({ _id: 1 }).toArray()).map((d) => strip(d) as Message);
  }
  async statusCounts(direction: 'in' | 'out'): Promise<Partial<Record<MessageStatus, number>>> {
    const rows = await this.messages.aggregate<{ _id: MessageStatus; n: number }>([{ $match: { direction } }, { $group: { _id: '$status', n: { $sum: 1 } } }]).toArray();
    return Object.fromEntries(rows.map((r) => [r._id, r.n]));
  }

  async appendEvents(events: DomainEvent[]): Promise<void> {
    await insertIgnoringDuplicates(this.events, events);
  }
  async listEvents(q: EventQuery = {}): Promise<DomainEvent[]> {
    const filter = defined({ conversationId: q.conversationId, candidateId: q.candidateId, type: q.types?.length ? { $in: q.types } : undefined, at: q.after ? { $gt: q.after } : undefined });
    const docs = await this.events.find(filter).sort({ _id: 1 }).limit(q.limit ?? 10_000).toArray();
    return docs.map(({ _id, ...event }) => event as unknown as DomainEvent);
  }

  async kvGet<T = unknown>(namespace: string, key: string): Promise<T | undefined> {
    const doc = await this.kv.findOne({ namespace, key });
    return doc ? (doc.value as T) : undefined;
  }
  async kvSet(namespace: string, key: string, value: unknown): Promise<void> {
    await this.kv.updateOne({ namespace, key }, { $set: { value } }, { upsert: true });
  }
  async kvDelete(namespace: string, key: string): Promise<void> {
    await this.kv.deleteOne({ namespace, key });
  }
  async kvList(namespace: string) {
    return (await this.kv.find({ namespace }).sort({ key: 1 }).toArray()).map((d) => ({ key: d.key, value: d.value }));
  }

  async ping(): Promise<void> {
    await this.conn.db?.admin().ping();
  }
  async close(): Promise<void> {
    await this.conn.close();
  }
  /** Drop the whole database (tests). */
  async dropDatabase(): Promise<void> {
    await this.conn.dropDatabase();
  }
}

function withId<T extends { id: string }>(entity: T): Doc<T> {
  return { _id: entity.id, ...entity };
}

function strip<T>(doc: (T & { _id?: unknown }) | null | undefined): T | undefined {
  if (!doc) return undefined;
  const { _id, ...rest } = doc;
  return rest as T;
}

function defined(filter: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
}

function isDuplicate(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === DUPLICATE_KEY;
}

async function insertIgnoringDuplicates<T extends { id: string }>(col: { insertMany(docs: Doc<T>[], opts: { ordered: boolean }): Promise<unknown> }, items: T[]): Promise<void> {
  if (items.length === 0) return;
  try {
    await col.insertMany(items.map(withId), { ordered: false });
  } catch (err) {
    const writeErrors = (err as { writeErrors?: { code?: number }[] }).writeErrors;
    if (isDuplicate(err) && (!writeErrors || writeErrors.every((e) => e.code === DUPLICATE_KEY))) return;
    throw err;
  }
}
