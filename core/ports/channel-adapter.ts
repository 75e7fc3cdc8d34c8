import type { ChannelId, ConversationRef, MediaRef, Message, OutboundMessage } from '../domain/index.js';

/** What a channel can show and its limits; the core lowers messages to fit. */
export interface ChannelCapabilities {
  maxTextLength: number;
  /** Inline buttons for choices; otherwise choices become numbered text. */
  buttons: boolean;
  maxButtons: number;
  lists: boolean;
  maxListItems: number;
  /**
   * Longest text that can carry buttons or a list (WhatsApp interactive bodies: 1,024). Longer
   * text is split: the earlier parts go as plain messages, the last part carries the choices.
   * Default: `maxTextLength`.
   */
  maxInteractiveTextLength?: number;
  /** Longest button label; a longer one is cut with an ellipsis and the full text goes in the body. */
  maxButtonLabelLength?: number;
  /** Longest list-row label, likewise. */
  maxListItemLabelLength?: number;
  templates: boolean;
  /** Free-form messages only within this many hours of the candidate's last message. */
  messagingWindowHours?: number;
  voice: boolean;
  typing: boolean;
  /** Sends per second the provider tolerates, per channel. */
  maxSendsPerSecond: number;
  /**
   * What to do on restart with a message left `sending` by a crash (the provider may or may not
   * have it). `resend` (default): send it again; at most one duplicate per message in flight at
   * the crash. `hold`: never resend; the row is marked failed ("delivery unknown") and operators
   * are notified, for channels where a duplicate costs more than a late manual follow-up.
   */
  inFlightAfterCrash?: 'resend' | 'hold';
  /**
   * A send resolves in this process, in the burst of promise jobs that made it (web chat's socket
   * write), not in a provider's response: its `sent` mark commits with that burst (`soon`), and
   * `MessageSent` reaches the console feed with the turn's other events. Otherwise (default) the
   * mark rides the group commit of the event-loop pass its acknowledgement arrived in, shared with
   * the other acknowledgements of that pass, and the conversation's next reply does not wait for
   * that commit (issue 13).
   */
  acknowledgedInProcess?: boolean;
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
  /** The channel's capabilities (for a channel with several providers: its default provider's). */
  readonly capabilities: ChannelCapabilities;
  /**
   * The capabilities of one conversation, for channels whose providers differ (WhatsApp through
   * Meta has buttons, through Twilio or WhatsApp Web it has none): the provider in `ref.provider`.
   * Absent: `capabilities` for every conversation.
   */
  capabilitiesFor?(ref: ConversationRef): ChannelCapabilities;
  send(ref: ConversationRef, message: OutboundMessage, ctx: SendContext): Promise<SendResult>;
  fetchMedia?(ref: ConversationRef, media: MediaRef): Promise<FetchedMedia>;
  /** Show "typing…" while a reply is prepared; best effort. */
  typing?(ref: ConversationRef): Promise<void>;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
