import { type InboundKind, type InboundMessageInput, type MediaRef, type Sender } from '../../core/domain/index.js';
import type { TelegramCallbackQuery, TelegramMessage, TelegramUpdate, TelegramUser } from './update-schema.js';

/** One Telegram update, as the core sees it: a message to receive, or a reason to ignore it. */
export type NormalisedUpdate =
  | { type: 'inbound'; inbound: InboundMessageInput; callbackQueryId?: string }
  | { type: 'ignored'; reason: string; callbackQueryId?: string };

/**
 * Translate a parsed update into an `InboundMessage` (pure: `now` stamps callback queries, which
 * carry no date). Over-long text is left to the engine, which clips it the same way for every
 * channel. Provider message ids are derived from the chat and message, so a redelivered
 * update (same `update_id`, same message) is stored once, and:
 * - an edit gets its own id per `edit_date` and is recorded as a `system` message: stored and
 *   shown to recruiters, never answered as if it were a new answer;
 * - a button press gets `<chat>:<message>:cb:<data>`, so a double tap answers once while
 *   choosing a different button on the same keyboard still counts.
 *
 * @example
 * normaliseUpdate({ update_id: 1, message: { message_id: 5, date: 1735689600, chat: { id: 42, type: 'private' }, from: { id: 42, is_bot: false, first_name: 'Ana' }, text: 'hi' } }, now)
 * // { type: 'inbound', inbound: { ref: { channel: 'telegram', externalId: '42' }, providerMessageId: '42:5', kind: 'text', text: 'hi', ... } }
 */
export function normaliseUpdate(update: TelegramUpdate, now: Date): NormalisedUpdate {
  if (update.message) return fromMessage(update, update.message);
  if (update.edited_message) return fromEdit(update, update.edited_message);
  if (update.callback_query) return fromCallback(update, update.callback_query, now);
  const kinds = Object.keys(update).filter((k) => k !== 'update_id');
  return { type: 'ignored', reason: `unsupported update type: ${kinds.join(', ') || 'empty'}` };
}

function fromMessage(update: TelegramUpdate, m: TelegramMessage): NormalisedUpdate {
  const problem = unsupportedChat(m, m.from);
  if (problem || !m.from) return { type: 'ignored', reason: problem ?? 'message without a sender' };
  const { kind, media, text } = content(m);
  return {
    type: 'inbound',
    inbound: {
      ref: { channel: 'telegram', externalId: String(m.chat.id) },
      providerMessageId: `${m.chat.id}:${m.message_id}`,
      sender: sender(m.from),
      kind,
      text,
      ...(media ? { media } : {}),
      receivedAt: new Date(m.date * 1000),
      raw: update,
    },
  };
}

function fromEdit(update: TelegramUpdate, m: TelegramMessage): NormalisedUpdate {
  const problem = unsupportedChat(m, m.from);
  if (problem || !m.from) return { type: 'ignored', reason: problem ?? 'edit without a sender' };
  const original = `${m.chat.id}:${m.message_id}`;
  return {
    type: 'inbound',
    inbound: {
      ref: { channel: 'telegram', externalId: String(m.chat.id) },
      providerMessageId: `${original}:edit:${m.edit_date ?? update.update_id}`,
      editOf: original,
      sender: sender(m.from),
      kind: 'system',
      text: `(edited) ${m.text ?? m.caption ?? ''}`.trim(),
      receivedAt: new Date((m.edit_date ?? m.date) * 1000),
      raw: update,
    },
  };
}

function fromCallback(update: TelegramUpdate, q: TelegramCallbackQuery, now: Date): NormalisedUpdate {
  const m = q.message;
  if (!m || q.data === undefined) return { type: 'ignored', reason: 'callback query without a message or data', callbackQueryId: q.id };
  const problem = unsupportedChat(m, q.from);
  if (problem) return { type: 'ignored', reason: problem, callbackQueryId: q.id };
  // The pressed button's label reads like what the candidate would have typed ("Yes, continue").
  const button = m.reply_markup?.inline_keyboard.flat().find((b) => b.callback_data === q.data);
  return {
    type: 'inbound',
    callbackQueryId: q.id,
    inbound: {
      ref: { channel: 'telegram', externalId: String(m.chat.id) },
      providerMessageId: `${m.chat.id}:${m.message_id}:cb:${q.data}`,
      sender: sender(q.from),
      kind: 'text',
      text: button?.text ?? q.data,
      receivedAt: now,
      raw: update,
    },
  };
}

/** Group chats and other bots are not candidates. */
function unsupportedChat(m: TelegramMessage, from: TelegramUser | undefined): string | undefined {
  if (m.chat.type !== 'private') return `${m.chat.type} chats are not supported`;
  if (from?.is_bot) return 'message from a bot';
  return undefined;
}

function content(m: TelegramMessage): { kind: InboundKind; text: string; media?: MediaRef } {
  const text = m.text ?? m.caption ?? '';
  if (m.voice) return { kind: 'voice', text, media: mediaRef(m.voice, m.voice.mime_type ?? 'audio/ogg', m.voice.duration) };
  if (m.audio) return { kind: 'voice', text, media: mediaRef(m.audio, m.audio.mime_type ?? 'audio/mpeg', m.audio.duration) };
  if (m.document) {
    const mime = m.document.mime_type ?? 'application/octet-stream';
    const kind = mime.startsWith('audio/') ? 'voice' : 'media';
    return { kind, text: text || (kind === 'media' ? `(sent a file${m.document.file_name ? `: ${m.document.file_name}` : ''})` : ''), media: mediaRef(m.document, mime) };
  }
  const photo = m.photo?.at(-1);
  if (photo) return { kind: 'media', text: text || '(sent a photo)', media: mediaRef(photo, 'image/jpeg') };
  const isCommand = m.entities?.some((e) => e.type === 'bot_command' && e.offset === 0) ?? text.startsWith('/');
  return { kind: isCommand ? 'command' : 'text', text };
}

function mediaRef(f: { file_id: string; file_size?: number | undefined }, mime: string, durationSec?: number): MediaRef {
  return {
    providerRef: f.file_id,
    mime,
    ...(f.file_size !== undefined ? { size: f.file_size } : {}),
    ...(durationSec !== undefined ? { durationSec } : {}),
  };
}

function sender(u: TelegramUser): Sender {
  const displayName = [u.first_name, u.last_name].filter(Boolean).join(' ');
  return {
    id: String(u.id),
    ...(displayName ? { displayName } : {}),
    ...(u.language_code ? { locale: u.language_code } : {}),
  };
}
