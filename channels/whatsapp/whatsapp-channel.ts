import { ProviderError, type ConversationRef, type MediaRef, type OutboundMessage } from '../../core/domain/index.js';
import type { ChannelAdapter, ChannelCapabilities, FetchedMedia, SendContext, SendResult } from '../../core/ports/index.js';
import { metaCapabilities, providerCapabilities } from './shared/capabilities.js';
import type { WhatsAppProvider, WhatsAppProviderName } from './shared/provider.js';

/**
 * The `whatsapp` channel: one send path, several providers behind it. A conversation is sent
 * through the provider it arrived on (`ref.provider`), else the first configured one, and the core
 * lowers its messages to that provider's capabilities (`capabilitiesFor`).
 */
export class WhatsAppChannel implements ChannelAdapter {
  readonly id = 'whatsapp' as const;
  private readonly providers = new Map<WhatsAppProviderName, WhatsAppProvider>();

  constructor(providers: WhatsAppProvider[]) {
    for (const p of providers) this.providers.set(p.name, p);
  }

  /** The default provider's (the first configured one). */
  get capabilities(): ChannelCapabilities {
    const first = this.providers.keys().next().value;
    return first ? providerCapabilities[first] : metaCapabilities;
  }

  capabilitiesFor(ref: ConversationRef): ChannelCapabilities {
    const p = (ref.provider && this.providers.get(ref.provider as WhatsAppProviderName)) || this.providers.values().next().value;
    return p ? providerCapabilities[p.name] : this.capabilities;
  }

  get providerNames(): WhatsAppProviderName[] {
    return [...this.providers.keys()];
  }

  provider(ref: ConversationRef): WhatsAppProvider {
    const p = (ref.provider && this.providers.get(ref.provider as WhatsAppProviderName)) || this.providers.values().next().value;
    if (!p) throw new ProviderError('whatsapp', `no provider configured for ${ref.provider ?? 'whatsapp'}`, { permanent: true });
    return p;
  }

  send(ref: ConversationRef, message: OutboundMessage, ctx: SendContext): Promise<SendResult> {
    return this.provider(ref).send(ref.externalId, message, ctx);
  }

  async fetchMedia(ref: ConversationRef, media: MediaRef): Promise<FetchedMedia> {
    const p = this.provider(ref);
    if (!p.fetchMedia) throw new ProviderError(p.name, 'this provider cannot download media', { permanent: true });
    return p.fetchMedia(media);
  }

  /** A voice note (voice replies) through the conversation's provider: Meta and WhatsApp Web; Twilio needs a public media URL and has none. */
  async sendVoice(ref: ConversationRef, audio: { data: Buffer; mime: string }): Promise<void> {
    const p = this.provider(ref);
    if (!p.sendVoice) throw new ProviderError(p.name, 'this provider cannot send voice notes', { permanent: true });
    await p.sendVoice(ref.externalId, audio);
  }

  /** Whether this conversation's provider can send a voice note (voice replies are offered only then). */
  speaks(ref: ConversationRef): boolean {
    const p = (ref.provider && this.providers.get(ref.provider as WhatsAppProviderName)) || this.providers.values().next().value;
    return typeof p?.sendVoice === 'function';
  }

  async typing(ref: ConversationRef): Promise<void> {
    await this.provider(ref).typing?.(ref.externalId);
  }

  async start(): Promise<void> {
    for (const p of this.providers.values()) await p.start?.();
  }

  async stop(): Promise<void> {
    for (const p of this.providers.values()) await p.stop?.();
  }
}
