import { createHash } from 'node:crypto';
import { interviewCommand, optOutGate, systemMessagesRecordOnly } from '../../bots/commands/index.js';
import { HrDesk, parseHrUsers } from '../../bots/hr-commands/index.js';
import { ValidationError, type ChannelId } from '../../core/domain/index.js';
import type { ChannelAdapter, Transcriber } from '../../core/ports/index.js';
import { voiceMiddleware } from '../../core/voice/index.js';
import type { Config } from '../config.js';
import type { Plugin, PluginContext, PluginModule, PluginServices } from './types.js';

const BLOCKED = 'telegram-blocked-chats';

/** Channels whose voice notes the shared voice middleware fetches, per Parley instance. */
const voiceChannels = new WeakMap<PluginServices, Map<ChannelId, ChannelAdapter>>();

/**
 * Let the shared voice middleware (registered once, by this plugin) fetch voice notes from a
 * channel: call it from any plugin that creates an adapter with `fetchMedia`.
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
 * Telegram (when `TELEGRAM_BOT_TOKEN` is set) with HR commands for allowlisted users, plus what
 * every channel shares and this plugin owns: the voice-note pipeline and transcriber, the
 * opt-out gate, `/interview` wired to the interview's pending question, and edits recorded
 * without a reply. The shared parts are on with or without a token.
 */
export const telegramPlugin: PluginModule = {
  name: 'telegram',
  async create(ctx) {
    const transcriber = await chooseTranscriber(ctx.config);
    if (transcriber && !ctx.services.transcriber) ctx.services.transcriber = transcriber;
    const telegram = ctx.config.TELEGRAM_BOT_TOKEN ? await createTelegram(ctx, ctx.config.TELEGRAM_BOT_TOKEN) : undefined;
    if (telegram) registerVoiceChannel(ctx, telegram.channel);
    const voice = voiceMiddleware({
      transcriber: () => ctx.services.transcriber,
      // Channels nobody registered are passed on untouched (another voice middleware may own them).
      adapters: channelsFor(ctx.services),
      dataDir: ctx.config.dataDir,
      maxDurationSec: ctx.config.VOICE_MAX_DURATION_SEC,
    });
    let unsubscribe: (() => void) | undefined;
    const voiceSummary = `voice notes: ${ctx.services.transcriber ? `transcribed by ${ctx.services.transcriber.name}` : 'not transcribed (set OPENAI_API_KEY or VOICE_TRANSCRIBER=pocketsphinx)'}`;
    const plugin: Plugin = {
      name: 'telegram',
      // This plugin also carries what every channel shares (voice notes, opt-out): say which part is on.
      summary: telegram
        ? `on (${telegram.mode}, ${telegram.hrUsers} HR user${telegram.hrUsers === 1 ? '' : 's'}); ${voiceSummary}`
        : `off (TELEGRAM_BOT_TOKEN is not set); ${voiceSummary}`,
      adapters: telegram ? [telegram.channel] : [],
      middleware: { preprocess: [systemMessagesRecordOnly, voice], beforeGate: [optOutGate()] },
      candidateCommands: { interview: interviewCommand(() => ctx.services.pendingPrompt) },
      async start() {
        const desk = telegram?.desk;
        if (desk) unsubscribe = ctx.bus.subscribe((event) => void desk.onEvent(event));
        await telegram?.channel.start();
      },
      async stop() {
        unsubscribe?.();
        await telegram?.channel.stop();
      },
      health: () => ({
        telegram: telegram ? { mode: telegram.mode, hrUsers: telegram.hrUsers } : 'off',
        voice: { transcriber: ctx.services.transcriber?.name ?? 'none' },
      }),
    };
    return plugin;
  },
};

async function createTelegram(ctx: PluginContext, token: string) {
  const { config } = ctx;
  // grammY is loaded only when a bot token asks for it (start-up time).
  const { TelegramChannel } = await import('../../channels/telegram/index.js');
  const mode = config.TELEGRAM_MODE === 'auto' ? (config.PUBLIC_URL ? 'webhook' : 'polling') : config.TELEGRAM_MODE;
  if (mode === 'webhook' && !config.PUBLIC_URL) throw new ValidationError('TELEGRAM_MODE=webhook needs PUBLIC_URL: the https address Telegram calls');
  const users = parseHrUsers(config.TELEGRAM_HR_USERS);
  let desk: HrDesk | undefined;
  const channel = new TelegramChannel({
    token,
    apiRoot: config.TELEGRAM_API_ROOT,
    mode,
    webhookUrl: `${config.publicUrl}/webhooks/telegram`,
    // Unset: derived from the token, so the webhook is never open to forged updates.
    webhookSecret: config.TELEGRAM_WEBHOOK_SECRET ?? createHash('sha256').update(`parley-webhook:${token}`).digest('hex'),
    pollTimeoutSec: config.TELEGRAM_POLL_TIMEOUT_SEC,
    receive: (inbound) => ctx.engine().receive(inbound),
    // HR users are routed before the engine, so their messages never create candidates.
    staff: { isStaff: (id) => users.has(id), handle: (m) => desk?.handle(m) ?? Promise.resolve() },
    blockedChats: {
      has: async (chatId) => (await ctx.store.kvGet(BLOCKED, chatId)) !== undefined,
      add: (chatId) => ctx.store.kvSet(BLOCKED, chatId, { at: ctx.clock.now().toISOString() }),
      delete: (chatId) => ctx.store.kvDelete(BLOCKED, chatId),
    },
    clock: ctx.clock,
    log: ctx.log.child({ channel: 'telegram' }),
  });
  channel.attach(ctx.app);
  if (users.size > 0) {
    desk = new HrDesk({
      store: ctx.store,
      engine: () => ctx.engine(),
      clock: ctx.clock,
      log: ctx.log.child({ module: 'hr-desk' }),
      users,
      channel: 'telegram',
      send: (chatId, message) => channel.notify(chatId, message),
      pendingPrompt: () => ctx.services.pendingPrompt,
      scheduleInterview: () => ctx.services.scheduleInterview,
      reportError: (report) => ctx.engine().errors.report(report),
    });
    const hr = desk;
    ctx.services.hrBroadcast ??= (text, kind) => hr.broadcast(text, kind);
  }
  return { channel, desk, mode, hrUsers: users.size };
}

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
