import type { WAMessage } from '@whiskeysockets/baileys';
import type { InboundMessageInput } from '../../../core/domain/index.js';
import { toE164 } from '../shared/phone.js';

/** Why a WhatsApp Web message is not a candidate message (or undefined when it is one). */
export function skipReason(m: WAMessage): string | undefined {
  const jid = m.key.remoteJid ?? '';
  if (m.key.fromMe) return 'sent by us';
  if (jid === 'status@broadcast' || jid.endsWith('@broadcast')) return 'status or broadcast';
  if (jid.endsWith('@g.us')) return 'group chat';
  if (!m.message) return 'no content';
  return undefined;
}

/**
 * A Baileys `WAMessage` (from `messages.upsert`, type notify) as a Parley inbound message.
 * Text, extended text, button/list replies and voice notes (`audioMessage`, `ptt`); other
 * content is returned as undefined (logged and ignored by the caller).
 */
export function normaliseWAMessage(m: WAMessage, now: Date): InboundMessageInput | undefined {
  const phone = toE164(m.key.remoteJid ?? '');
  const id = m.key.id;
  if (!phone || !id || !m.message) return undefined;
  const c = m.message;
  const stamped = m.messageTimestamp ? new Date(Number(m.messageTimestamp) * 1000) : now;
  const at = Number.isFinite(stamped.getTime()) ? stamped : now;
  const base = {
    ref: { channel: 'whatsapp' as const, externalId: phone, provider: 'baileys' },
    providerMessageId: id,
    sender: { id: phone, phone, ...(m.pushName ? { displayName: m.pushName } : {}) },
    receivedAt: at,
  };
  const text =
    c.conversation ??
    c.extendedTextMessage?.text ??
    c.buttonsResponseMessage?.selectedDisplayText ??
    c.listResponseMessage?.title ??
    c.templateButtonReplyMessage?.selectedDisplayText ??
    undefined;
  if (typeof text === 'string') return { ...base, kind: 'text', text };
  const audio = c.audioMessage;
  if (audio) {
    return {
      ...base,
      kind: audio.ptt ? 'voice' : 'media',
      text: '',
      media: { providerRef: id, ...(audio.mimetype ? { mime: audio.mimetype } : {}), ...(audio.seconds ? { durationSec: audio.seconds } : {}), ...(audio.fileLength ? { size: Number(audio.fileLength) } : {}) },
    };
  }
  const doc = c.documentMessage ?? c.imageMessage;
  if (doc) return { ...base, kind: 'media', text: doc.caption ?? '', media: { providerRef: id, ...(doc.mimetype ? { mime: doc.mimetype } : {}) } };
  return undefined;
}
