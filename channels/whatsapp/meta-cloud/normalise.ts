import type { InboundMessageInput } from '../../../core/domain/index.js';
import type { Logger } from '../../../core/ports/index.js';
import type { StatusUpdate } from '../shared/provider.js';
import { toE164 } from '../shared/phone.js';
import { MetaMessageSchema, MetaStatusSchema, type MetaMessage, type MetaWebhook } from './schema.js';

export interface Normalised {
  inbound: InboundMessageInput[];
  statuses: StatusUpdate[];
  /** Items we do not handle (logged and acknowledged). */
  ignored: string[];
}

/**
 * Turn one webhook delivery into Parley messages and delivery updates. `now` (receipt time)
 * stands in for a timestamp that is not a number of seconds, so no invalid date goes further.
 */
export function normaliseMetaWebhook(payload: MetaWebhook, log: Logger, now: Date): Normalised {
  const out: Normalised = { inbound: [], statuses: [], ignored: [] };
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') {
        out.ignored.push(`field ${change.field}`);
        continue;
      }
      const names = new Map((change.value.contacts ?? []).map((c) => [c.wa_id, c.profile?.name]));
      for (const raw of change.value.messages ?? []) {
        const parsed = MetaMessageSchema.safeParse(raw);
        if (!parsed.success) {
          log.warn({ issues: parsed.error.issues.slice(0, 3) }, 'whatsapp (meta): malformed message skipped');
          out.ignored.push('malformed message');
          continue;
        }
        const inbound = toInbound(parsed.data, names.get(parsed.data.from), now);
        if (inbound) out.inbound.push(inbound);
        else out.ignored.push(`message type ${parsed.data.type}`);
      }
      for (const raw of change.value.statuses ?? []) {
        const parsed = MetaStatusSchema.safeParse(raw);
        const update = parsed.success ? toStatus(parsed.data, now) : undefined;
        if (update) out.statuses.push(update);
        else out.ignored.push('status');
      }
    }
  }
  return out;
}

function toInbound(m: MetaMessage, displayName: string | undefined, now: Date): InboundMessageInput | undefined {
  const phone = toE164(m.from);
  if (!phone) return undefined;
  const base = {
    ref: { channel: 'whatsapp' as const, externalId: phone, provider: 'meta' },
    providerMessageId: m.id,
    sender: { id: phone, phone, ...(displayName ? { displayName } : {}) },
    receivedAt: epochSeconds(m.timestamp) ?? now,
    raw: m,
  };
  const reply = m.interactive?.button_reply ?? m.interactive?.list_reply;
  if (m.type === 'text' && m.text) return { ...base, kind: 'text', text: m.text.body };
  if (m.type === 'interactive' && reply) return { ...base, kind: 'text', text: reply.title };
  if (m.type === 'button' && m.button) return { ...base, kind: 'text', text: m.button.text };
  const audio = m.audio ?? m.voice;
  if ((m.type === 'audio' || m.type === 'voice') && audio) {
    return { ...base, kind: 'voice', text: '', media: { providerRef: audio.id, ...(audio.mime_type ? { mime: audio.mime_type } : {}) } };
  }
  const file = m.document ?? m.image ?? m.video;
  if (file && (m.type === 'document' || m.type === 'image' || m.type === 'video')) {
    return { ...base, kind: 'media', text: file.caption ?? file.filename ?? '', media: { providerRef: file.id, ...(file.mime_type ? { mime: file.mime_type } : {}) } };
  }
  return undefined;
}

const STATUSES = new Set(['sent', 'delivered', 'read', 'failed']);

function toStatus(s: { id: string; status: string; timestamp: string; errors?: { code: number; title?: string; message?: string; error_data?: { details?: string } }[] }, now: Date): StatusUpdate | undefined {
  if (!STATUSES.has(s.status)) return undefined;
  const e = s.errors?.[0];
  const error = e ? `${e.code} ${e.title ?? e.message ?? ''}${e.error_data?.details ? `: ${e.error_data.details}` : ''}`.trim() : undefined;
  return { providerMessageId: s.id, status: s.status as StatusUpdate['status'], at: epochSeconds(s.timestamp) ?? now, ...(error ? { error } : {}) };
}

/** Meta's `timestamp` (Unix seconds as a string) as a Date; undefined when it is not one. */
export function epochSeconds(value: string): Date | undefined {
  if (!/^\d{1,12}$/.test(value.trim())) return undefined;
  const at = new Date(Number(value) * 1000);
  return Number.isFinite(at.getTime()) ? at : undefined;
}
