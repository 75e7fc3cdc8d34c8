import type { Connection } from 'mongoose';
import type { Candidate, Conversation, DomainEvent, Message } from '../../domain/index.js';
import {
  AUDIT_ACTION,
  AUDIT_TYPES,
  CANDIDATE_KEEP,
  CONVERSATION_KEEP,
  CORE_TABLES,
  ERASED,
  KEEP_TABLES,
  MESSAGE_KEEP,
  pick,
  scrubEvent,
  wholeTokenMatchers,
  type ErasureCounts,
} from '../embedded/erase.js';
import { candidateDocument, candidateFrom, conversationDocument, conversationFrom, eventDocument, eventFrom, messageDocument, messageFrom } from './documents.js';
import type { MongoDoc } from './documents.js';
import { collectionOf } from './collections.js';

export type { ErasureCounts };

type AnyDoc = MongoDoc;

/** Does any string in `value` (nested objects and arrays included) name one of the needles? */
export function mentionsAny(value: unknown, tokens: readonly RegExp[]): boolean {
  if (typeof value === 'string') return tokens.some((t) => t.test(value));
  if (Array.isArray(value)) return value.some((v) => mentionsAny(v, tokens));
  if (value && typeof value === 'object' && !(value instanceof Date)) return Object.values(value).some((v) => mentionsAny(v, tokens));
  return false;
}

/**
 * The MongoDB version of `eraseCandidateRows` (core/store/embedded/erase.ts), with the same
 * rules, taken from there: candidate, conversations, messages and events keep only their
 * pipeline facts; kv entries and feature documents that name the candidate's id, a conversation
 * id, a channel reference or a contact as a whole token are deleted. Feature collections are
 * found by listing the database (so new ones are covered without being listed), skipping the
 * core ones and those that hold no candidate data (operators, API keys, webhook subscriptions,
 * jobs); each of their documents is checked in full, so an erasure reads every feature document
 * once: fine for a rare, audited operation.
 *
 * Idempotent: running it again finds nothing more to remove, so an erasure interrupted by a crash
 * is completed by running it again (the retention job does). Not one transaction: it can touch
 * more documents than a transaction should hold.
 */
export async function eraseCandidateDocuments(conn: Connection, candidateId: string, now: Date, placeholder = ERASED): Promise<{ counts: ErasureCounts; files: string[] }> {
  const counts: ErasureCounts = { conversations: 0, messages: 0, events: 0, kv: 0, featureRows: 0 };
  const files: string[] = [];
  const col = (name: string) => collectionOf<AnyDoc>(conn, name);
  const candidate = candidateFrom(await col('candidates').findOne({ _id: candidateId }));
  if (!candidate) return { counts, files };
  const needles = new Set<string>([candidateId]);
  for (const v of [candidate.phone, candidate.email]) if (typeof v === 'string' && v.length >= 5) needles.add(v);
  if (candidate.phone && candidate.phone.length >= 5) needles.add(candidate.phone.replace(/^\+/, ''));

  const conversations = (await col('conversations').find({ candidateId }).toArray()).map((d) => conversationFrom(d) as Conversation);
  for (const c of conversations) {
    needles.add(c.id);
    if (c.ref.externalId.length >= 5 && !c.ref.externalId.startsWith('erased:')) needles.add(c.ref.externalId);
    const kept = {
      ...pick(c, CONVERSATION_KEEP),
      ref: { channel: c.ref.channel, externalId: `erased:${c.id}` },
      needsHuman: false,
      state: { erasedAt: now.toISOString() },
      version: c.version + 1,
      updatedAt: now,
    } as unknown as Conversation;
    await col('conversations').replaceOne({ _id: c.id }, conversationDocument(kept));
    counts.conversations = (counts.conversations ?? 0) + 1;

    for (const doc of await col('messages').find({ conversationId: c.id }).toArray()) {
      const m = messageFrom(doc) as Message;
      if (m.media?.storedPath) files.push(m.media.storedPath);
      const erased = { ...pick(m, MESSAGE_KEEP), text: placeholder } as Message;
      await col('messages').replaceOne({ _id: m.id }, messageDocument(erased, doc._seq as string | undefined));
      counts.messages = (counts.messages ?? 0) + 1;
    }
  }
  const keptCandidate = { ...pick(candidate, CANDIDATE_KEEP), optedOut: true, updatedAt: now } as Candidate;
  await col('candidates').replaceOne({ _id: candidateId }, candidateDocument(keptCandidate));

  const ids = conversations.map((c) => c.id);
  for (const doc of await col('events').find({ $or: [{ candidateId }, { conversationId: { $in: ids } }] }).toArray()) {
    const e = eventFrom(doc) as DomainEvent;
    const action = (e as { action?: unknown }).action;
    if (AUDIT_TYPES.has(e.type) || (e.type === 'OperatorAction' && AUDIT_ACTION.test(String(action)))) continue;
    const before = JSON.stringify(e);
    const scrubbed = scrubEvent(JSON.parse(before) as AnyDoc);
    if (JSON.stringify(scrubbed) === before) continue;
    await col('events').replaceOne({ _id: e.id }, eventDocument({ ...scrubbed, at: e.at } as DomainEvent, doc._seq as string | undefined));
    counts.events = (counts.events ?? 0) + 1;
  }

  const tokens = wholeTokenMatchers([...needles]);
  counts.kv = await deleteNaming(col('kv'), tokens);
  const collections = await conn.db?.listCollections({}, { nameOnly: true }).toArray();
  for (const { name } of collections ?? []) {
    if (CORE_TABLES.has(name) || KEEP_TABLES.has(name) || name.startsWith('system.')) continue;
    counts.featureRows = (counts.featureRows ?? 0) + (await deleteNaming(col(name), tokens));
  }
  return { counts, files };
}

async function deleteNaming(
  collection: { find(filter: Record<string, never>): AsyncIterable<AnyDoc>; deleteOne(filter: { _id: string }): Promise<{ deletedCount: number }> },
  tokens: readonly RegExp[],
): Promise<number> {
  const doomed: string[] = [];
  for await (const doc of collection.find({})) if (mentionsAny({ ...doc, _id: String(doc._id) }, tokens)) doomed.push(doc._id);
  let n = 0;
  for (const _id of doomed) n += (await collection.deleteOne({ _id })).deletedCount;
  return n;
}
