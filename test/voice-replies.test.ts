/**
 * Voice replies end to end on Telegram: a candidate answers by voice note, is offered voice
 * replies, turns them on with /voice on, and hears the questions as real Ogg/Opus voice notes
 * (espeak-ng + opusenc) sent with sendVoice to the fake Bot API; /voice off stops them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { FakeTelegramBotApi, TelegramChat } from './fakes/telegram-bot-api.js';
import { eventually, startParley, type TestParley } from './support/harness.js';
import { commandsOnPath, requireSystemPackage } from './support/system-deps.js';

const SECRET = 'voice-replies-secret';
const OGG = readFileSync(new URL('./__fixtures__/audio/my-name-is.ogg', import.meta.url));
const WHISPER = { task: 'transcribe', language: 'english', duration: 2.1, text: 'My name is Ana Lima.', segments: [] };

const installed = commandsOnPath('espeak-ng', 'opusenc', 'opusinfo');

/** opus-tools' own reading of a file: "Playback length: 0m:03.21s" (independent of Parley's Ogg parser). */
function opusinfoSeconds(data: Buffer, dir: string): number {
  const file = join(dir, `check-${Date.now()}-${Math.random().toString(36).slice(2)}.ogg`);
  execFileSync('sh', ['-c', 'cat > "$1"', 'sh', file], { input: data });
  const out = execFileSync('opusinfo', [file]).toString();
  const m = /Playback length: (\d+)m:([\d.]+)s/.exec(out);
  if (!m) throw new Error(`opusinfo did not report a length:\n${out}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

interface SentVoice {
  chat_id: string;
  duration?: string;
  voice: { filename: string; data: Buffer };
}

if (requireSystemPackage('espeak-ng and opus-tools', installed, 'apt-get install -y espeak-ng opus-tools')) {
  let fake: FakeTelegramBotApi;
  let app: TestParley;
  let nextChat = 740_000_001;
  let nextFile = 1;

  const voicesTo = (c: TelegramChat): SentVoice[] =>
    fake.callsTo('sendVoice').filter((x) => x.status === 200 && String(x.payload.chat_id) === String(c.chatId)).map((x) => x.payload as unknown as SentVoice);

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    fake = await FakeTelegramBotApi.start();
    app = await startParley({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      PUBLIC_URL: 'https://parley.example.com',
      // Transcription through OpenAI (nock); speech offline, as on a server without a TTS key.
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: 'http://openai.test/v1',
      VOICE_SYNTHESIZER: 'espeak-ng',
    });
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    await app.stop();
    await fake.stop();
    nock.enableNetConnect();
  });

  /** Consent, then the name as a voice note: the bot answers, then offers voice replies. */
  async function answeredByVoice(): Promise<TelegramChat> {
    const c = new TelegramChat(fake, { webhook: `${app.url}/webhooks/telegram`, secret: SECRET }, nextChat++);
    await c.ask('hi', /Do you agree/);
    await c.press('Yes, continue', /What is your name\?/);
    nock('http://openai.test').post('/v1/audio/transcriptions').reply(200, WHISPER);
    const fileId = `reply-voice-${nextFile++}`;
    fake.addFile(fileId, OGG);
    const from = c.replies.length;
    expect(await c.send('voice', { fileId })).toBe(200);
    await c.waitForBot(/Nice to meet you, Ana Lima! Which role/, from, 10_000);
    await c.waitForBot(/hear my questions as voice notes too\? Send \/voice on/, from);
    return c;
  }

  describe('voice replies (text to speech) on Telegram', () => {
    it('after /voice on, the current question comes as text and as a real Ogg/Opus voice note', async () => {
      const ana = await answeredByVoice();
      // Offered, not on: nothing spoken yet.
      expect(voicesTo(ana)).toEqual([]);

      const from = ana.replies.length;
      await ana.ask('/voice on', /Voice replies are on/);
      const question = await ana.waitForBot(/Which role/, from);
      await eventually(() => voicesTo(ana).length === 1, 'the question sent as a voice note', 20_000);
      const [sent] = voicesTo(ana);
      const audio = sent!.voice.data;
      // Ogg container, Opus stream: what Telegram plays as a voice message.
      expect(audio.subarray(0, 4).toString('latin1')).toBe('OggS');
      expect(audio.includes(Buffer.from('OpusHead'))).toBe(true);
      const seconds = opusinfoSeconds(audio, app.dataDir);
      // Spoken at ~160 words a minute, "Nice to meet you, Ana Lima! Which role are you applying for?" and the like take seconds, not tens of them.
      expect(seconds).toBeGreaterThan(1);
      expect(seconds).toBeLessThan(30);
      expect(Number(sent!.duration)).toBe(Math.max(1, Math.round(seconds)));
      // The text came first and is unchanged.
      expect(question).toMatch(/Which role/);
      // Cached under the audio directory, which the retention job empties.
      const cache = join(app.dataDir, 'audio', 'tts');
      expect(existsSync(cache) && readdirSync(cache).some((f) => readFileSync(join(cache, f)).equals(audio))).toBe(true);
    });

    it('/voice off stops them; the questions keep coming as text', async () => {
      const bo = await answeredByVoice();
      const from = bo.replies.length;
      await bo.ask('/voice on', /Voice replies are on/);
      await bo.waitForBot(/Which role/, from);
      await eventually(() => voicesTo(bo).length === 1, 'first question spoken', 20_000);
      await bo.ask('/voice off', /Voice replies are off/);
      await bo.ask('banana', /role/i);
      // Turns, sends and the reactions to their events (the voice replies) all done.
      await app.parley.engine.idle();
      expect(voicesTo(bo)).toHaveLength(1);
    });
  });
}
