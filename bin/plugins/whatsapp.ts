import QRCode from 'qrcode';
import pino from 'pino';
import type { BaileysDeps, BaileysProvider, BaileysSocket, SocketFactory } from '../../channels/whatsapp/baileys/baileys-provider.js';
import { MetaCloudProvider } from '../../channels/whatsapp/meta-cloud/meta-provider.js';
import { metaWebhookRouter } from '../../channels/whatsapp/meta-cloud/webhook.js';
import type { WhatsAppProvider } from '../../channels/whatsapp/shared/provider.js';
import { applyStatusUpdate } from '../../channels/whatsapp/shared/status.js';
import type { TwilioProvider } from '../../channels/whatsapp/twilio/twilio-provider.js';
import { WhatsAppChannel } from '../../channels/whatsapp/whatsapp-channel.js';
import { leasedWhatsappWeb } from '../cluster-fanout.js';
import { nodeName } from '../cluster.js';
import { ConfigError, type Config } from '../config.js';
import { registerVoiceChannel } from './voice.js';
import type { Plugin, PluginContext, PluginModule } from './types.js';

/** What the WhatsApp plugin can be given instead of the real thing (tests drive Baileys with a fake socket). */
export interface WhatsappPluginDeps {
  baileys?: Partial<Pick<BaileysDeps, 'socketFactory' | 'sleep' | 'download'>>;
}

/**
 * WhatsApp: one channel, providers enabled by their own settings. The Twilio SDK and Baileys are
 * loaded only when their provider is configured (start-up time). `deps` replaces what tests fake
 * (the Baileys socket); `PLUGINS` holds the plain one, `whatsappPlugin`.
 *
 * @example
 * createParley(config, { log, plugins: [...others, createWhatsappPlugin({ baileys: { socketFactory: fake } })] });
 */
export function createWhatsappPlugin(deps: WhatsappPluginDeps = {}): PluginModule {
  return {
    name: 'whatsapp',
    offReason: 'no provider is configured: set WHATSAPP_ACCESS_TOKEN and friends (Meta), TWILIO_ACCOUNT_SID and friends (Twilio) or WHATSAPP_WEB_ENABLED=true (WhatsApp Web); see docs/whatsapp.md',
    create: (ctx) => createWhatsapp(ctx, deps),
  };
}

export const whatsappPlugin: PluginModule = createWhatsappPlugin();

async function createWhatsapp(ctx: PluginContext, deps: WhatsappPluginDeps): Promise<Plugin | undefined> {
  const providers: WhatsAppProvider[] = [];
  const meta = createMeta(ctx);
  if (meta) providers.push(meta);
  const twilioProvider = await createTwilio(ctx);
  if (twilioProvider) providers.push(twilioProvider);
  const socket = ctx.config.WHATSAPP_WEB_ENABLED ? await createBaileys(ctx, deps.baileys) : undefined;
  // Cluster mode: the one WhatsApp Web socket lives on the lease holder; other nodes relay their sends to it.
  const web = socket && ctx.config.REDIS_URL ? await leasedWhatsappWeb(socket, { url: ctx.config.REDIS_URL, prefix: ctx.config.CLUSTER_REDIS_PREFIX, node: nodeName(ctx.config), log: ctx.log.child({ channel: 'whatsapp', provider: 'baileys' }) }) : socket;
  if (web) providers.push(web);
  if (web) ctx.services.whatsappWeb = () => web.status();
  if (providers.length === 0) return undefined;
  const channel = new WhatsAppChannel(providers);
  // Voice notes on WhatsApp go through the same transcription pipeline as every channel.
  registerVoiceChannel(ctx, channel);
  return {
    name: 'whatsapp',
    summary: `on (${channel.providerNames.join(', ')})`,
    adapters: [channel],
    start: () => channel.start(),
    stop: () => channel.stop(),
    health: () => ({ whatsapp: { providers: channel.providerNames, ...(web ? { web: web.status().status } : {}) } }),
  };
}

function createMeta(ctx: PluginContext): MetaCloudProvider | undefined {
  const c: Config = ctx.config;
  if (!c.WHATSAPP_ACCESS_TOKEN && !c.WHATSAPP_PHONE_NUMBER_ID) return undefined;
  requireAll(c, ['WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN'], 'the Meta WhatsApp Cloud API');
  const log = ctx.log.child({ channel: 'whatsapp', provider: 'meta' });
  const provider = new MetaCloudProvider(
    {
      graphUrl: c.WHATSAPP_GRAPH_URL.replace(/\/$/, ''),
      phoneNumberId: c.WHATSAPP_PHONE_NUMBER_ID as string,
      accessToken: c.WHATSAPP_ACCESS_TOKEN as string,
      ...(c.WHATSAPP_TEMPLATE_NAME ? { template: { id: c.WHATSAPP_TEMPLATE_NAME, language: c.WHATSAPP_TEMPLATE_LANGUAGE } } : {}),
    },
    ctx.clock,
    log,
  );
  ctx.app.use(
    metaWebhookRouter({
      verifyToken: c.WHATSAPP_VERIFY_TOKEN as string,
      appSecret: c.WHATSAPP_APP_SECRET as string,
      receive: (inbound) => ctx.engine().receive(inbound),
      onStatus: (update) => applyStatusUpdate({ store: ctx.store, bus: ctx.bus, log }, update),
      markRead: (id) => provider.markRead(id),
      now: () => ctx.clock.now(),
      log,
    }),
  );
  return provider;
}

async function createTwilio(ctx: PluginContext): Promise<TwilioProvider | undefined> {
  const c: Config = ctx.config;
  if (!c.TWILIO_ACCOUNT_SID && !c.TWILIO_AUTH_TOKEN && !c.TWILIO_WHATSAPP_FROM) return undefined;
  requireAll(c, ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_WHATSAPP_FROM'], 'WhatsApp through Twilio');
  const log = ctx.log.child({ channel: 'whatsapp', provider: 'twilio' });
  // One import at a time: Jest's ESM loader fails on concurrent imports sharing a dependency.
  const { TwilioProvider } = await import('../../channels/whatsapp/twilio/twilio-provider.js');
  const { TWILIO_STATUS_PATH, twilioWebhookRouter } = await import('../../channels/whatsapp/twilio/webhook.js');
  if (!c.PUBLIC_URL) log.warn('PUBLIC_URL is not set: Twilio signatures are checked against http://HOST:PORT, which only works locally');
  const provider = new TwilioProvider(
    {
      accountSid: c.TWILIO_ACCOUNT_SID as string,
      authToken: c.TWILIO_AUTH_TOKEN as string,
      from: c.TWILIO_WHATSAPP_FROM as string,
      ...(c.TWILIO_API_BASE_URL ? { apiBaseUrl: c.TWILIO_API_BASE_URL } : {}),
      statusCallbackUrl: `${c.publicUrl}${TWILIO_STATUS_PATH}`,
      ...(c.TWILIO_TEMPLATE_CONTENT_SID ? { template: { id: c.TWILIO_TEMPLATE_CONTENT_SID, language: c.WHATSAPP_TEMPLATE_LANGUAGE } } : {}),
    },
    ctx.clock,
    log,
  );
  ctx.app.use(
    twilioWebhookRouter({
      authToken: c.TWILIO_AUTH_TOKEN as string,
      publicUrl: c.publicUrl,
      receive: (inbound) => ctx.engine().receive(inbound),
      onStatus: (update) => applyStatusUpdate({ store: ctx.store, bus: ctx.bus, log }, update),
      now: () => ctx.clock.now(),
      log,
    }),
  );
  return provider;
}


async function createBaileys(ctx: PluginContext, injected: WhatsappPluginDeps['baileys'] = {}): Promise<BaileysProvider> {
  const { BaileysProvider } = await import('../../channels/whatsapp/baileys/baileys-provider.js');
  // Baileys itself is loaded only when no socket factory is injected.
  const socketFactory = injected.socketFactory ?? (await realSocketFactory());
  return new BaileysProvider({
    socketFactory,
    ...(injected.sleep ? { sleep: injected.sleep } : {}),
    ...(injected.download ? { download: injected.download } : {}),
    kv: ctx.store,
    receive: (inbound) => ctx.engine().receive(inbound),
    reportError: (report) => ctx.engine().errors.report(report),
    clock: ctx.clock,
    log: ctx.log.child({ channel: 'whatsapp', provider: 'baileys' }),
    minSendIntervalMs: ctx.config.WHATSAPP_WEB_SEND_INTERVAL_MS,
    // On a terminal, draw the code to scan (stderr: stdout carries the JSON logs in production).
    showQr: async (qr) => {
      if (process.stderr.isTTY) process.stderr.write(`\nScan with WhatsApp > Linked devices:\n${await QRCode.toString(qr, { type: 'terminal', small: true })}\n`);
    },
  });
}

/** A provider half-configured is a mistake worth stopping for, naming what is missing. */
export function requireAll(config: Config, names: (keyof Config)[], what: string): void {
  const missing = names.filter((n) => !config[n]);
  if (missing.length) throw new ConfigError(missing.map((n) => `${String(n)}: required to enable ${what}`));
}

async function realSocketFactory(): Promise<SocketFactory> {
  const makeWASocket = (await import('@whiskeysockets/baileys')).default;
  return (opts) => makeWASocket({ auth: opts.auth, logger: pino({ level: 'warn' }), browser: ['Parley', 'Chrome', '1.0'], markOnlineOnConnect: false }) as unknown as BaileysSocket;
}
