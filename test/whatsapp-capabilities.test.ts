/**
 * Capabilities per WhatsApp provider, lowered once in the core (core/engine/lower.ts): a turn
 * that replies with three choices shows buttons on Meta and numbered text on Twilio and WhatsApp
 * Web; a long label or body is never silently cut. Each provider is driven through its real
 * entry point (signed Meta webhook, signed Twilio form post, Baileys' socket events) and the
 * replies are read where WhatsApp would get them (the faked Graph and Twilio APIs, the socket).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { AuthenticationState, WAMessage } from '@whiskeysockets/baileys';
import nock from 'nock';
import { PLUGINS, type PluginModule } from '../bin/plugins/index.js';
import type { BaileysSocket } from '../channels/whatsapp/baileys/baileys-provider.js';
import type { OutboundMessage } from '../core/domain/index.js';
import { pluginsWithBaileys } from './support/baileys.js';
import { eventually, startParley, type TestParley } from './support/harness.js';
import { fakeGraphSends, fakeTwilioSends, graphChoices, graphText, META, metaEnv, metaText, nockLoopbackOnly, postMeta, postTwilio, TWILIO, TWILIO_WEBHOOK, twilioEnv, twilioText, type GraphSend } from './support/whatsapp-webhooks.js';

const PHONE = '4915112345678';

/** What the candidate's phone shows: a message's text and its buttons or list rows (none: plain text). */
interface Shown {
  text: string;
  buttons?: string[];
  rows?: string[];
}

const MENU: OutboundMessage = {
  text: 'When suits you for a call?',
  choices: [
    { id: 'am', label: 'Morning' },
    { id: 'pm', label: 'Afternoon' },
    { id: 'eve', label: 'Evening' },
  ],
};
const LONG_LABEL = 'Thursday afternoon, after the team standup';
/** 300 numbered words (about 2,100 characters): over Meta's 1,024-character interactive body and Twilio's 1,600. */
const LONG_BODY = Array.from({ length: 300 }, (_, i) => `word${i + 1}`).join(' ');
const LONG: OutboundMessage = {
  text: LONG_BODY,
  choices: [
    { id: 'thu', label: LONG_LABEL },
    { id: 'fri', label: 'Friday' },
    { id: 'no', label: 'None of these' },
  ],
};

/** Whether the turn saw buttons in its capabilities (`ctx.capabilities`), per turn. */
let turnSawButtons: boolean[] = [];

/** Replies to "menu" and "long" in the first middleware slot: a turn whose reply carries choices. */
const menuPlugin: PluginModule = {
  name: 'test-menu',
  create: async () => ({
    name: 'test-menu',
    middleware: {
      preprocess: [
        async (ctx, next) => {
          turnSawButtons.push(ctx.capabilities.buttons);
          if (ctx.message.text === 'menu') ctx.reply(MENU);
          else if (ctx.message.text === 'long') ctx.reply(LONG);
          else await next();
        },
      ],
    },
  }),
};

interface Driver {
  env: Record<string, string>;
  plugins: PluginModule[];
  listen(): void;
  shown(): Shown[];
  say(app: TestParley, text: string): Promise<void>;
  stop(): void;
}

let seq = 0;
const nextId = () => ++seq;

const META_ENV = metaEnv();

function metaDriver(): Driver {
  const sent: GraphSend[] = [];
  return {
    env: META_ENV,
    plugins: [...PLUGINS, menuPlugin],
    listen: () => void fakeGraphSends(META.graphUrl, META.phoneNumberId, sent),
    shown: () =>
      sent.map((m) => {
        const i = m.interactive;
        if (!i) return { text: graphText(m) };
        const titles = graphChoices(m).map((c) => c.title);
        return i.type === 'button' ? { text: i.body.text, buttons: titles } : { text: i.body.text, rows: titles };
      }),
    async say(app, text) {
      const res = await postMeta(app.url, metaText(text, `wamid.in.${nextId()}`, { from: PHONE, timestamp: String(Math.floor(Date.now() / 1000)) }), META.secret);
      expect(res.status).toBe(200);
    },
    stop: () => nock.cleanAll(),
  };
}

function twilioDriver(): Driver {
  const sent: URLSearchParams[] = [];
  return {
    // Meta is configured too (and is the channel's default provider): a Twilio conversation must
    // still get Twilio's capabilities.
    env: { ...META_ENV, ...twilioEnv() },
    plugins: [...PLUGINS, menuPlugin],
    listen: () => void fakeTwilioSends(TWILIO.api, TWILIO.accountSid, sent),
    shown: () => sent.map((form) => ({ text: form.get('Body') ?? '' })),
    async say(app, text) {
      const res = await postTwilio(app.url, TWILIO_WEBHOOK, twilioText(text, `SMin${String(nextId()).padStart(30, '0')}`, { from: PHONE }), TWILIO);
      expect(res.status).toBe(200);
    },
    stop: () => nock.cleanAll(),
  };
}

/** The slice of the Baileys socket Parley uses; records what it was asked to send. */
class FakeSocket {
  readonly ev = new EventEmitter();
  readonly sent: Shown[] = [];
  constructor(readonly auth: AuthenticationState) {}
  async sendMessage(jid: string, content: Record<string, unknown>) {
    // Only plain text reaches a linked device; anything else (buttons) would not show.
    expect(Object.keys(content)).toEqual(['text']);
    this.sent.push({ text: content.text as string });
    return { key: { id: `BAE5${nextId()}`, remoteJid: jid, fromMe: true } } as WAMessage;
  }
  async sendPresenceUpdate() {}
  end() {}
}

function baileysDriver(): Driver {
  let socket: FakeSocket | undefined;
  return {
    env: { ...META_ENV, WHATSAPP_WEB_ENABLED: 'true', WHATSAPP_WEB_SEND_INTERVAL_MS: '0' },
    plugins: [
      ...pluginsWithBaileys({
        socketFactory: (opts) => {
          socket = new FakeSocket(opts.auth);
          setImmediate(() => socket?.ev.emit('connection.update', { connection: 'open' }));
          return socket as unknown as BaileysSocket;
        },
      }),
      menuPlugin,
    ],
    listen() {},
    shown: () => socket?.sent ?? [],
    async say(_app, text) {
      await eventually(() => Boolean(socket), 'the WhatsApp Web socket');
      const message = { key: { remoteJid: `${PHONE}@s.whatsapp.net`, fromMe: false, id: `3EB0${String(nextId()).padStart(16, '0')}` }, messageTimestamp: Math.floor(Date.now() / 1000), pushName: 'Ana Lima', broadcast: false, message: { conversation: text } };
      socket!.ev.emit('messages.upsert', { messages: [message], type: 'notify' });
    },
    stop() {},
  };
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
/** Everything the phone shows, in order, as one string (buttons and rows included). */
const allText = (shown: Shown[]) => collapse(shown.map((s) => [s.text, ...(s.buttons ?? []), ...(s.rows ?? [])].join(' ')).join(' '));

nockLoopbackOnly();

describe('WhatsApp capabilities per provider, lowered once in the core', () => {
  let app: TestParley | undefined;
  let driver: Driver | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    driver?.stop();
  });

  async function start(make: () => Driver): Promise<{ d: Driver; a: TestParley }> {
    turnSawButtons = [];
    driver = make();
    driver.listen();
    app = await startParley(driver.env, { plugins: driver.plugins });
    return { d: driver, a: app };
  }

  it('Meta Cloud API: three choices are reply buttons with their labels', async () => {
    const { d, a } = await start(metaDriver);
    await d.say(a, 'menu');
    await eventually(() => d.shown().length > 0, 'the reply');
    expect(d.shown()).toEqual([{ text: 'When suits you for a call?', buttons: ['Morning', 'Afternoon', 'Evening'] }]);
    // The turn itself saw the conversation's provider's capabilities.
    expect(turnSawButtons).toEqual([true]);
  });

  it.each([
    ['Twilio', twilioDriver],
    ['WhatsApp Web (Baileys)', baileysDriver],
  ])('%s: three choices are numbered text (the provider has no buttons)', async (_name, make) => {
    const { d, a } = await start(make);
    await d.say(a, 'menu');
    await eventually(() => d.shown().length > 0, 'the reply');
    expect(d.shown()).toEqual([{ text: 'When suits you for a call?\n\n1. Morning\n2. Afternoon\n3. Evening' }]);
    expect(turnSawButtons).toEqual([false]);
  });

  it('Meta Cloud API: a long label is cut with an ellipsis and kept whole in the body; a long body is split, not cut', async () => {
    const { d, a } = await start(metaDriver);
    await d.say(a, 'long');
    await eventually(() => d.shown().some((s) => s.buttons), 'the message with buttons');
    const shown = d.shown();
    const last = shown[shown.length - 1]!;
    // Meta's limits: 20-character button titles, 1,024-character interactive bodies.
    expect(last.buttons).toEqual(['Thursday afternoon…', 'Friday', 'None of these']);
    for (const s of shown) expect(s.text.length).toBeLessThanOrEqual(s.buttons ? 1024 : 4096);
    expect(shown.length).toBeGreaterThan(1);
    expect(last.text).toContain(`1. ${LONG_LABEL}\n2. Friday\n3. None of these`);
    // Every word of the body reaches the phone, in order.
    expect(allText(shown)).toContain(collapse(LONG_BODY));
    expect(allText(shown)).toContain('word300');
  });

  it('Twilio: a body over 1,600 characters arrives in parts, none cut', async () => {
    const { d, a } = await start(twilioDriver);
    await d.say(a, 'long');
    await eventually(() => allText(d.shown()).includes('3. None of these'), 'the last part with the choices');
    const shown = d.shown();
    expect(shown.length).toBeGreaterThan(1);
    for (const s of shown) expect(s.text.length).toBeLessThanOrEqual(1600);
    expect(allText(shown)).toBe(collapse(`${LONG_BODY}\n\n1. ${LONG_LABEL}\n2. Friday\n3. None of these`));
  });
});
