import type { Activity, Attachment, ChannelAccount } from 'botframework-schema';
import type { InboundMessageInput, MediaRef, Sender } from '../../core/domain/index.js';

/** What a card's `Action.Submit` sends back in `activity.value`. */
export interface CardSubmit {
  parleyChoice: string;
  label: string;
}

/** One activity, as the core sees it. */
export type NormalisedActivity =
  | { type: 'message'; inbound: InboundMessageInput; conversationType: string; mentioned: boolean; invoke: boolean }
  | { type: 'bot-added' }
  | { type: 'ignored'; reason: string };

/** Prefix of a media reference fetched with the bot's token (attachments on the connector). */
export const WITH_TOKEN = 'token:';

/**
 * Translate a Bot Framework activity into an `InboundMessage` (pure). Message text has the
 * bot's @mention removed (channels and group chats); a card's `Action.Submit` reads like the
 * button's label, the way a tapped Telegram button does, so a stale card is refused by the same
 * rule. Provider ids are `<conversation>:<activity>`, a submit's `<conversation>:<card>:card:<choice>`
 * (a double tap counts once).
 */
export function normaliseActivity(activity: Partial<Activity>, now: Date): NormalisedActivity {
  const conversationId = activity.conversation?.id;
  if (!conversationId) return { type: 'ignored', reason: 'activity without a conversation' };
  if (activity.type === 'conversationUpdate') {
    const botId = activity.recipient?.id;
    return activity.membersAdded?.some((m) => m.id === botId) ? { type: 'bot-added' } : { type: 'ignored', reason: 'conversationUpdate without the bot added' };
  }
  const cardAction = activity.type === 'invoke' && activity.name === 'adaptiveCard/action';
  if (activity.type !== 'message' && !cardAction) return { type: 'ignored', reason: `unsupported activity type: ${activity.type ?? 'none'}${activity.name ? ` (${activity.name})` : ''}` };
  if (!activity.from?.id || !activity.id) return { type: 'ignored', reason: 'message without a sender or id' };
  if (activity.from.role === 'bot') return { type: 'ignored', reason: 'message from a bot' };
  const conversationType = activity.conversation?.conversationType ?? 'personal';
  const base = {
    ref: { channel: 'teams' as const, externalId: conversationId },
    sender: sender(activity.from),
    receivedAt: activity.timestamp ? new Date(activity.timestamp) : now,
    raw: { id: activity.id, type: activity.type, conversationType },
  };
  // Action.Submit arrives as a message carrying `value`; Action.Execute as an invoke carrying `value.action.data`.
  const submit = cardSubmit(cardAction ? (activity.value as { action?: { data?: unknown } } | undefined)?.action?.data : activity.value);
  if (submit) {
    return {
      type: 'message',
      conversationType,
      mentioned: true,
      invoke: cardAction,
      // A command button (an HR alert's "Take over") sends its command; any other its label.
      inbound: { ...base, providerMessageId: `${conversationId}:${activity.replyToId ?? activity.id}:card:${submit.parleyChoice}`, ...(submit.parleyChoice.startsWith('/') ? { kind: 'command' as const, text: submit.parleyChoice } : { kind: 'text' as const, text: submit.label }) },
    };
  }
  if (cardAction) return { type: 'ignored', reason: 'card action without Parley data' };
  const { text, mentioned } = stripMention(activity);
  const audio = (activity.attachments ?? []).map(audioRef).find((m) => m !== undefined);
  const files = (activity.attachments ?? []).filter((a) => a.contentType !== 'text/html');
  const kind = audio ? 'voice' : text.startsWith('/') ? 'command' : files.length > 0 && !text ? 'media' : 'text';
  return {
    type: 'message',
    conversationType,
    mentioned,
    invoke: cardAction,
    inbound: {
      ...base,
      providerMessageId: `${conversationId}:${activity.id}`,
      kind,
      text: kind === 'media' ? `(sent a file${files[0]?.name ? `: ${files[0].name}` : ''})` : text,
      ...(audio ? { media: audio } : {}),
    },
  };
}

function cardSubmit(value: unknown): CardSubmit | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  return typeof v.parleyChoice === 'string' && typeof v.label === 'string' ? { parleyChoice: v.parleyChoice, label: v.label } : undefined;
}

/** Remove the bot's `<at>Name</at>`; other people's mentions keep their name. */
function stripMention(activity: Partial<Activity>): { text: string; mentioned: boolean } {
  let text = activity.text ?? '';
  let mentioned = false;
  for (const e of activity.entities ?? []) {
    const m = e as { type?: string; mentioned?: { id?: string }; text?: string };
    if (m.type !== 'mention' || m.mentioned?.id !== activity.recipient?.id) continue;
    mentioned = true;
    if (m.text) text = text.split(m.text).join(' ');
  }
  // Other people's mentions keep their name.
  text = text.replace(/<at>([^<]*)<\/at>/g, '$1').replace(/&nbsp;/g, ' ');
  return { text: text.replace(/\s+/g, ' ').trim(), mentioned };
}

const AUDIO_EXT = /^(ogg|oga|opus|mp3|m4a|mp4a|wav|webm|aac|amr)$/i;

/** An audio attachment: a Teams file (pre-authenticated download URL) or an audio/* content URL (bot token). */
function audioRef(a: Attachment): MediaRef | undefined {
  if (a.contentType === 'application/vnd.microsoft.teams.file.download.info') {
    const c = (a.content ?? {}) as { downloadUrl?: string; fileType?: string };
    if (!c.downloadUrl || !AUDIO_EXT.test(c.fileType ?? '')) return undefined;
    return { providerRef: c.downloadUrl, mime: `audio/${(c.fileType ?? '').toLowerCase() === 'mp3' ? 'mpeg' : (c.fileType ?? '').toLowerCase()}` };
  }
  if (a.contentType?.startsWith('audio/') && a.contentUrl) return { providerRef: `${WITH_TOKEN}${a.contentUrl}`, mime: a.contentType };
  return undefined;
}

function sender(from: ChannelAccount): Sender {
  // The Azure AD object id is stable across chats and tenants' apps; `from.id` (29:...) is per bot.
  return { id: from.aadObjectId ?? from.id, ...(from.name ? { displayName: from.name } : {}) };
}
