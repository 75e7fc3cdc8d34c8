const OGG_CAPTURE = Buffer.from('OggS');
const OPUS_HEAD = Buffer.from('OpusHead');
/** Opus granule positions always count 48 kHz samples, whatever the input rate was. */
const OPUS_RATE = 48_000;

/**
 * Duration of an Ogg/Opus file in seconds, read from the last page's granule position minus
 * the encoder's pre-skip; undefined when the data is not Ogg/Opus. Channels that do not say
 * how long a voice note is (some WhatsApp providers) still get the duration check.
 *
 * @example
 * oggOpusDurationSec(readFileSync('hello.ogg')) // 4.48
 */
export function oggOpusDurationSec(data: Buffer): number | undefined {
  if (data.length < 28 || !data.subarray(0, 4).equals(OGG_CAPTURE)) return undefined;
  const head = data.indexOf(OPUS_HEAD);
  if (head < 0 || head + 12 > data.length) return undefined;
  const preSkip = data.readUInt16LE(head + 10);
  const last = data.lastIndexOf(OGG_CAPTURE);
  if (last < 0 || last + 14 > data.length) return undefined;
  const granule = data.readBigInt64LE(last + 6);
  // -1 marks a page on which no packet ends; a truncated file is better unknown than wrong.
  if (granule < 0n) return undefined;
  return Math.max(0, Number(granule) - preSkip) / OPUS_RATE;
}
