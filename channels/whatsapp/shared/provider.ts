import type { MediaRef, OutboundMessage } from '../../../core/domain/index.js';
import type { FetchedMedia, SendContext, SendResult } from '../../../core/ports/index.js';

export type WhatsAppProviderName = 'meta' | 'twilio' | 'baileys';

/**
 * One way of reaching WhatsApp. Providers share the channel's capabilities and send path;
 * `to` is always E.164.
 */
export interface WhatsAppProvider {
  readonly name: WhatsAppProviderName;
  send(to: string, message: OutboundMessage, ctx: SendContext): Promise<SendResult>;
  fetchMedia?(media: MediaRef): Promise<FetchedMedia>;
  typing?(to: string): Promise<void>;
  /** A voice note (Ogg/Opus), for voice replies; providers without it are not offered them. */
  sendVoice?(to: string, audio: { data: Buffer; mime: string }): Promise<void>;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** A delivery update from a provider, by the provider's message id. */
export interface StatusUpdate {
  providerMessageId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  error?: string;
  at: Date;
}
