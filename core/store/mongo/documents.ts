import { newId, type Candidate, type Conversation, type DomainEvent, type Message } from '../../domain/index.js';
import { reviveCandidate, reviveConversation, reviveEvent, reviveMessage } from '../codec.js';

/**
 * How entities become MongoDB documents and back. One rule for every collection, so a document
 * reads back exactly as the embedded store's JSON row does:
 * - the entity's `id` is the document's `_id` (and stays in the document as `id`);
 * - its top-level date fields are BSON dates (indexable, comparable in queries);
 * - everything nested goes through JSON, as in SQLite: a Date inside `state` comes back an ISO
 *   string in both stores, `undefined` fields are dropped, not stored as `null`;
 * - free-form maps whose keys Parley does not choose (a conversation's `state`, an event's
 *   `details`, a message's `raw` provider payload) are stored as JSON text: a key with `.` or a
 *   leading `$` is legal in JSON but not in every MongoDB update;
 * - `_seq` is an insertion-order key (time-ordered, monotonic per process) for "oldest first"
 *   lists: ids derived from other ids (`<inbound>_r10`) do not sort in insertion order.
 * Reading strips `_id`/`_seq` and revives dates with the same codec as SQLite (repairing a bad
 * date instead of throwing).
 */
export type Stored<T> = T & { _id: string; _seq?: string };

/** What a collection of Parley documents holds: string ids (never ObjectIds). */
export type MongoDoc = { _id: string } & Record<string, unknown>;

/** Top-level date fields per entity (the codec's lists; kept here for the write side). */
export const DATE_FIELDS = {
  candidate: ['createdAt', 'updatedAt', 'consentAt'],
  conversation: ['createdAt', 'updatedAt', 'lastActivityAt', 'lastCandidateMessageAt'],
  message: ['createdAt', 'updatedAt', 'lastAttemptAt'],
  event: ['at', 'receivedAt'],
} as const;

/** A time-ordered insertion key (see `Stored`). */
export function nextSeq(): string {
  return newId('s');
}

/** JSON semantics for a value (what SQLite would store), with the named top-level dates as Dates. */
export function toPlain(entity: object, dateFields: readonly string[]): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(entity)) as Record<string, unknown>;
  const source = entity as Record<string, unknown>;
  for (const key of dateFields) {
    const value = source[key];
    if (value === undefined) continue;
    const at = value instanceof Date ? value : new Date(value as string);
    plain[key] = at;
  }
  return plain;
}

/** Free-form fields per entity, stored as JSON text (see above). */
export const TEXT_FIELDS = {
  candidate: [],
  conversation: ['state'],
  message: ['raw'],
  event: ['details', 'removed'],
} as const;

function toDocument<T extends { id: string }>(entity: T, dateFields: readonly string[], textFields: readonly string[], seq?: string): Stored<T> {
  const plain = toPlain(entity, dateFields);
  for (const key of textFields) if (plain[key] !== undefined) plain[key] = JSON.stringify(plain[key]);
  return { _id: entity.id, ...(seq ? { _seq: seq } : {}), ...(plain as T) };
}

export const candidateDocument = (c: Candidate): Stored<Candidate> => toDocument(c, DATE_FIELDS.candidate, TEXT_FIELDS.candidate);
export const conversationDocument = (c: Conversation): Stored<Conversation> => toDocument(c, DATE_FIELDS.conversation, TEXT_FIELDS.conversation);
export const messageDocument = (m: Message, seq = nextSeq()): Stored<Message> => toDocument(m, DATE_FIELDS.message, TEXT_FIELDS.message, seq);
export const eventDocument = (e: DomainEvent, seq = nextSeq()): Stored<DomainEvent> => toDocument(e, DATE_FIELDS.event, TEXT_FIELDS.event, seq);

/** The stored document without Mongo's bookkeeping, revived by `revive` (JSON in, entity out). */
function fromDocument<T>(doc: Record<string, unknown> | null | undefined, textFields: readonly string[], revive: (json: string) => T): T | undefined {
  if (!doc) return undefined;
  const { _id, _seq, ...rest } = doc;
  for (const key of textFields) if (typeof rest[key] === 'string') rest[key] = JSON.parse(rest[key]) as unknown;
  // Events have no `id` field of their own when written by an older version: `_id` is it.
  if (rest.id === undefined) rest.id = _id;
  return revive(JSON.stringify(rest));
}

type AnyDoc = Record<string, unknown> | null | undefined;
export const candidateFrom = (doc: AnyDoc): Candidate | undefined => fromDocument(doc, TEXT_FIELDS.candidate, reviveCandidate);
export const conversationFrom = (doc: AnyDoc): Conversation | undefined => fromDocument(doc, TEXT_FIELDS.conversation, reviveConversation);
export const messageFrom = (doc: AnyDoc): Message | undefined => fromDocument(doc, TEXT_FIELDS.message, reviveMessage);
export const eventFrom = (doc: AnyDoc): DomainEvent | undefined => fromDocument(doc, TEXT_FIELDS.event, reviveEvent);

/** Every item of a list read back (documents that cannot be read are a bug, so `undefined` is dropped). */
export function all<T>(docs: Record<string, unknown>[], from: (doc: Record<string, unknown>) => T | undefined): T[] {
  return docs.map(from).filter((x): x is T => x !== undefined);
}

/** Keyed values (kv, feature settings) are stored as JSON text: keys may hold `.` or `$`. */
export function encodeValue(value: unknown): string {
  return JSON.stringify(value ?? null);
}
export function decodeValue<T>(json: string): T {
  return JSON.parse(json) as T;
}
