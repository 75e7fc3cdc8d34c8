import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderError } from '../../core/domain/index.js';
import type { SpeechSynthesizer, SynthesizedSpeech } from '../../core/voice/index.js';
import { onPath, run } from './process.js';

/** espeak-ng voices for the languages Parley ships catalogues for; anything else speaks English. */
const ESPEAK_VOICES: Record<string, string> = { en: 'en', es: 'es', pt: 'pt', fr: 'fr', de: 'de' };

export interface EspeakOptions {
  espeak?: string;
  opusenc?: string;
  /** Words per minute (espeak-ng's default is 175; a little slower is easier on a phone). */
  speed?: number;
  timeoutMs?: number;
}

/**
 * Offline text to speech: espeak-ng speaks the text to a WAV, opusenc makes it an Ogg/Opus voice
 * note (what WhatsApp and Telegram play as a voice message). Debian: `apt-get install espeak-ng
 * opus-tools`. The text is written to a file, never passed on a command line.
 *
 * @example
 * const { data } = await new EspeakSynthesizer().synthesize('What is your name?', 'en'); // OggS...
 */
export class EspeakSynthesizer implements SpeechSynthesizer {
  readonly name = 'espeak-ng';
  private readonly opts: Required<EspeakOptions>;

  constructor(opts: EspeakOptions = {}) {
    this.opts = { espeak: 'espeak-ng', opusenc: 'opusenc', speed: 160, timeoutMs: 60_000, ...opts };
  }

  /** True when espeak-ng and opusenc are installed. */
  static async available(opts: EspeakOptions = {}): Promise<boolean> {
    return (await onPath(opts.espeak ?? 'espeak-ng')) && (await onPath(opts.opusenc ?? 'opusenc'));
  }

  async synthesize(text: string, language: string): Promise<SynthesizedSpeech> {
    const dir = await mkdtemp(join(tmpdir(), 'parley-tts-'));
    try {
      const input = join(dir, 'text.txt');
      const wav = join(dir, 'speech.wav');
      const ogg = join(dir, 'speech.ogg');
      await writeFile(input, text);
      const voice = ESPEAK_VOICES[language.slice(0, 2).toLowerCase()] ?? 'en';
      await this.exec(this.opts.espeak, ['-v', voice, '-s', String(this.opts.speed), '-f', input, '-w', wav]);
      await this.exec(this.opts.opusenc, ['--quiet', '--bitrate', '24', wav, ogg]);
      return { data: await readFile(ogg), mime: 'audio/ogg' };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async exec(file: string, args: string[]): Promise<void> {
    try {
      await run(file, args, { timeout: this.opts.timeoutMs });
    } catch (err) {
      throw new Error(`espeak-ng: ${file} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}

export interface OpenAiSpeechOptions {
  apiKey: string;
  /** Any OpenAI-compatible server (`http://localhost:8000/v1`); defaults to OpenAI. */
  baseURL?: string;
  /** `gpt-4o-mini-tts` (default), `tts-1`, ... */
  model?: string;
  voice?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Text to speech with OpenAI's `POST /audio/speech`, asking for Opus in Ogg (`response_format:
 * opus`), which is what voice notes are. One HTTP call; the caller caches the result.
 */
export class OpenAiSynthesizer implements SpeechSynthesizer {
  readonly name: string;
  private readonly opts: Required<Omit<OpenAiSpeechOptions, 'baseURL'>> & { baseURL: string };

  constructor(opts: OpenAiSpeechOptions) {
    this.opts = { model: 'gpt-4o-mini-tts', voice: 'alloy', timeoutMs: 60_000, fetch: globalThis.fetch, ...opts, baseURL: (opts.baseURL ?? 'https://api.openai.com/v1').replace(/\/+$/, '') };
    this.name = `openai:${this.opts.model}`;
  }

  async synthesize(text: string): Promise<SynthesizedSpeech> {
    const res = await this.opts.fetch(`${this.opts.baseURL}/audio/speech`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.opts.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: this.opts.model, voice: this.opts.voice, input: text, response_format: 'opus' }),
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    });
    if (!res.ok) {
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 429;
      throw new ProviderError('openai', `audio/speech answered ${res.status}: ${(await res.text()).slice(0, 200)}`, { permanent });
    }
    const data = Buffer.from(await res.arrayBuffer());
    if (!data.subarray(0, 4).equals(Buffer.from('OggS'))) throw new ProviderError('openai', 'audio/speech did not return Ogg/Opus', { permanent: true });
    return { data, mime: 'audio/ogg' };
  }
}

/**
 * Generated speech kept under `<dataDir>/audio/tts/`, one file per engine, language and text (a
 * SHA-256 of the three), so a question is synthesised once. The retention job deletes files
 * under `<dataDir>/audio/` past the retention period like voice notes; a later use makes it again.
 */
export class CachedSynthesizer implements SpeechSynthesizer {
  readonly name: string;

  constructor(
    private readonly inner: SpeechSynthesizer,
    private readonly dataDir: string,
  ) {
    this.name = inner.name;
  }

  async synthesize(text: string, language: string): Promise<SynthesizedSpeech> {
    const key = createHash('sha256').update(`${this.inner.name}\u0000${language}\u0000${text}`).digest('hex');
    const dir = join(this.dataDir, 'audio', 'tts');
    const path = join(dir, `${key}.ogg`);
    const cached = await readFile(path).catch(() => undefined);
    if (cached) return { data: cached, mime: 'audio/ogg', cached: true };
    const made = await this.inner.synthesize(text, language);
    await mkdir(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, made.data);
    await rename(tmp, path);
    return made;
  }
}
