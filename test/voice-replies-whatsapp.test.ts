/**
 * Voice replies on WhatsApp (Meta Cloud API, nock): after /voice on, the current question is
 * uploaded as Ogg/Opus (`POST /<phone id>/media`) and sent as an audio message after its text.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { eventually, startParley, type TestParley } from './support/harness.js';
import { fixture } from './support/fixtures.js';
import { commandsOnPath, requireSystemPackage } from './support/system-deps.js';
import { fakeGraphSends, fakeTwilioSends, graphText, metaText, postMeta, postTwilio, TWILIO_ACCOUNT_SID, TWILIO_WEBHOOK, twilioText, type GraphSend } from './support/whatsapp-webhooks.js';
import { oggOpusDurationSec } from '../core/voice/index.js';

const OGG = readFileSync(new URL('./__fixtures__/audio/my-name-is.ogg', import.meta.url));
const WHISPER = { task: 'transcribe', language: 'english', duration: 2.1, text: 'My name is Ana Lima.', segments: [] };
const SECRET = 'meta-secret';
const installed = commandsOnPath('espeak-ng', 'opusenc');

if (requireSystemPackage('espeak-ng and opus-tools', installed, 'apt-get install -y espeak-ng opus-tools')) {
  let app: TestParley;
  const graph: GraphSend[] = [];
  const texts = () => graph.filter((m) => m.type !== 'audio').map(graphText);
  const audioMessages = () => graph.filter((m) => m.type === 'audio' && m.audio);
  const uploads: { type: string; file: Buffer }[] = [];

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    app = await startParley({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'http://openai.test/v1', VOICE_SYNTHESIZER: 'espeak-ng', WHATSAPP_ACCESS_TOKEN: 'tok', WHATSAPP_PHONE_NUMBER_ID: '1111', WHATSAPP_APP_SECRET: SECRET, WHATSAPP_VERIFY_TOKEN: 'v', WHATSAPP_GRAPH_URL: 'http://graph.test/v21.0' });
    fakeGraphSends('http://graph.test/v21.0', '1111', graph);
    nock('http://graph.test', { reqheaders: { authorization: 'Bearer tok' } }).persist().post('/v21.0/1111/media').reply(200, async (req: unknown) => {
      const form = await (req as Request).formData();
      const file = form.get('file') as Blob;
      uploads.push({ type: String(form.get('type')), file: Buffer.from(await file.arrayBuffer()) });
      return { id: `media-${uploads.length}` };
    });
    nock('http://graph.test').persist().get('/v21.0/1456734321337090').reply(200, { url: 'http://media.test/download/1456734321337090', mime_type: 'audio/ogg', id: '1456734321337090' });
    nock('http://media.test').persist().get('/download/1456734321337090').reply(200, OGG, { 'content-type': 'audio/ogg' });
  });
  afterAll(async () => {
    await app.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  let n = 0;
  async function deliver(payload: unknown): Promise<void> {
    const res = await postMeta(app.url, payload, SECRET);
    expect(res.status).toBe(200);
  }
  const text = (t: string) => metaText(t, `wamid.in.${++n}`);
  const said = (re: RegExp) => eventually(() => texts().some((t) => re.test(t)), String(re), 15_000);

  describe('voice replies on WhatsApp (Meta)', () => {
    it('after /voice on the question is uploaded as Ogg/Opus and sent as an audio message', async () => {
      nock('http://openai.test').post('/v1/audio/transcriptions').reply(200, WHISPER);
      await deliver(text('hi'));
      await said(/agree to continue/);
      await deliver(text('yes'));
      await said(/What is your name/);
      await deliver(fixture('whatsapp/meta/voice.json'));
      await said(/Nice to meet you, Ana Lima!/);
      await said(/Send \/voice on/);
      expect(uploads).toEqual([]);
      await deliver(text('/voice on'));
      await said(/Voice replies are on/);
      await eventually(() => audioMessages().length === 1, 'the question as an audio message', 20_000);
      expect(uploads).toHaveLength(1);
      expect(uploads[0]!.type).toBe('audio/ogg');
      const file = uploads[0]!.file;
      expect(file.subarray(0, 4).toString('latin1')).toBe('OggS');
      expect(file.includes(Buffer.from('OpusHead'))).toBe(true);
      expect(oggOpusDurationSec(file)).toBeGreaterThan(1);
      expect(audioMessages()[0]!.audio).toEqual({ id: 'media-1' });
      expect(texts().some((t) => /Which role/.test(t))).toBe(true);
    });

    it('is not offered over Twilio, which cannot send one', async () => {
      const SID = TWILIO_ACCOUNT_SID;
      const twilioApp = await startParley({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'http://openai.test/v1', VOICE_SYNTHESIZER: 'espeak-ng', PUBLIC_URL: 'https://parley.example.com', TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'tt', TWILIO_WHATSAPP_FROM: '+14155238886', TWILIO_API_BASE_URL: 'http://twilio.test' });
      try {
        const forms: URLSearchParams[] = [];
        fakeTwilioSends('http://twilio.test', SID, forms);
        const sent = () => forms.map((f) => f.get('Body') ?? '');
        nock('http://twilio.test').get(/\/Media\/ME1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d$/).reply(200, OGG, { 'content-type': 'audio/ogg' });
        nock('http://openai.test').post('/v1/audio/transcriptions').reply(200, WHISPER);
        let m = 0;
        const deliverTwilio = (params: Record<string, string>) => postTwilio(twilioApp.url, TWILIO_WEBHOOK, params, { token: 'tt', publicUrl: 'https://parley.example.com' });
        const textT = (t: string) => twilioText(t, `SMin${++m}`);
        const saidT = (re: RegExp) => eventually(() => sent().some((t) => re.test(t)), String(re), 15_000);
        await deliverTwilio(textT('hi'));
        await saidT(/agree to continue/);
        await deliverTwilio(textT('yes'));
        await saidT(/What is your name/);
        await deliverTwilio(fixture('whatsapp/twilio/voice.json'));
        await saidT(/Nice to meet you, Ana Lima!/);
        await deliverTwilio(textT('/voice on'));
        await saidT(/can't send voice notes here/);
        await twilioApp.parley.engine.idle();
        expect(sent().some((t) => /voice on/.test(t) && /hear my questions/.test(t))).toBe(false);
      } finally {
        await twilioApp.stop();
      }
    });
  });
}
