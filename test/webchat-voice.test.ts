/**
 * The web chat's voice-note upload (`POST /chat/voice`) through its real route and socket: who may
 * post, what is accepted (sniffed from the bytes), the limits, and an accepted note transcribed
 * (nock on OPENAI_BASE_URL), answered, and its transcript sent to the page.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { ChatClient, startParley, type TestParley } from './support/harness.js';

const OGG = readFileSync(new URL('./__fixtures__/audio/my-name-is.ogg', import.meta.url));
const WHISPER = { task: 'transcribe', language: 'english', duration: 2.1, text: 'My name is Ana Lima.', segments: [] };
let app: TestParley;
let short: TestParley;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  const openai = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'http://openai.test/v1', VOICE_SYNTHESIZER: 'none' };
  app = await startParley(openai);
  // The fixture lasts about 2 s: over this instance's limit.
  short = await startParley({ ...openai, VOICE_MAX_DURATION_SEC: '1' });
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  await app.stop();
  await short.stop();
  nock.enableNetConnect();
});

/** A started chat at the name question. */
async function atName(on: TestParley): Promise<ChatClient> {
  const c = await ChatClient.connect(on.url);
  await c.ask('hi', /Do you agree/);
  await c.ask('yes', /What is your name\?/);
  return c;
}

function post(on: TestParley, body: Buffer, headers: Record<string, string>): Promise<Response> {
  return fetch(`${on.url}/chat/voice`, { method: 'POST', headers: { 'content-type': 'audio/ogg', ...headers }, body: new Uint8Array(body) });
}

describe('POST /chat/voice', () => {
  it('a recorded Ogg/Opus note is transcribed and answered, and the page gets its transcript', async () => {
    const c = await atName(app);
    nock('http://openai.test').post('/v1/audio/transcriptions').reply(200, WHISPER);
    const transcript = new Promise<{ messageId: string; text: string }>((resolve) => c.socket.once('transcript', resolve));
    const res = await post(app, OGG, { authorization: `Bearer ${c.sessionId}`, 'x-client-message-id': 'voice-1' });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await c.waitForBot(/Nice to meet you, Ana Lima!/, { timeoutMs: 10_000 });
    expect(await transcript).toEqual({ messageId: id, text: 'My name is Ana Lima.' });
    const stored = await app.parley.store.getMessage(id);
    expect(stored).toMatchObject({ kind: 'voice', channel: 'webchat', text: 'My name is Ana Lima.', media: { mime: 'audio/ogg', size: OGG.length } });
    // One copy, with the message (which erasure deletes); the upload's is gone.
    expect(readFileSync(stored!.media!.storedPath!)).toEqual(OGG);
    await app.parley.engine.idle();
    expect(readdirSync(join(app.dataDir, 'audio', 'webchat'))).toEqual([]);
    // The same upload again (a retry after a lost answer) is the same message.
    const again = await post(app, OGG, { authorization: `Bearer ${c.sessionId}`, 'x-client-message-id': 'voice-1' });
    expect(await again.json()).toMatchObject({ id, duplicate: true });
    c.close();
  });

  it('refuses a browser without a started chat, and a secret it does not know', async () => {
    const fresh = await ChatClient.connect(app.url);
    expect((await post(app, OGG, { authorization: `Bearer ${fresh.sessionId}` })).status).toBe(401);
    expect((await post(app, OGG, {})).status).toBe(401);
    fresh.close();
  });

  it('sniffs the type from the bytes: a PDF sent as audio/ogg is refused', async () => {
    const c = await atName(app);
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n'.repeat(20));
    const res = await post(app, pdf, { authorization: `Bearer ${c.sessionId}` });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ error: "That recording isn't Opus audio (Ogg or WebM)." });
    c.close();
  });

  it('refuses notes over the size and the duration limits', async () => {
    const c = await atName(app);
    const big = Buffer.concat([OGG, Buffer.alloc(1_600_000)]);
    expect((await post(app, big, { authorization: `Bearer ${c.sessionId}` })).status).toBe(413);
    const s = await atName(short);
    const long = await post(short, OGG, { authorization: `Bearer ${s.sessionId}` });
    expect(long.status).toBe(413);
    expect(await long.json()).toEqual({ error: 'That voice note is longer than 1 seconds. Please record a shorter one.' });
    c.close();
    s.close();
  });
});
