import type { Candidate, Conversation, DomainEvent, Message } from '../domain/index.js';

/**
 * Entities are stored as JSON; these put the Date fields back. Cheaper than a full zod parse on
 * every read, and the writes were validated when the entities were made.
 */
function revive<T>(doc: string, dateKeys: readonly string[]): T {
  const obj = JSON.parse(doc) as Record<string, unknown>;
  for (const key of dateKeys) {
    const value = obj[key];
    if (typeof value === 'string' || typeof value === 'number') obj[key] = new Date(value);
  }
  return obj as T;
}

export const reviveCandidate = (doc: string): Candidate => revive(doc, ['createdAt', 'updatedAt', 'consentAt']);
export const reviveConversation = (doc: string): Conversation =>
  revive(doc, ['createdAt', 'updatedAt', 'lastActivityAt', 'lastCandidateMessageAt']);
export const reviveMessage = (doc: string): Message => revive(doc, ['createdAt', 'updatedAt']);
export const reviveEvent = (doc: string): DomainEvent => revive(doc, ['at']);
