import type { Connection } from 'mongoose';
import { collectionOf } from './collections.js';

/** One index a collection needs: declared as data, so a unit test can read what is promised. */
export interface IndexSpec {
  collection: string;
  keys: Record<string, 1 | -1>;
  options?: { unique?: boolean; sparse?: boolean; name?: string; partialFilterExpression?: Record<string, unknown>; expireAfterSeconds?: number };
}

/**
 * The core collections' indexes. Unique ones are the dedupe rules every node relies on: one
 * conversation per channel reference, one inbound message per `(channel, providerMessageId)`,
 * one kv entry per `(namespace, key)`.
 */
export const CORE_INDEXES: readonly IndexSpec[] = [
  { collection: 'conversations', keys: { 'ref.channel': 1, 'ref.externalId': 1 }, options: { unique: true, name: 'conversation_ref' } },
  { collection: 'conversations', keys: { lastActivityAt: -1, _id: 1 } },
  { collection: 'conversations', keys: { candidateId: 1, lastActivityAt: -1 } },
  { collection: 'candidates', keys: { phone: 1 }, options: { partialFilterExpression: { phone: { $type: 'string' } } } },
  { collection: 'candidates', keys: { email: 1 }, options: { partialFilterExpression: { email: { $type: 'string' } } } },
  {
    collection: 'messages',
    keys: { channel: 1, providerMessageId: 1 },
    options: { unique: true, name: 'inbound_provider_id', partialFilterExpression: { direction: 'in', providerMessageId: { $type: 'string' } } },
  },
  { collection: 'messages', keys: { channel: 1, providerMessageId: 1, _seq: -1 }, options: { name: 'provider_id_lookup' } },
  { collection: 'messages', keys: { conversationId: 1, _seq: 1 } },
  { collection: 'messages', keys: { direction: 1, status: 1, _seq: 1 } },
  { collection: 'events', keys: { conversationId: 1, _seq: 1 } },
  { collection: 'events', keys: { candidateId: 1, _seq: 1 } },
  { collection: 'events', keys: { type: 1, at: 1 } },
  { collection: 'events', keys: { _seq: 1 } },
  { collection: 'kv', keys: { namespace: 1, key: 1 }, options: { unique: true, name: 'kv_key' } },
];

/** Create the declared indexes (idempotent: an existing index with the same spec is kept). */
export async function ensureIndexes(conn: Connection, specs: readonly IndexSpec[]): Promise<void> {
  for (const spec of specs) await collectionOf(conn, spec.collection).createIndex(spec.keys, spec.options ?? {});
}
