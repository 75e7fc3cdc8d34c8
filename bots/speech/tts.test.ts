import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oggOpusDurationSec } from '../../core/voice/index.js';
import { CachedSynthesizer, EspeakSynthesizer, OpenAiSynthesizer } from './tts.js';
import { commandsOnPath, requireSystemPackage } from '../../test/support/system-deps.js';

const OGG = readFileSync(new URL('../../test/__fixtures__/audio/my-name-is.ogg', import.meta.url));
const hasEspeak = requireSystemPackage('espeak-ng and opus-tools', commandsOnPath('espeak-ng', 'opusenc'), 'apt-get install -y espeak-ng opus-tools');

/** An OpenAI-compatible `/audio/speech`: records requests, answers with `reply`. */
let server: Server;
let base = '';
const requests: { auth: string | undefined; body: Record<string, unknown> }[] = [];
let reply: { status: number; body: Buffer } = { status: 200, body: OGG };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
      res.writeHead(req.url === '/v1/audio/speech' ? reply.status : 404, { 'content-type': 'audio/ogg' }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => {
  server.close();
});

describe('OpenAiSynthesizer', () => {
  it('asks an OpenAI-compatible server for Opus and returns the Ogg file', async () => {
    reply = { status: 200, body: OGG };
    const speech = await new OpenAiSynthesizer({ apiKey: 'sk-x', baseURL: `${base}/`, model: 'tts-1', voice: 'nova' }).synthesize('What is your name?');
    expect(speech.data.equals(OGG)).toBe(true);
    expect(requests.at(-1)).toEqual({ auth: 'Bearer sk-x', body: { model: 'tts-1', voice: 'nova', input: 'What is your name?', response_format: 'opus' } });
  });

  it('refuses an answer that is not Ogg, and says what the server answered', async () => {
    reply = { status: 200, body: Buffer.from('ID3 an mp3') };
    await expect(new OpenAiSynthesizer({ apiKey: 'k', baseURL: base }).synthesize('Hi?')).rejects.toThrow(/did not return Ogg\/Opus/);
    reply = { status: 401, body: Buffer.from('{"error":{"message":"bad key"}}') };
    await expect(new OpenAiSynthesizer({ apiKey: 'k', baseURL: base }).synthesize('Hi?')).rejects.toThrow(/answered 401: .*bad key/);
  });
});

describe('CachedSynthesizer', () => {
  it('synthesises a text once per language, keeping it under <dataDir>/audio/tts', async () => {
    reply = { status: 200, body: OGG };
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-tts-'));
    const cached = new CachedSynthesizer(new OpenAiSynthesizer({ apiKey: 'k', baseURL: base }), dataDir);
    const before = requests.length;
    await cached.synthesize('Which role?', 'en');
    const again = await cached.synthesize('Which role?', 'en');
    await cached.synthesize('Which role?', 'es');
    expect(requests.length - before).toBe(2);
    expect(again).toMatchObject({ cached: true });
    expect(again.data.equals(OGG)).toBe(true);
    expect(readdirSync(join(dataDir, 'audio', 'tts'))).toHaveLength(2);
  });
});

(hasEspeak ? describe : describe.skip)('EspeakSynthesizer (espeak-ng + opusenc)', () => {
  it('speaks text into an Ogg/Opus voice note, in the language asked', async () => {
    const tts = new EspeakSynthesizer();
    const en = await tts.synthesize('What is your name? --help $(rm -rf /)', 'en');
    expect(en.data.subarray(0, 4).toString('latin1')).toBe('OggS');
    expect(oggOpusDurationSec(en.data)).toBeGreaterThan(1);
    const es = await tts.synthesize('¿Cómo te llamas?', 'es-ES');
    expect(es.data.subarray(0, 4).toString('latin1')).toBe('OggS');
    expect(es.data.equals(en.data)).toBe(false);
  });
});
