import { ValidationError, type Candidate, type Conversation, type DomainEvent, type Message } from '../domain/index.js';

/** A stored date field, and the sibling fields that stand in for it when it is unreadable. */
interface DateField {
  key: string;
  /** Optional fields are dropped when unreadable; required ones are repaired from `fallback`. */
  optional?: boolean;
  fallback?: readonly string[];
}

const CANDIDATE_DATES: readonly DateField[] = [
  { key: 'createdAt', fallback: ['updatedAt'] },
  { key: 'updatedAt', fallback: ['createdAt'] },
  { key: 'consentAt', optional: true },
];
const CONVERSATION_DATES: readonly DateField[] = [
  { key: 'createdAt', fallback: ['updatedAt', 'lastActivityAt'] },
  { key: 'updatedAt', fallback: ['lastActivityAt', 'createdAt'] },
  { key: 'lastActivityAt', fallback: ['updatedAt', 'createdAt'] },
  { key: 'lastCandidateMessageAt', optional: true },
];
const MESSAGE_DATES: readonly DateField[] = [
  { key: 'createdAt', fallback: ['updatedAt'] },
  { key: 'updatedAt', fallback: ['createdAt'] },
  { key: 'lastAttemptAt', optional: true },
];
const EVENT_DATES: readonly DateField[] = [{ key: 'at' }, { key: 'receivedAt', optional: true }];

/** A date field that could not be read back from a stored row, and what was done about it. */
export interface DateRepair {
  entity: string;
  id: string;
  field: string;
  stored: unknown;
  action: 'replaced' | 'dropped';
}

let repairListener: ((repair: DateRepair) => void) | undefined;

/**
 * Be told when a stored row had an unreadable date (written by an older version, or by hand) and
 * was repaired on read, so the composition root can log it. One listener; `undefined` removes it.
 */
export function onDateRepair(listener: ((repair: DateRepair) => void) | undefined): void {
  repairListener = listener;
}

/** A Date from any realm (`structuredClone` and test sandboxes make Dates `instanceof` misses). */
function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

function toDate(value: unknown): Date | undefined {
  if (isDate(value)) return Number.isFinite(value.getTime()) ? value : undefined;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const at = new Date(value);
  return Number.isFinite(at.getTime()) ? at : undefined;
}

/**
 * Entities are stored as JSON; this puts the Date fields back. Cheaper than a full zod parse on
 * every read, and the writes were validated. A row with an unreadable date (e.g. `null`) is
 * repaired, not thrown on, so one bad row never breaks every view that lists it: a required date
 * takes a sibling's value (a message's `updatedAt` its `createdAt`), else the epoch; an optional
 * one is dropped. Each repair is reported to the `onDateRepair` listener.
 */
function revive<T>(doc: string, entity: string, fields: readonly DateField[]): T {
  const obj = JSON.parse(doc) as Record<string, unknown>;
  const bad: DateField[] = [];
  for (const field of fields) {
    const value = obj[field.key];
    if (value === undefined && field.optional) continue;
    const at = toDate(value);
    if (at) obj[field.key] = at;
    else bad.push(field);
  }
  for (const field of bad) {
    const stored = obj[field.key];
    if (field.optional) delete obj[field.key];
    else obj[field.key] = new Date(((field.fallback ?? []).map((k) => obj[k]).find((v) => isDate(v) && Number.isFinite(v.getTime())) as Date | undefined)?.getTime() ?? 0);
    repairListener?.({ entity, id: String(obj.id), field: field.key, stored, action: field.optional ? 'dropped' : 'replaced' });
  }
  return obj as T;
}

export const reviveCandidate = (doc: string): Candidate => revive(doc, 'Candidate', CANDIDATE_DATES);
export const reviveConversation = (doc: string): Conversation => revive(doc, 'Conversation', CONVERSATION_DATES);
export const reviveMessage = (doc: string): Message => revive(doc, 'Message', MESSAGE_DATES);
export const reviveEvent = (doc: string): DomainEvent => revive(doc, 'Event', EVENT_DATES);

/**
 * Refuse to write an entity whose date fields are not valid dates: `JSON.stringify` would store an
 * invalid Date as `null` and poison every later read. Throws a `ValidationError` naming the field.
 */
function assertDates(entity: string, obj: object, fields: readonly DateField[]): void {
  const record = obj as Record<string, unknown>;
  const problems = fields
    .filter((f) => !(f.optional && record[f.key] === undefined))
    // An ISO string (an entity rebuilt from JSON) serialises to the same thing as its Date: fine.
    .filter((f) => toDate(record[f.key]) === undefined)
    .map((f) => `${f.key}: expected a valid Date (got ${isDate(record[f.key]) ? 'Invalid Date' : JSON.stringify(record[f.key]) ?? 'undefined'})`);
  if (problems.length) throw new ValidationError(`${entity} ${String(record.id)} not stored: invalid date`, problems);
}

export const assertCandidateDates = (c: Candidate): void => assertDates('Candidate', c, CANDIDATE_DATES);
export const assertConversationDates = (c: Conversation): void => assertDates('Conversation', c, CONVERSATION_DATES);
export const assertMessageDates = (m: Message): void => assertDates('Message', m, MESSAGE_DATES);
export const assertEventDates = (e: DomainEvent): void => assertDates('Event', e, EVENT_DATES);
