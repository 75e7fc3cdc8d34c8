import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { oggOpusDurationSec } from './ogg.js';

const voice = readFileSync(new URL('../../test/__fixtures__/audio/my-name-is.ogg', import.meta.url));

describe('oggOpusDurationSec', () => {
  it('reads the duration of a real Ogg/Opus voice note (espeak-ng + opusenc)', () => {
    const sec = oggOpusDurationSec(voice);
    expect(sec).toBeGreaterThan(1);
    expect(sec).toBeLessThan(3);
  });

  it('is undefined for anything that is not Ogg/Opus', () => {
    expect(oggOpusDurationSec(Buffer.from('ID3\u0003 an mp3 header and more bytes here'))).toBeUndefined();
    expect(oggOpusDurationSec(Buffer.alloc(0))).toBeUndefined();
    expect(oggOpusDurationSec(voice.subarray(0, 20))).toBeUndefined();
  });
});
