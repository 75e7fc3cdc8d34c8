import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { ProviderError } from '../../core/domain/index.js';
import { OpenAiTranscriber } from './openai-transcriber.js';

const audio = { data: readFileSync(new URL('../../test/__fixtures__/audio/my-name-is.ogg', import.meta.url)), mime: 'audio/ogg', filename: 'voice.ogg' };
const transcriber = (model?: string) => new OpenAiTranscriber({ apiKey: 'sk-test', baseURL: 'http://openai.test/v1', ...(model ? { model } : {}) });

/** nock hands binary (multipart) bodies over hex-encoded. */
const multipart = (b: string) => (/^[0-9a-f]+$/.test(b) ? Buffer.from(b, 'hex').toString('latin1') : b);

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('OpenAiTranscriber', () => {
  it('posts the audio to /audio/transcriptions with whisper-1 and reads verbose_json', async () => {
    let body = '';
    nock('http://openai.test', { reqheaders: { authorization: 'Bearer sk-test' } })
      .post('/v1/audio/transcriptions', (b: string) => ((body = multipart(b)), true))
      .reply(200, {
        task: 'transcribe',
        language: 'english',
        duration: 1.9,
        text: 'My name is Ana Lima.',
        segments: [{ id: 0, seek: 0, start: 0, end: 1.9, text: ' My name is Ana Lima.', tokens: [1], temperature: 0, avg_logprob: -0.2, compression_ratio: 0.8, no_speech_prob: 0.01 }],
      });
    const result = await transcriber().transcribe(audio);
    expect(result).toEqual({ text: 'My name is Ana Lima.', language: 'english', durationSec: 1.9, confidence: 0.819 });
    expect(body).toContain('name="model"');
    expect(body).toContain('whisper-1');
    expect(body).toContain('verbose_json');
    expect(body).toContain('OpusHead');
  });

  it('asks newer models for plain json', async () => {
    let body = '';
    nock('http://openai.test').post('/v1/audio/transcriptions', (b: string) => ((body = multipart(b)), true)).reply(200, { text: 'hello' });
    expect(await transcriber('gpt-4o-mini-transcribe').transcribe(audio)).toEqual({ text: 'hello' });
    expect(body).toContain('gpt-4o-mini-transcribe');
    expect(body).not.toContain('verbose_json');
  });

  it('429 becomes a retryable ProviderError with retry-after', async () => {
    nock('http://openai.test').post('/v1/audio/transcriptions').reply(429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }, { 'retry-after': '2' });
    const err = await transcriber().transcribe(audio).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ status: 429, retryAfterMs: 2000, permanent: false, providerCode: 'rate_limit_exceeded' });
  });

  it('401 (bad key) is permanent', async () => {
    nock('http://openai.test').post('/v1/audio/transcriptions').reply(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
    await expect(transcriber().transcribe(audio)).rejects.toMatchObject({ status: 401, permanent: true });
  });
});
