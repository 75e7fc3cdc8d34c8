import type { Candidate, DomainEvent, Message } from '../core/domain/index.js';
import type { CandidateProfile, ConsoleMessage, ConversationNote, CannedResponse, ConsoleNotification, MessagePreview, WireEvent } from './contract.js';
import type { StoredCannedResponse, StoredNote, StoredNotification } from './store/types.js';

/**
 * A stored date as ISO text, never throwing: a row with an unreadable date (the store repairs what
 * it reads, but a row can come from elsewhere) shows the first readable fallback, else the epoch,
 * instead of failing the whole list, transcript or sync it sits in.
 */
export function isoDate(value: Date | undefined, ...fallbacks: (Date | undefined)[]): string {
  for (const d of [value, ...fallbacks]) if (Object.prototype.toString.call(d) === '[object Date]' && Number.isFinite((d as Date).getTime())) return (d as Date).toISOString();
  return new Date(0).toISOString();
}

/** The authenticated URL the console plays a stored voice note from. */
export function mediaUrl(messageId: string): string {
  return `/api/v1/media/${encodeURIComponent(messageId)}`;
}

/** A stored message as the console shows it. `authorName` resolves operator ids to names. */
export function toConsoleMessage(m: Message, authorName?: string): ConsoleMessage {
  const media = m.media;
  return {
    id: m.id,
    conversationId: m.conversationId,
    direction: m.direction,
    author: m.author,
    ...(m.authorId ? { authorId: m.authorId } : {}),
    ...(authorName ? { authorName } : {}),
    kind: m.kind,
    text: m.text,
    ...(m.choices?.length ? { choices: m.choices } : {}),
    ...(media
      ? {
          media: {
            ...(media.mime ? { mime: media.mime } : {}),
            ...(media.durationSec !== undefined ? { durationSec: media.durationSec } : {}),
            ...(media.storedPath ? { audioUrl: mediaUrl(m.id) } : {}),
            ...(media.transcript ? { transcript: media.transcript } : {}),
          },
        }
      : {}),
    status: m.status,
    ...(m.error ? { error: m.error } : {}),
    createdAt: isoDate(m.createdAt, m.updatedAt),
    updatedAt: isoDate(m.updatedAt, m.createdAt),
  };
}

export const PREVIEW_LENGTH = 140;

/** `authorName`: the operator's display name, for an operator's message. */
export function toPreview(m: Message, authorName?: string): MessagePreview {
  return { id: m.id, author: m.author, kind: m.kind, text: m.text.slice(0, PREVIEW_LENGTH), at: isoDate(m.createdAt, m.updatedAt), ...(authorName ? { authorName } : {}) };
}

/** A domain event with its dates as ISO strings. */
export function toWireEvent(e: DomainEvent): WireEvent {
  return { ...(JSON.parse(JSON.stringify(e)) as WireEvent), at: isoDate(e.at) };
}

export function toCandidateProfile(c: Candidate): CandidateProfile {
  return {
    id: c.id,
    ...(c.name ? { name: c.name } : {}),
    ...(c.role ? { role: c.role } : {}),
    ...(c.phone ? { phone: c.phone } : {}),
    ...(c.email ? { email: c.email } : {}),
    ...(c.timeZone ? { timeZone: c.timeZone } : {}),
    stage: c.stage,
    ...(c.consentAt ? { consentAt: isoDate(c.consentAt) } : {}),
    optedOut: c.optedOut,
    unreachable: c.unreachable,
    createdAt: isoDate(c.createdAt, c.updatedAt),
  };
}

export function toWireNotification(n: StoredNotification, read: boolean): ConsoleNotification {
  return { id: n.id, kind: n.kind, title: n.title, body: n.body, ...(n.conversationId ? { conversationId: n.conversationId } : {}), createdAt: isoDate(n.createdAt), read };
}

export function toWireNote(n: StoredNote, operatorName: string): ConversationNote {
  return { id: n.id, conversationId: n.conversationId, operatorId: n.operatorId, operatorName, text: n.text, createdAt: isoDate(n.createdAt) };
}

export function toWireCanned(c: StoredCannedResponse): CannedResponse {
  return { id: c.id, title: c.title, text: c.text, scope: c.personal ? 'personal' : 'shared', createdBy: c.createdBy, createdAt: isoDate(c.createdAt, c.updatedAt), updatedAt: isoDate(c.updatedAt, c.createdAt) };
}
