/**
 * A voice note on each WhatsApp provider, end to end: media fetched from the provider (nock /
 * the fake socket), transcribed via nock on OPENAI_BASE_URL, and answered from the transcript.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { EventEmitter } from 'node:events';
import type { WAMessage } from '@whiskeysockets/baileys';
import type { BaileysSocket } from '../channels/whatsapp/baileys/baileys-provider.js';
import { pluginsWithBaileys } from './support/baileys.js';
import { eventually, startParley, type TestParley } from './support/harness.js';
import { fixture } from './support/fixtures.js';
import { fakeGraphSends, fakeTwilioSends, graphText, metaText, nockLoopbackOnly, postMeta, postTwilio, TWILIO_ACCOUNT_SID, TWILIO_WEBHOOK, twilioText, type GraphSend } from './support/whatsapp-webhooks.js';

const OGG = readFileSync(new URL('./__fixtures__/audio/my-name-is.ogg', import.meta.url));
const WHISPER = { task: 'transcribe', language: 'english', duration: 2.1, text: 'My name is Ana Lima.', segments: [] };
const openai = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'http://openai.test/v1' };
const PHONE = '+4915112345678';

let app: TestParley | undefined;
nockLoopbackOnly();
afterEach(async () => {
  await app?.stop();
  app = undefined;
  nock.cleanAll();
});

/** Get the conversation to the name question, then deliver the voice note and expect the answer. */
async function expectVoiceAnswered(say: (text: string) => Promise<void>, voice: () => Promise<void>, replies: () => string[]) {
  nock('http://openai.test').post('/v1/audio/transcriptions').reply(200, WHISPER);
  await say('hi');
  await eventually(() => replies().some((t) => /agree to continue/.test(t)), 'consent question');
  await say('yes');
  await eventually(() => replies().some((t) => /What is your name/.test(t)), 'name question');
  await voice();
  await eventually(() => replies().some((t) => /Nice to meet you, Ana Lima!/.test(t)), 'the answer to the voice note', 10_000);
  const conv = await app!.parley.store.findConversationByRef({ channel: 'whatsapp', externalId: PHONE });
  const stored = (await app!.parley.store.listMessages(conv!.id)).find((m) => m.kind === 'voice');
  expect(stored).toMatchObject({ text: 'My name is Ana Lima.', media: { size: OGG.length, transcript: { text: 'My name is Ana Lima.' } } });
  expect(stored?.media?.sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(stored?.media?.storedPath).toBeDefined();
}

describe('WhatsApp voice notes', () => {
  it('Meta Cloud API: media id -> URL -> download with the bearer token', async () => {
    const SECRET = 'meta-secret';
    app = await startParley({ ...openai, WHATSAPP_ACCESS_TOKEN: 'tok', WHATSAPP_PHONE_NUMBER_ID: '1111', WHATSAPP_APP_SECRET: SECRET, WHATSAPP_VERIFY_TOKEN: 'v', WHATSAPP_GRAPH_URL: 'http://graph.test/v21.0' });
    const graph: GraphSend[] = [];
    fakeGraphSends('http://graph.test/v21.0', '1111', graph);
    nock('http://graph.test', { reqheaders: { authorization: 'Bearer tok' } }).get('/v21.0/1456734321337090').reply(200, { url: 'http://media.test/download/1456734321337090', mime_type: 'audio/ogg', id: '1456734321337090' });
    nock('http://media.test', { reqheaders: { authorization: 'Bearer tok' } }).get('/download/1456734321337090').reply(200, OGG, { 'content-type': 'audio/ogg' });
    let n = 0;
    const deliver = (payload: unknown) => postMeta(app!.url, payload, SECRET).then(() => undefined);
    await expectVoiceAnswered((t) => deliver(metaText(t, `wamid.in.${++n}`)), () => deliver(fixture('whatsapp/meta/voice.json')), () => graph.map(graphText));
  });

  it('Twilio: MediaUrl0 downloaded with the account credentials', async () => {
    const SID = TWILIO_ACCOUNT_SID;
    app = await startParley({ ...openai, PUBLIC_URL: 'https://parley.example.com', TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'tt', TWILIO_WHATSAPP_FROM: '+14155238886', TWILIO_API_BASE_URL: 'http://twilio.test' });
    const sent: URLSearchParams[] = [];
    fakeTwilioSends('http://twilio.test', SID, sent);
    const basic = `Basic ${Buffer.from(`${SID}:tt`).toString('base64')}`;
    nock('http://twilio.test', { reqheaders: { authorization: basic } }).get(/\/Media\/ME1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d$/).reply(200, OGG, { 'content-type': 'audio/ogg' });
    let n = 0;
    const deliver = (params: Record<string, string>) => postTwilio(app!.url, TWILIO_WEBHOOK, params, { token: 'tt', publicUrl: 'https://parley.example.com' }).then(() => undefined);
    await expectVoiceAnswered((t) => deliver(twilioText(t, `SMin${++n}`)), () => deliver(fixture('whatsapp/twilio/voice.json')), () => sent.map((f) => f.get('Body') ?? ''));
  });

  it('WhatsApp Web: audioMessage (ptt) downloaded with Baileys media download', async () => {
    const sockets: { ev: EventEmitter; sent: string[] }[] = [];
    const socketFactory = () => {
      const s = {
        ev: new EventEmitter(),
        sent: [] as string[],
        async sendMessage(_jid: string, c: { text: string }) {
          s.sent.push(c.text);
          return { key: { id: `BAE${s.sent.length}` } } as WAMessage;
        },
        async sendPresenceUpdate() {},
        end() {},
      };
      sockets.push(s);
      return s as unknown as BaileysSocket;
    };
    // The fake socket cannot decrypt WhatsApp media: the download step is what Baileys'
    // downloadMediaMessage would return for this message.
    const download = async (m: WAMessage) => {
      expect(m.message?.audioMessage?.ptt).toBe(true);
      return OGG;
    };
    app = await startParley({ ...openai, WHATSAPP_WEB_ENABLED: 'true' }, { plugins: pluginsWithBaileys({ socketFactory, download }) });
    const sock = sockets[0]!;
    sock.ev.emit('connection.update', { connection: 'open' });
    let n = 0;
    const say = async (t: string) => void sock.ev.emit('messages.upsert', { type: 'notify', messages: [{ ...fixture<WAMessage>('whatsapp/baileys/text.json'), key: { remoteJid: '4915112345678@s.whatsapp.net', fromMe: false, id: `IN${++n}` }, message: { conversation: t } }] });
    await expectVoiceAnswered(say, async () => void sock.ev.emit('messages.upsert', { type: 'notify', messages: [fixture('whatsapp/baileys/voice-note.json')] }), () => sock.sent);
  });
});
