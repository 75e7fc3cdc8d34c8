import twilio from 'twilio';
import { ProviderError, type MediaRef, type OutboundMessage } from '../../../core/domain/index.js';
import type { Clock, FetchedMedia, Logger, SendContext, SendResult } from '../../../core/ports/index.js';
import { outsideWindow } from '../shared/capabilities.js';
import type { WhatsAppProvider } from '../shared/provider.js';
import { templateText, type TemplateConfig } from '../shared/window-template.js';

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  /** The sender, E.164 (`+14155238886`) or `whatsapp:+14155238886`. */
  from: string;
  /** Replaces https://api.twilio.com (a sandbox or a local fake). */
  apiBaseUrl?: string;
  /** Where Twilio posts delivery statuses. */
  statusCallbackUrl?: string;
  template?: TemplateConfig;
}

/** Twilio's "outside the allowed window" error. */
const OUTSIDE_WINDOW = 63016;

/** Sends Twilio's REST calls (and media downloads) to another base URL, for sandboxes and tests. */
class RebasingRequestClient extends twilio.RequestClient {
  constructor(private readonly base: string) {
    super();
  }
  override request<T>(opts: Parameters<twilio.RequestClient['request']>[0]) {
    return super.request<T>({ ...opts, uri: rebase(opts.uri, this.base) } as Parameters<twilio.RequestClient['request']>[0] as never);
  }
}

function rebase(uri: string, base: string | undefined): string {
  if (!base) return uri;
  const u = new URL(uri);
  return u.origin.endsWith('twilio.com') ? `${base.replace(/\/$/, '')}${u.pathname}${u.search}` : uri;
}

/**
 * WhatsApp through Twilio: `client.messages.create` from the configured sender; the approved
 * Content template outside the 24-hour window or when Twilio answers 63016.
 */
export class TwilioProvider implements WhatsAppProvider {
  readonly name = 'twilio' as const;
  private readonly client: twilio.Twilio;

  constructor(
    private readonly config: TwilioConfig,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.client = twilio(config.accountSid, config.authToken, {
      autoRetry: false, // the outbound queue owns retries
      ...(config.apiBaseUrl ? { httpClient: new RebasingRequestClient(config.apiBaseUrl) } : {}),
    });
  }

  async send(to: string, message: OutboundMessage, ctx: SendContext): Promise<SendResult> {
    if (this.config.template && outsideWindow(ctx.lastCandidateMessageAt, this.clock.now())) return this.sendTemplate(to, message);
    try {
      return await this.create(to, { body: message.text });
    } catch (err) {
      if (err instanceof ProviderError && err.providerCode === String(OUTSIDE_WINDOW) && this.config.template) return this.sendTemplate(to, message);
      throw err;
    }
  }

  private async sendTemplate(to: string, message: OutboundMessage): Promise<SendResult> {
    const t = this.config.template as TemplateConfig;
    this.log.info({ template: t.id }, 'whatsapp (twilio): outside the 24-hour window, sending the approved template');
    const result = await this.create(to, { contentSid: t.id, contentVariables: JSON.stringify({ 1: templateText(message) }) });
    return { ...result, template: t.id };
  }

  private async create(to: string, content: { body?: string; contentSid?: string; contentVariables?: string }): Promise<SendResult> {
    try {
      const msg = await this.client.messages.create({
        from: whatsappAddress(this.config.from),
        to: whatsappAddress(to),
        ...content,
        ...(this.config.statusCallbackUrl ? { statusCallback: this.config.statusCallbackUrl } : {}),
      });
      return { providerMessageId: msg.sid };
    } catch (err) {
      throw toProviderError(err, { to, ...content });
    }
  }

  async fetchMedia(media: MediaRef): Promise<FetchedMedia> {
    const url = rebase(media.providerRef, this.config.apiBaseUrl);
    const auth = Buffer.from(`${this.config.accountSid}:${this.config.authToken}`).toString('base64');
    const res = await fetch(url, { headers: { authorization: `Basic ${auth}` }, redirect: 'follow', signal: AbortSignal.timeout(30_000) }).catch((cause: unknown) => {
      throw new ProviderError('twilio', `media download failed: ${String(cause)}`, { cause });
    });
    if (!res.ok) throw new ProviderError('twilio', `media download failed: ${res.status}`, { status: res.status });
    return { data: Buffer.from(await res.arrayBuffer()), mime: res.headers.get('content-type') ?? media.mime ?? 'application/octet-stream' };
  }
}

const whatsappAddress = (n: string) => (n.startsWith('whatsapp:') ? n : `whatsapp:${n}`);

function toProviderError(err: unknown, payload: Record<string, unknown>): ProviderError {
  const e = err as { status?: number; code?: number; message?: string };
  const request = { method: 'messages.create', payload };
  if (typeof e.status !== 'number') return new ProviderError('twilio', `request failed: ${e.message ?? String(err)}`, { ...request, cause: err });
  return new ProviderError('twilio', `${e.status} ${e.message ?? ''}${e.code ? ` (code ${e.code})` : ''}`, {
    ...request,
    status: e.status,
    ...(e.code ? { providerCode: String(e.code) } : {}),
    permanent: e.status < 500 && e.status !== 429 && e.code !== OUTSIDE_WINDOW,
    cause: err,
  });
}
