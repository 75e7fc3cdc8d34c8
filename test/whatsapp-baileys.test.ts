/**
 * WhatsApp Web (Baileys) driven with recorded `WAMessage` objects through a fake socket: the
 * adapter takes its socket factory as a dependency. A live pairing with a phone cannot be tested
 * here (no network, no phone).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { AuthenticationState, WAMessage } from '@whiskeysockets/baileys';
import type { BaileysSocket, SocketFactory } from '../channels/whatsapp/baileys/baileys-provider.js';
import { pluginsWithBaileys } from './support/baileys.js';
import { eventually, opsGet, startParley, type TestParley } from './support/harness.js';
import { fixture } from './support/fixtures.js';

/** Speaks the slice of the Baileys socket Parley uses. */
class FakeSocket {
  readonly ev = new EventEmitter();
  readonly sent: { jid: string; text: string }[] = [];
  ended = false;
  constructor(readonly auth: AuthenticationState) {}
  async sendMessage(jid: string, content: { text: string }) {
    this.sent.push({ jid, text: content.text });
    return { key: { id: `BAE5${this.sent.length}`, remoteJid: jid, fromMe: true } } as WAMessage;
  }
  async sendPresenceUpdate() {}
  end() {
    this.ended = true;
  }
  upsert(...messages: WAMessage[]) {
    this.ev.emit('messages.upsert', { messages, type: 'notify' });
  }
  open() {
    this.ev.emit('connection.update', { connection: 'open' });
  }
  close(statusCode: number) {
    this.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error: Object.assign(new Error('closed'), { output: { statusCode } }) } });
  }
}

let sockets: FakeSocket[];
let app: TestParley;
/** Every reconnect delay the provider asked for; resolved at once (no real waiting). */
let sleeps: number[];
const socketFactory: SocketFactory = (opts) => {
  const s = new FakeSocket(opts.auth);
  sockets.push(s);
  return s as unknown as BaileysSocket;
};
const plugins = () => pluginsWithBaileys({ socketFactory, sleep: async (ms) => void sleeps.push(ms) });
const latest = () => sockets.at(-1) as FakeSocket;
const wa = (name: string) => fixture<WAMessage>(`whatsapp/baileys/${name}.json`);
const texts = () => sockets.flatMap((s) => s.sent.map((m) => m.text));

beforeEach(async () => {
  sockets = [];
  sleeps = [];
  app = await startParley({ WHATSAPP_WEB_ENABLED: 'true' }, { plugins: plugins() });
});
afterEach(async () => {
  await app.stop();
});

describe('WhatsApp Web (Baileys)', () => {
  it('shows the QR code while pairing, then answers candidates once connected', async () => {
    latest().ev.emit('connection.update', { qr: '2@AbCdEf0123456789,ZyXwVu==,MTIzNDU2Nzg5MA==' });
    let health = (await (await opsGet(`${app.url}/health`)).json()) as { whatsapp: { web: string } };
    expect(health.whatsapp.web).toBe('waiting-for-qr-scan');
    latest().open();
    latest().upsert(wa('text'));
    await eventually(() => texts().some((t) => /agree to continue/.test(t)), 'the consent question');
    expect(latest().sent.every((m) => m.jid === '4915112345678@s.whatsapp.net')).toBe(true);
    expect(texts().find((t) => /agree to continue/.test(t))).toMatch(/1\. Yes, continue\n2\. No$/);
    latest().upsert(wa('extended-text'));
    await eventually(() => texts().some((t) => /What is your name/.test(t)), 'the name question');
    health = (await (await opsGet(`${app.url}/health`)).json()) as { whatsapp: { web: string } };
    expect(health.whatsapp.web).toBe('connected');
    const conv = await app.parley.store.findConversationByRef({ channel: 'whatsapp', externalId: '+4915112345678' });
    expect(conv?.ref.provider).toBe('baileys');
  });

  it('ignores its own messages and status broadcasts, and stores a repeated key.id once', async () => {
    latest().open();
    latest().upsert(wa('from-me'), wa('status-broadcast'));
    latest().upsert(wa('text'));
    latest().upsert(wa('text'));
    await eventually(() => texts().some((t) => /agree to continue/.test(t)), 'the consent question');
    await eventually(async () => (await app.parley.store.listPendingInbound()).length === 0, 'turns to finish');
    const conv = await app.parley.store.findConversationByRef({ channel: 'whatsapp', externalId: '+4915112345678' });
    const inbound = (await app.parley.store.listMessages(conv!.id)).filter((m) => m.direction === 'in');
    expect(inbound.map((m) => m.text)).toEqual(['hi']);
    expect(texts().filter((t) => /agree to continue/.test(t))).toHaveLength(1);
  });

  it('stores every message of an upsert [20,000 characters with a bad timestamp, ok]: the long one clipped and marked', async () => {
    latest().open();
    const cv = `My CV. ${'Ten years of Python. '.repeat(1000)}`.slice(0, 20_000);
    const long = fixture<WAMessage>('whatsapp/baileys/text.json', (m) => {
      m.key.id = 'LONG1';
      m.messageTimestamp = Number.NaN;
      m.message = { conversation: cv };
    });
    const after = fixture<WAMessage>('whatsapp/baileys/text.json', (m) => (m.key.id = 'AFTER1'));
    latest().upsert(long, after);
    await eventually(() => texts().some((t) => /agree to continue/.test(t)), 'the consent question');
    const conv = await app.parley.store.findConversationByRef({ channel: 'whatsapp', externalId: '+4915112345678' });
    const inbound = (await app.parley.store.listMessages(conv!.id)).filter((m) => m.direction === 'in');
    expect(inbound.map((m) => m.providerMessageId)).toEqual(['LONG1', 'AFTER1']);
    expect(inbound[0]!.text).toHaveLength(16_000);
    expect(inbound[0]!.text).toMatch(/\[message clipped: the first 15,9\d\d of 20,000 characters are kept\]$/);
    expect(inbound[0]!.clipped).toEqual({ originalLength: 20_000 });
  });

  it('retries a message the store could not write before taking the next: both stored once, in order, answered', async () => {
    latest().open();
    const store = app.parley.store;
    const recordInbound = store.recordInbound.bind(store);
    let busy = 2;
    store.recordInbound = async (...args) => {
      if (busy > 0) {
        busy--;
        throw new Error('SQLITE_BUSY: database is locked');
      }
      return recordInbound(...args);
    };
    const second = fixture<WAMessage>('whatsapp/baileys/text.json', (m) => {
      m.key.id = 'SECOND1';
      m.message = { conversation: 'are you there?' };
    });
    latest().upsert(wa('text'), second);
    await eventually(() => texts().some((t) => /agree to continue/.test(t)), 'the consent question');
    await app.parley.engine.idle();
    const conv = await store.findConversationByRef({ channel: 'whatsapp', externalId: '+4915112345678' });
    const inbound = (await store.listMessages(conv!.id)).filter((m) => m.direction === 'in');
    expect(inbound.map((m) => m.text)).toEqual(['hi', 'are you there?']);
    // The retry's two pauses came first (250 ms then 500 ms, less up to half for jitter; the fake
    // sleep answers at once); later waits are the send interval. No reconnect.
    expect(sleeps[0]).toBeGreaterThanOrEqual(125);
    expect(sleeps[0]).toBeLessThanOrEqual(250);
    expect(sleeps[1]).toBeGreaterThanOrEqual(250);
    expect(sleeps[1]).toBeLessThanOrEqual(500);
    expect(sockets).toHaveLength(1);
  });

  it('keeps the auth state in the store, so a restart needs no new QR', async () => {
    const first = latest();
    first.auth.creds.me = { id: '4915100000000:7@s.whatsapp.net', name: 'Parley' };
    first.ev.emit('creds.update', {});
    await eventually(async () => Boolean(await app.parley.store.kvGet('whatsapp-web-auth', 'creds')), 'creds saved');
    await first.auth.keys.set({ 'pre-key': { '1': { public: Buffer.from([1, 2, 3]), private: Buffer.from([4, 5, 6]) } } });
    const dir = app.dataDir;
    await app.parley.stop();
    app = await startParley({ WHATSAPP_WEB_ENABLED: 'true', PARLEY_DATA_DIR: dir }, { plugins: plugins() });
    expect(latest()).not.toBe(first);
    expect(latest().auth.creds.me?.id).toBe('4915100000000:7@s.whatsapp.net');
    expect(latest().auth.creds.noiseKey.public).toEqual(first.auth.creds.noiseKey.public);
    const keys = await latest().auth.keys.get('pre-key', ['1']);
    expect(Buffer.from(keys['1']!.public)).toEqual(Buffer.from([1, 2, 3]));
  });

  it('reconnects when the connection drops, but not when the phone logged the session out', async () => {
    latest().open();
    latest().close(428);
    await eventually(() => sockets.length === 2, 'a reconnect', 10_000);
    // One back-off wait (1 s, answered at once here) before the new socket.
    expect(sleeps).toEqual([1000]);
    latest().open();
    latest().close(401);
    // The logged-out branch ends by clearing the stored pairing: once that is seen it has returned,
    // and with sleeps instant a reconnect would already have asked for its wait.
    const health = async () => ((await (await opsGet(`${app.url}/health`)).json()) as { whatsapp: { web: string } }).whatsapp.web;
    await eventually(async () => (await health()) === 'logged-out' && (await app.parley.store.kvList('whatsapp-web-auth')).length === 0, 'the logged-out state, pairing cleared', 10_000);
    expect(sleeps).toEqual([1000]);
    expect(sockets).toHaveLength(2);
  });
});
