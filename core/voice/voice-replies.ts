import { z } from 'zod';
import { defineSlice, errorMessage, localise, type ChannelId, type Conversation, type ConversationRef, type DomainEvent, type Message, type OutboundMessage } from '../domain/index.js';
import type { Middleware, TurnContext } from '../engine/context.js';
import { handedOverMessage, type ChannelAdapter, type Logger, type Store } from '../ports/index.js';
import { oggOpusDurationSec } from './ogg.js';

/** Speech made from text: an Ogg/Opus voice note. */
export interface SynthesizedSpeech {
  data: Buffer;
  mime: 'audio/ogg';
  /** True when it came from the cache (nothing was synthesised). */
  cached?: boolean;
}

/** Text to speech (bots/speech: OpenAI, or espeak-ng offline). `language` is a tag such as `en` or `es-ES`. */
export interface SpeechSynthesizer {
  readonly name: string;
  synthesize(text: string, language: string): Promise<SynthesizedSpeech>;
}

/** A channel that can send a voice note (Telegram's sendVoice, WhatsApp's audio message, the web chat's player). */
export interface VoiceNoteSender {
  sendVoice(ref: ConversationRef, audio: { data: Buffer; mime: string; durationSec?: number; text: string; messageId: string }): Promise<void>;
  /** False where this conversation's provider cannot send one (WhatsApp over Twilio); default true. */
  speaks?(ref: ConversationRef): boolean;
}

export function canSendVoice(adapter: unknown): adapter is VoiceNoteSender {
  return typeof (adapter as Partial<VoiceNoteSender> | undefined)?.sendVoice === 'function';
}

/** Whether the candidate hears the questions too: offered after their first voice note, toggled by `/voice on|off`. */
const VoiceRepliesSchema = z.object({ offered: z.boolean(), on: z.boolean(), language: z.string().max(35).optional() });
export const voiceRepliesSlice = defineSlice('voiceReplies', VoiceRepliesSchema);
export type VoiceRepliesState = z.infer<typeof voiceRepliesSlice.schema>;

export const voiceReplyTexts = {
  offer: 'Would you like to hear my questions as voice notes too? Send /voice on (and /voice off to stop). I will always write them as well.',
  on: 'Voice replies are on: from now on I will send each question as a voice note too. Send /voice off to stop.',
  off: 'Voice replies are off: I will only write from now on. Send /voice on to hear the questions again.',
  usage: 'Send /voice on to hear my questions as voice notes too, or /voice off to stop.',
  unavailable: "Sorry, I can't send voice notes here, so I will keep writing.",
} as const;

/** A voice-replies text in the conversation's language (the catalogues' `voice`; English without them). */
const say = (conversation: Pick<Conversation, 'state'>, key: keyof typeof voiceReplyTexts): string => localise(conversation, `voice.${key}`, {}, voiceReplyTexts[key]);

/** Whisper names languages (`english`); the rest of Parley uses tags (`en`). */
const LANGUAGE_NAMES: Record<string, string> = { english: 'en', spanish: 'es', portuguese: 'pt', french: 'fr', german: 'de' };
/** Long texts (a summary, a privacy notice) are only written. */
export const MAX_SPOKEN_CHARS = 1_500;

function languageTag(language: string | undefined): string | undefined {
  if (!language) return undefined;
  const lower = language.toLowerCase();
  return LANGUAGE_NAMES[lower] ?? (/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/.test(lower) ? lower : undefined);
}

/**
 * After a candidate's first transcribed voice note, offer voice replies once (the offer follows
 * the bot's answer). Put it with the voice middleware, in `preprocess`.
 */
export function voiceRepliesOffer(opts: { available: (ref: ConversationRef) => boolean }): Middleware {
  return async (ctx, next) => {
    await next();
    const transcript = ctx.message.direction === 'in' ? ctx.message.media?.transcript : undefined;
    if (!transcript || ctx.conversation.mode !== 'bot' || ctx.candidate.optedOut || !opts.available(ctx.conversation.ref)) return;
    const current = voiceRepliesSlice.read(ctx.conversation);
    if (current?.offered) return;
    const language = languageTag(transcript.language);
    ctx.conversation.state = voiceRepliesSlice.write(ctx.conversation.state, { offered: true, on: false, ...(language ? { language } : {}) });
    ctx.reply(say(ctx.conversation, 'offer'));
  };
}

/** `/voice on|off` (a candidate command). */
export function voiceCommand(opts: {
  available: (ref: ConversationRef) => boolean;
  /** The question the candidate is on (asked again after `/voice on`, so they hear it). */
  pendingPrompt?: (conversation: Conversation) => OutboundMessage | undefined;
}): (ctx: TurnContext, a: { args: string[] }) => void {
  return (ctx, { args }) => {
    const choice = args[0]?.toLowerCase();
    if (choice !== 'on' && choice !== 'off') {
      ctx.reply(say(ctx.conversation, 'usage'));
      return;
    }
    if (choice === 'on' && !opts.available(ctx.conversation.ref)) {
      ctx.reply(say(ctx.conversation, 'unavailable'));
      return;
    }
    const current = voiceRepliesSlice.read(ctx.conversation);
    ctx.conversation.state = voiceRepliesSlice.write(ctx.conversation.state, { ...current, offered: true, on: choice === 'on' });
    ctx.reply(say(ctx.conversation, choice));
    const pending = choice === 'on' && ctx.conversation.mode === 'bot' ? opts.pendingPrompt?.(ctx.conversation) : undefined;
    if (pending) ctx.reply(pending);
  };
}

export interface VoiceRepliesDeps {
  store: Store;
  log: Logger;
  synthesizer: () => SpeechSynthesizer | undefined;
  adapter: (channel: ChannelId) => ChannelAdapter | VoiceNoteSender | undefined;
}

/**
 * Speaks the bot's questions to candidates who turned voice replies on: on each `MessageSent`
 * of a bot message that asks something (has a `?`), the text is synthesised (cached per text and
 * language) and sent as a voice note after it. The text always goes first, through the outbox;
 * the voice note is best effort (a failure is logged, the candidate still has the text).
 *
 * @example
 * bus.subscribe((e) => replies.onEvent(e));
 */
export class VoiceReplies {
  constructor(private readonly deps: VoiceRepliesDeps) {}

  onEvent(event: DomainEvent): Promise<void> | undefined {
    if (event.type !== 'MessageSent' || event.actor !== 'bot' || !event.messageId || !event.conversationId) return undefined;
    return this.speak(event.conversationId, event.messageId, handedOverMessage(event)).catch((err: unknown) => {
      this.deps.log.warn({ err: errorMessage(err), messageId: event.messageId }, 'voice replies: question not sent as a voice note');
    });
  }

  /** `sent`: the row handed over with the event in this process (else it is read). */
  private async speak(conversationId: string, messageId: string, sent: Message | undefined): Promise<void> {
    const { store } = this.deps;
    const message = sent ?? (await store.getMessage(messageId));
    if (!message || message.author !== 'bot' || !message.text.includes('?') || message.text.length > MAX_SPOKEN_CHARS) return;
    const conversation = await store.getConversation(conversationId);
    const state = conversation && voiceRepliesSlice.read(conversation);
    if (!conversation || !state?.on || conversation.mode !== 'bot') return;
    const adapter = this.deps.adapter(message.channel);
    const synthesizer = this.deps.synthesizer();
    if (!canSendVoice(adapter) || adapter.speaks?.(conversation.ref) === false || !synthesizer) return;
    const speech = await synthesizer.synthesize(spoken(message.text), state.language ?? 'en');
    const durationSec = oggOpusDurationSec(speech.data);
    await adapter.sendVoice(conversation.ref, { data: speech.data, mime: speech.mime, text: message.text, messageId: message.id, ...(durationSec !== undefined ? { durationSec } : {}) });
  }
}

/** What is read aloud: the text without markdown marks and links. */
function spoken(text: string): string {
  return text
    .replace(/https?:\/\/\S+/g, '')
    .replace(/[*_`~#>]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
