import { ValidationError, type ChannelId, type ConversationRef, type Message } from '../../core/domain/index.js';
import { mountVoiceUpload, WebchatVoice } from '../../channels/webchat/voice-upload.js';
import type { ChannelAdapter, Transcriber } from '../../core/ports/index.js';
import { VoiceReplies, canSendVoice, voiceCommand, voiceMiddleware, voiceRepliesOffer, type SpeechSynthesizer } from '../../core/voice/index.js';
import type { Config } from '../config.js';
import type { PluginContext, PluginModule, PluginServices } from './types.js';

/** Channels whose voice notes the voice middleware fetches, per Parley instance. */
const voiceChannels = new WeakMap<PluginServices, Map<ChannelId, ChannelAdapter>>();

/**
 * Let the voice pipeline fetch voice notes from a channel: call it from any plugin that creates
 * an adapter with `fetchMedia`.
 *
 * @example
 * registerVoiceChannel(ctx, whatsappAdapter); // voice notes on WhatsApp are now transcribed
 */
export function registerVoiceChannel(ctx: Pick<PluginContext, 'services'>, adapter: ChannelAdapter): void {
  channelsFor(ctx.services).set(adapter.id, adapter);
}

function channelsFor(services: PluginServices): Map<ChannelId, ChannelAdapter> {
  let channels = voiceChannels.get(services);
  if (!channels) voiceChannels.set(services, (channels = new Map()));
  return channels;
}

/**
 * Voice notes on every channel (always on): the transcriber (OpenAI with `OPENAI_API_KEY`, or
 * offline PocketSphinx with `VOICE_TRANSCRIBER=pocketsphinx`) and the voice middleware that
 * fetches, keeps and transcribes the audio of the channels registered with `registerVoiceChannel`.
 * Without a transcriber the candidate is asked to type (the audio is kept for recruiters).
 */
export const voicePlugin: PluginModule = {
  name: 'voice',
  async create(ctx) {
    const transcriber = await chooseTranscriber(ctx.config);
    const channels = channelsFor(ctx.services);
    // Voice notes recorded in the chat page: uploaded over HTTP, then the same pipeline.
    const webchat = new WebchatVoice(ctx.io, ctx.config.dataDir);
    mountVoiceUpload(ctx.app, {
      engine: ctx.engine,
      sessions: ctx.ports.webchatSessions,
      clock: ctx.clock,
      log: ctx.log,
      dataDir: ctx.config.dataDir,
      sessionTtlDays: ctx.config.WEBCHAT_SESSION_TTL_DAYS,
      maxDurationSec: ctx.config.VOICE_MAX_DURATION_SEC,
    });
    if (transcriber && !ctx.services.transcriber) ctx.services.transcriber = transcriber;
    const voice = voiceMiddleware({
      transcriber: () => ctx.services.transcriber,
      // Channels nobody registered are passed on untouched (another voice middleware may own them).
      adapters: (ch) => channels.get(ch) ?? (ch === 'webchat' ? webchat : undefined),
      dataDir: ctx.config.dataDir,
      maxDurationSec: ctx.config.VOICE_MAX_DURATION_SEC,
    });
    const synthesizer = await chooseSynthesizer(ctx.config);
    const voiceOut = (ch: ChannelId) => channels.get(ch) ?? (ch === 'webchat' ? webchat : undefined);
    const speaks = (ref: ConversationRef) => {
      const out = voiceOut(ref.channel);
      return synthesizer !== undefined && canSendVoice(out) && out.speaks?.(ref) !== false;
    };
    const replies = new VoiceReplies({ store: ctx.store, log: ctx.log, synthesizer: () => synthesizer, adapter: voiceOut });
    let unsubscribe: (() => void) | undefined;
    const showTranscript = async (conversationId: string, messageId: string) => {
      const [conversation, message] = await Promise.all([ctx.store.getConversation(conversationId), ctx.store.getMessage(messageId)]);
      if (conversation?.ref.channel === 'webchat' && message?.media?.transcript) webchat.showTranscript(conversation.ref, messageId, message.media.transcript.text);
      await dropUpload(messageId, message);
    };
    async function dropUpload(messageId: string, known?: Message): Promise<void> {
      const message = known ?? (await ctx.store.getMessage(messageId));
      if (message?.channel === 'webchat' && message.media) await webchat.uploaded(message.media);
    }
    return {
      name: 'voice',
      summary: ctx.services.transcriber ? `on (transcribed by ${ctx.services.transcriber.name})` : 'on, not transcribed (set OPENAI_API_KEY or VOICE_TRANSCRIBER=pocketsphinx): candidates are asked to type',
      middleware: { preprocess: [voice, voiceRepliesOffer({ available: speaks })] },
      candidateCommands: { voice: voiceCommand({ available: speaks, pendingPrompt: (c) => ctx.services.pendingPrompt?.(c) }) },
      health: () => ({ voice: { transcriber: ctx.services.transcriber?.name ?? 'none', synthesizer: synthesizer?.name ?? 'none' } }),
      async start() {
        unsubscribe = ctx.bus.subscribe((e) => {
          // The chat page shows what its voice note said, under the note.
          if (e.type === 'VoiceNoteTranscribed' && e.conversationId) return showTranscript(e.conversationId, e.messageId);
          if (e.type === 'TranscriptionFailed') return dropUpload(e.messageId);
          return replies.onEvent(e);
        });
      },
      async stop() {
        unsubscribe?.();
      },
    };
  },
};

async function chooseTranscriber(config: Config): Promise<Transcriber | undefined> {
  const choice = config.VOICE_TRANSCRIBER;
  if (choice === 'none') return undefined;
  if (choice === 'pocketsphinx') {
    const { PocketsphinxTranscriber } = await import('../../bots/speech/pocketsphinx-transcriber.js');
    if (!(await PocketsphinxTranscriber.available())) {
      throw new ValidationError('VOICE_TRANSCRIBER=pocketsphinx needs the Debian packages pocketsphinx, pocketsphinx-en-us and opus-tools (apt-get install -y pocketsphinx pocketsphinx-en-us opus-tools)');
    }
    return new PocketsphinxTranscriber();
  }
  if (!config.OPENAI_API_KEY) {
    if (choice === 'openai') throw new ValidationError('VOICE_TRANSCRIBER=openai needs OPENAI_API_KEY');
    return undefined;
  }
  // The OpenAI SDK (~150 modules) is loaded only when a key asks for it.
  const { OpenAiTranscriber } = await import('../../bots/speech/openai-transcriber.js');
  return new OpenAiTranscriber({ apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL, model: config.OPENAI_TRANSCRIBE_MODEL });
}

/** Text to speech for voice replies, cached under `<dataDir>/audio/tts/` (erased with the audio). */
async function chooseSynthesizer(config: Config): Promise<SpeechSynthesizer | undefined> {
  const choice = config.VOICE_SYNTHESIZER;
  if (choice === 'none') return undefined;
  const { CachedSynthesizer, EspeakSynthesizer, OpenAiSynthesizer } = await import('../../bots/speech/tts.js');
  if (choice === 'openai' || (choice === 'auto' && config.OPENAI_API_KEY)) {
    if (!config.OPENAI_API_KEY) throw new ValidationError('VOICE_SYNTHESIZER=openai needs OPENAI_API_KEY');
    const openai = new OpenAiSynthesizer({ apiKey: config.OPENAI_API_KEY, model: config.OPENAI_TTS_MODEL, voice: config.OPENAI_TTS_VOICE, ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}) });
    return new CachedSynthesizer(openai, config.dataDir);
  }
  if (!(await EspeakSynthesizer.available())) {
    if (choice === 'espeak-ng') throw new ValidationError('VOICE_SYNTHESIZER=espeak-ng needs the Debian packages espeak-ng and opus-tools (apt-get install -y espeak-ng opus-tools)');
    return undefined;
  }
  return new CachedSynthesizer(new EspeakSynthesizer(), config.dataDir);
}
