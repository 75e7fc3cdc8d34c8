import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { FakeTelegramBotApi, TelegramChat } from './fakes/telegram-bot-api.js';
import { eventually, startParley, type TestParley } from './support/harness.js';

const SECRET = 'voice-secret';
const OGG = readFileSync(new URL('./__fixtures__/audio/my-name-is.ogg', import.meta.url));
const OGG_SHA256 = createHash('sha256').update(OGG).digest('hex');
const WHISPER = {
  task: 'transcribe',
  language: 'english',
  duration: 2.1,
  text: 'My name is Ana Lima.',
  segments: [{ id: 0, seek: 0, start: 0, end: 2.1, text: ' My name is Ana Lima.', tokens: [1], temperature: 0, avg_logprob: -0.1, compression_ratio: 0.9, no_speech_prob: 0.01 }],
};

let fake: FakeTelegramBotApi;
let withKey: TestParley;
let noKey: TestParley;
let nextChat = 730_000_001;
let nextFile = 1;

function chatOn(app: TestParley): TelegramChat {
  return new TelegramChat(fake, { webhook: `${app.url}/webhooks/telegram`, secret: SECRET }, nextChat++);
}

/** A candidate who has consented and been asked their name. */
async function atNameStep(app: TestParley): Promise<TelegramChat> {
  const c = chatOn(app);
  await c.ask('hi', /Do you agree/);
  await c.press('Yes, continue', /What is your name\?/);
  return c;
}

/** Send the fixture as a voice note; returns its file id. */
async function sendVoice(c: TelegramChat, opts: { duration?: number } = {}): Promise<string> {
  const fileId = `voice-file-${nextFile++}`;
  fake.addFile(fileId, OGG);
  expect(await c.send('voice', { fileId, ...opts })).toBe(200);
  return fileId;
}

async function voiceMessage(app: TestParley, c: TelegramChat) {
  const conversation = await app.parley.store.findConversationByRef({ channel: 'telegram', externalId: String(c.chatId) });
  const messages = await app.parley.store.listMessages(conversation!.id);
  return { conversation: conversation!, message: messages.find((m) => m.kind === 'voice')! };
}

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  fake = await FakeTelegramBotApi.start();
  const telegram = { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: 'https://parley.example.com' };
  withKey = await startParley({ ...telegram, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'http://openai.test/v1' });
  noKey = await startParley(telegram);
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  await withKey.stop();
  await noKey.stop();
  await fake.stop();
  nock.enableNetConnect();
});

describe('voice notes over Telegram', () => {
  it('a voice note is downloaded, stored with its hash, transcribed, and answered like text', async () => {
    const ana = await atNameStep(withKey);
    const whisper = nock('http://openai.test', { reqheaders: { authorization: 'Bearer sk-test' } })
      .post('/v1/audio/transcriptions', (body: string) => Buffer.from(body, 'hex').toString('latin1').includes('whisper-1'))
      .reply(200, WHISPER);
    const fileId = await sendVoice(ana);
    await ana.waitForBot(/Nice to meet you, Ana Lima! Which role/);
    expect(whisper.isDone()).toBe(true);
    expect(fake.callsTo('getFile').map((c) => c.payload.file_id)).toContain(fileId);
    expect(fake.callsTo('download').some((c) => c.payload.path === `voice/${fileId}.oga` && c.status === 200)).toBe(true);

    const { conversation, message } = await voiceMessage(withKey, ana);
    expect(message).toMatchObject({
      kind: 'voice',
      text: 'My name is Ana Lima.',
      status: 'processed',
      media: { mime: 'audio/ogg', size: OGG.length, durationSec: 2, sha256: OGG_SHA256, transcript: { text: 'My name is Ana Lima.', language: 'english', confidence: 0.905 } },
    });
    expect(message.media?.storedPath).toMatch(new RegExp(`${withKey.dataDir}/audio/${message.id}\\.ogg$`));
    expect(readFileSync(message.media!.storedPath!)).toEqual(OGG);
    const events = await withKey.parley.store.listEvents({ conversationId: conversation.id, types: ['VoiceNoteTranscribed'] });
    expect(events).toMatchObject([{ messageId: message.id, durationSec: 2, language: 'english' }]);
    expect(await withKey.parley.store.getCandidate(conversation.candidateId)).toMatchObject({ name: 'Ana Lima' });
  });

  it('a transcription failure is retried', async () => {
    const ana = await atNameStep(withKey);
    nock('http://openai.test').post('/v1/audio/transcriptions').reply(500, { error: { message: 'The server had an error' } });
    nock('http://openai.test').post('/v1/audio/transcriptions').reply(200, WHISPER);
    await sendVoice(ana);
    await ana.waitForBot(/Nice to meet you, Ana Lima!/, 0, 10_000);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('when transcription keeps failing the candidate is asked to type, and the audio is kept', async () => {
    const ana = await atNameStep(withKey);
    const failing = nock('http://openai.test').post('/v1/audio/transcriptions').times(3).reply(503, { error: { message: 'overloaded' } });
    await sendVoice(ana);
    await ana.waitForBot(/couldn't make out that voice note. Could you type your answer instead\?/, 0, 10_000);
    expect(failing.isDone()).toBe(true);
    const { conversation, message } = await voiceMessage(withKey, ana);
    expect(message).toMatchObject({ text: '', status: 'processed', media: { sha256: OGG_SHA256 } });
    expect(existsSync(message.media!.storedPath!)).toBe(true);
    expect(await withKey.parley.store.listEvents({ conversationId: conversation.id, types: ['TranscriptionFailed'] })).toMatchObject([{ messageId: message.id, error: expect.stringMatching(/openai:whisper-1: .*503/) }]);
    // The question is still open: a typed answer continues the intake.
    await ana.ask('Ana Lima', /Nice to meet you, Ana Lima!/);
  });

  it('a voice note longer than the limit is not downloaded; the candidate is asked to type', async () => {
    const ana = await atNameStep(withKey);
    const fileId = await sendVoice(ana, { duration: 600 });
    await ana.waitForBot(/longer than 5 minutes/);
    expect(fake.callsTo('getFile').map((c) => c.payload.file_id)).not.toContain(fileId);
  });

  it('feedback can be a voice note', async () => {
    const ana = await atNameStep(withKey);
    await ana.ask('/feedback', /Type your feedback or send a voice note/);
    nock('http://openai.test').post('/v1/audio/transcriptions').reply(200, { ...WHISPER, text: 'The questions were really clear, great experience!' });
    await sendVoice(ana);
    await ana.waitForBot(/Thank you for the feedback/);
    const { conversation } = await voiceMessage(withKey, ana);
    const [feedback] = await withKey.parley.store.listEvents({ conversationId: conversation.id, types: ['FeedbackReceived'] });
    expect(feedback).toMatchObject({ text: 'The questions were really clear, great experience!' });
    expect(feedback?.type === 'FeedbackReceived' && feedback.sentiment).toBeGreaterThan(0.5);
  });
});

describe('voice notes without a transcriber', () => {
  it('the candidate is asked, politely, to type instead; the audio is stored for the recruiters', async () => {
    const bo = await atNameStep(noKey);
    await sendVoice(bo);
    await bo.waitForBot(/Thanks for the voice note! I can't listen to voice messages here yet, so could you type your answer instead\?/);
    const { conversation, message } = await voiceMessage(noKey, bo);
    expect(message).toMatchObject({ kind: 'voice', text: '', media: { sha256: OGG_SHA256, durationSec: 2, mime: 'audio/ogg' } });
    expect(readFileSync(message.media!.storedPath!)).toEqual(OGG);
    expect(await noKey.parley.store.listEvents({ conversationId: conversation.id, types: ['TranscriptionFailed'] })).toMatchObject([{ error: 'no transcriber configured' }]);
    await eventually(async () => (await noKey.parley.store.getMessage(message.id))?.status === 'processed', 'voice turn done');
  });
});
