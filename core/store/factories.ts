import {
  newId,
  type Candidate,
  type Conversation,
  type ConversationRef,
  type InboundMessage,
  type Message,
  type Sender,
} from '../domain/index.js';

/** A new candidate for a first contact. Shared by every Store adapter so they behave alike. */
export function newCandidate(sender: Sender, now: Date): Candidate {
  return {
    id: newId('cand'),
    ...(sender.phone ? { phone: sender.phone } : {}),
    ...(sender.email ? { email: sender.email } : {}),
    ...(sender.timeZone ? { timeZone: sender.timeZone } : {}),
    stage: 'new',
    optedOut: false,
    unreachable: false,
    createdAt: now,
    updatedAt: now,
  };
}

export function newConversation(ref: ConversationRef, candidateId: string, now: Date): Conversation {
  return {
    id: newId('conv'),
    ref,
    candidateId,
    mode: 'bot',
    stage: 'new',
    needsHuman: false,
    state: {},
    version: 0,
    lastActivityAt: now,
    createdAt: now,
    updatedAt: now,
  };
}

/** The stored form of an inbound message (status `pending` until its turn runs). */
export function inboundToMessage(inbound: InboundMessage, conversationId: string, now: Date): Message {
  return {
    id: newId('msg'),
    conversationId,
    channel: inbound.ref.channel,
    direction: 'in',
    author: 'candidate',
    authorId: inbound.sender.id,
    kind: inbound.kind,
    text: inbound.text,
    ...(inbound.media ? { media: inbound.media } : {}),
    ...(inbound.clipped ? { clipped: inbound.clipped } : {}),
    ...(inbound.sender.locale ? { locale: inbound.sender.locale.slice(0, 35) } : {}),
    providerMessageId: inbound.providerMessageId,
    status: 'pending',
    attempts: 0,
    createdAt: now,
    updatedAt: now,
  };
}
