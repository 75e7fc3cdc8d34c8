import { createHash } from 'node:crypto';
import { HrDesk, parseHrUsers } from '../../bots/hr-commands/index.js';
import { ValidationError } from '../../core/domain/index.js';
import { singleton, type Singleton } from '../cluster-fanout.js';
import { nodeName } from '../cluster.js';
import type { BlockedChats } from '../../channels/telegram/telegram-channel.js';
import type { Plugin, PluginContext, PluginModule } from './types.js';
import { registerVoiceChannel } from './voice.js';

const BLOCKED = 'telegram-blocked-chats';

/**
 * Telegram (when `TELEGRAM_BOT_TOKEN` is set), with HR commands for allowlisted users. What every
 * channel shares lives in its own plugins: voice notes (`voice`), STOP/START (`opt-out`), edits
 * and /interview (`conversation`).
 */
export const telegramPlugin: PluginModule = {
  name: 'telegram',
  offReason: 'TELEGRAM_BOT_TOKEN is not set',
  async create(ctx) {
    if (!ctx.config.TELEGRAM_BOT_TOKEN) return undefined;
    const telegram = await createTelegram(ctx, ctx.config.TELEGRAM_BOT_TOKEN);
    registerVoiceChannel(ctx, telegram.channel);
    let unsubscribe: (() => void) | undefined;
    // Cluster mode: one node long-polls (Telegram answers a second poller with 409), chosen by a
    // Redis lease; sends go straight to the Bot API from any node. Webhook mode needs no lease.
    const polling = telegram.mode === 'polling' && ctx.config.REDIS_URL ? await pollingLease(ctx, ctx.config.REDIS_URL, telegram.channel) : undefined;
    const plugin: Plugin = {
      name: 'telegram',
      summary: `on (${telegram.mode}, ${telegram.hrUsers} HR user${telegram.hrUsers === 1 ? '' : 's'})`,
      adapters: [telegram.channel],
      async start() {
        const desk = telegram.desk;
        // Returned, not voided: the bus waits for the relay in `idle()` and reports its failure.
        if (desk) unsubscribe = ctx.bus.subscribe((event) => desk.onEvent(event));
        if (polling) polling.start();
        else await telegram.channel.start();
      },
      async stop() {
        unsubscribe?.();
        if (polling) await polling.stop();
        else await telegram.channel.stop();
      },
      health: () => ({ telegram: { mode: telegram.mode, hrUsers: telegram.hrUsers, ...(polling ? { polling: polling.isHolder ? 'this node' : 'another node' } : {}) } }),
    };
    return plugin;
  },
};

function pollingLease(ctx: PluginContext, url: string, channel: { start(): Promise<void>; stop(): Promise<void> }): Promise<Singleton> {
  const log = ctx.log.child({ channel: 'telegram' });
  return singleton({ url, prefix: ctx.config.CLUSTER_REDIS_PREFIX, node: nodeName(ctx.config), log, name: 'telegram-polling', what: 'Telegram long polling', start: () => channel.start(), stop: () => channel.stop() });
}

/**
 * Chats that blocked the bot, in the kv store. Asked on every inbound message and every send, so
 * in embedded mode (no `REDIS_URL`: this process is the only one that writes the namespace) the
 * set is read once and then kept in memory beside the store; cluster nodes read the store each
 * time, since another node may have added or cleared a block.
 */
export function blockedChats(ctx: Pick<PluginContext, 'store' | 'clock' | 'config'>): BlockedChats {
  const stored: BlockedChats = {
    has: async (chatId) => (await ctx.store.kvGet(BLOCKED, chatId)) !== undefined,
    add: (chatId) => ctx.store.kvSet(BLOCKED, chatId, { at: ctx.clock.now().toISOString() }),
    delete: (chatId) => ctx.store.kvDelete(BLOCKED, chatId),
  };
  if (ctx.config.REDIS_URL) return stored;
  let known: Promise<Set<string>> | undefined;
  const load = () => (known ??= ctx.store.kvList(BLOCKED).then((rows) => new Set(rows.map((r) => r.key))));
  return {
    has: async (chatId) => (await load()).has(chatId),
    add: async (chatId) => {
      const set = await load();
      await stored.add(chatId);
      set.add(chatId);
    },
    delete: async (chatId) => {
      const set = await load();
      await stored.delete(chatId);
      set.delete(chatId);
    },
  };
}

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
    blockedChats: blockedChats(ctx),
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
