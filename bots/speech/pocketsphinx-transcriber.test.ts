import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { requireSystemPackage } from '../../test/support/system-deps.js';
import { PocketsphinxTranscriber } from './pocketsphinx-transcriber.js';

const audio = { data: readFileSync(new URL('../../test/__fixtures__/audio/my-name-is.ogg', import.meta.url)), mime: 'audio/ogg' };
const installed = requireSystemPackage('pocketsphinx', await PocketsphinxTranscriber.available(), 'apt-get install pocketsphinx pocketsphinx-en-us opus-tools');

describe('PocketsphinxTranscriber (offline, Debian packages)', () => {
  (installed ? it : it.skip)('transcribes a real Ogg/Opus voice note offline', async () => {
    const result = await new PocketsphinxTranscriber().transcribe(audio);
    expect(result.language).toBe('en');
    expect(result.text).toMatch(/my name is/);
  });

  (installed ? it : it.skip)('a file that is not audio fails permanently (no retries)', async () => {
    await expect(new PocketsphinxTranscriber().transcribe({ data: Buffer.from('not audio at all'), mime: 'audio/ogg' })).rejects.toMatchObject({ permanent: true });
  });

  it('formats it cannot decode fail permanently when ffmpeg is missing', async () => {
    const t = new PocketsphinxTranscriber({ ffmpeg: 'parley-no-such-ffmpeg' });
    await expect(t.transcribe({ data: Buffer.from('ID3'), mime: 'audio/mpeg' })).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/cannot decode audio\/mpeg/) });
  });
});
