import type { ChannelId, ConversationRef, MediaRef, Message, OutboundMessage } from '../domain/index.js';

/** What a channel can show and its limits; the core lowers messages to fit. */
export interface ChannelCapabilities {
  maxTextLength: number;
  /** Inline buttons for choices; otherwise choices become numbered text. */
  buttons: boolean;
  maxButtons: number;
  lists: boolean;
  maxListItems: number;
  templates: boolean;
  /** Free-form messages only within this many hours of the candidate's last message. */
  messagingWindowHours?: number;
  voice: boolean;
  typing: boolean;
  /** Sends per second the provider tolerates, per channel. */
  maxSendsPerSecond: number;
}

export interface SendResult {
  providerMessageId?: string;
  /** Set when the channel had to send an approved template instead (messaging window closed). */
  template?: string;
}

export interface SendContext {
  /** The stored outbound message being sent. */
  message: Message;
  /** When the candidate last wrote (for messaging windows). */
  lastCandidateMessageAt?: Date;
}

export interface FetchedMedia {
  data: Buffer;
  mime: string;
}

/**
 * One channel (with its providers) as the core sees it. Adapters translate provider payloads to
 * `InboundMessage` on the way in and `OutboundMessage` to provider calls on the way out.
 */
export interface ChannelAdapter {
  readonly id: ChannelId;
  readonly capabilities: ChannelCapabilities;
  send(ref: ConversationRef, message: OutboundMessage, ctx: SendContext): Promise<SendResult>;
  fetchMedia?(ref: ConversationRef, media: MediaRef): Promise<FetchedMedia>;
  /** Show "typing…" while a reply is prepared; best effort. */
  typing?(ref: ConversationRef): Promise<void>;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
