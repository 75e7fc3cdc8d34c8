import { ProviderError, type MediaRef, type OutboundMessage } from '../../../core/domain/index.js';
import { parseRetryAfter } from '../../../core/engine/retry.js';
import type { Clock, FetchedMedia, Logger, SendContext, SendResult } from '../../../core/ports/index.js';
import { metaCapabilities, outsideWindow } from '../shared/capabilities.js';
import type { WhatsAppProvider } from '../shared/provider.js';
import { templateText, type TemplateConfig } from '../shared/window-template.js';

export interface MetaConfig {
  graphUrl: string;
  phoneNumberId: string;
  accessToken: string;
  template?: TemplateConfig;
}

/** Meta error codes: rate limits (retry), the 24-hour window (send a template). */
const RATE_LIMITED = new Set([4, 80007, 130429, 131056]);
const REENGAGEMENT = 131047;

/**
 * WhatsApp through Meta's Cloud API (plain HTTPS). Text, reply buttons (<= 3), lists (<= 10),
 * templates outside the 24-hour window or when Meta answers 131047, read receipts, media.
 */
export class MetaCloudProvider implements WhatsAppProvider {
  readonly name = 'meta' as const;
  constructor(
    private readonly config: MetaConfig,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async send(to: string, message: OutboundMessage, ctx: SendContext): Promise<SendResult> {
    if (this.config.template && outsideWindow(ctx.lastCandidateMessageAt, this.clock.now())) return this.sendTemplate(to, message);
    try {
      return await this.post(this.payload(to, message));
    } catch (err) {
      if (err instanceof ProviderError && err.providerCode === String(REENGAGEMENT) && this.config.template) return this.sendTemplate(to, message);
      throw err;
    }
  }

  private async sendTemplate(to: string, message: OutboundMessage): Promise<SendResult> {
    const t = this.config.template as TemplateConfig;
    this.log.info({ template: t.id }, 'whatsapp (meta): outside the 24-hour window, sending the approved template');
    const result = await this.post({
      messaging_product: 'whatsapp',
      to: digits(to),
      type: 'template',
      template: { name: t.id, language: { code: t.language }, components: [{ type: 'body', parameters: [{ type: 'text', text: templateText(message) }] }] },
    });
    return { ...result, template: t.id };
  }

  private payload(to: string, m: OutboundMessage): Record<string, unknown> {
    const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: digits(to) };
    const choices = m.choices ?? [];
    if (choices.length === 0) return { ...base, type: 'text', text: { body: m.text, preview_url: false } };
    // The core lowered the message to Meta's limits (core/engine/lower.ts): body, labels and
    // counts fit; nothing is cut here.
    const body = { text: m.text };
    if (choices.length <= metaCapabilities.maxButtons) {
      return { ...base, type: 'interactive', interactive: { type: 'button', body, action: { buttons: choices.map((c) => ({ type: 'reply', reply: { id: c.id, title: c.label } })) } } };
    }
    const rows = choices.map((c) => ({ id: c.id, title: c.label }));
    return { ...base, type: 'interactive', interactive: { type: 'list', body, action: { button: 'Choose', sections: [{ title: 'Options', rows }] } } };
  }

  /** Mark an inbound message read (blue ticks). Best effort. */
  /** Upload the audio (`POST /<phone id>/media`), then send it as an audio message (Ogg/Opus plays as a voice note). */
  async sendVoice(to: string, audio: { data: Buffer; mime: string }): Promise<void> {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', audio.mime);
    form.append('file', new Blob([new Uint8Array(audio.data)], { type: audio.mime }), 'question.ogg');
    const url = `${this.config.graphUrl}/${this.config.phoneNumberId}/media`;
    const res = await this.fetch(url, { method: 'POST', body: form, headers: { authorization: `Bearer ${this.config.accessToken}` } });
    if (!res.ok) throw await toProviderError(res, { method: `POST ${new URL(url).pathname}` });
    const { id } = (await res.json()) as { id?: string };
    if (!id) throw new ProviderError('meta', 'media upload returned no id');
    await this.post({ messaging_product: 'whatsapp', recipient_type: 'individual', to: digits(to), type: 'audio', audio: { id } });
  }

  async markRead(providerMessageId: string): Promise<void> {
    await this.post({ messaging_product: 'whatsapp', status: 'read', message_id: providerMessageId }).catch((err: unknown) => this.log.debug({ err }, 'mark read failed'));
  }

  async fetchMedia(media: MediaRef): Promise<FetchedMedia> {
    const meta = (await this.request(`${this.config.graphUrl}/${encodeURIComponent(media.providerRef)}`, { method: 'GET' })) as { url?: string; mime_type?: string };
    if (!meta.url) throw new ProviderError('meta', `media ${media.providerRef} has no URL`, { permanent: true });
    const res = await this.fetch(meta.url, { headers: { authorization: `Bearer ${this.config.accessToken}` } });
    if (!res.ok) throw await toProviderError(res, { method: 'GET media' });
    return { data: Buffer.from(await res.arrayBuffer()), mime: meta.mime_type ?? media.mime ?? 'application/octet-stream' };
  }

  private async post(body: Record<string, unknown>): Promise<SendResult> {
    const json = (await this.request(`${this.config.graphUrl}/${this.config.phoneNumberId}/messages`, { method: 'POST', body: JSON.stringify(body) })) as { messages?: { id: string }[] };
    const id = json.messages?.[0]?.id;
    return id ? { providerMessageId: id } : {};
  }

  private async request(url: string, init: RequestInit): Promise<unknown> {
    const res = await this.fetch(url, { ...init, headers: { authorization: `Bearer ${this.config.accessToken}`, 'content-type': 'application/json' } });
    if (!res.ok) throw await toProviderError(res, { method: `${init.method ?? 'GET'} ${new URL(url).pathname}`, payload: parseBody(init.body) });
    return res.json();
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
    } catch (cause) {
      throw new ProviderError('meta', `request failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
  }
}

const digits = (e164: string) => e164.replace(/^\+/, '');

/** The JSON we sent, for the error (redacted there). */
function parseBody(body: RequestInit['body']): unknown {
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

async function toProviderError(res: Response, request: { method: string; payload?: unknown }): Promise<ProviderError> {
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: number; message?: string; error_data?: { details?: string } } };
  const code = body.error?.code;
  const message = `${res.status} ${body.error?.message ?? res.statusText}${body.error?.error_data?.details ? `: ${body.error.error_data.details}` : ''}${code ? ` (code ${code})` : ''}`;
  const retryAfter = parseRetryAfter(res.headers, Date.now());
  const rateLimited = res.status === 429 || (code !== undefined && RATE_LIMITED.has(code));
  return new ProviderError('meta', message, {
    method: request.method,
    ...(request.payload !== undefined ? { payload: request.payload } : {}),
    status: rateLimited ? 429 : res.status,
    ...(code !== undefined ? { providerCode: String(code) } : {}),
    ...(retryAfter ? { retryAfterMs: retryAfter } : {}),
    permanent: !rateLimited && res.status < 500 && code !== REENGAGEMENT,
  });
}
