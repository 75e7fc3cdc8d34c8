import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderError } from '../../core/domain/index.js';
import type { AudioInput, Transcriber, Transcript } from '../../core/ports/index.js';
import { onPath, run } from './process.js';

export interface PocketsphinxOptions {
  /** Default `pocketsphinx_continuous` (Debian package `pocketsphinx`). */
  binary?: string;
  /** Default `opusdec` (Debian package `opus-tools`), for Ogg/Opus voice notes. */
  opusdec?: string;
  /** Optional `ffmpeg` for every other format (mp3, m4a, amr...). */
  ffmpeg?: string;
  /** Model directory with `en-us/`, `en-us.lm.bin` and `cmudict-en-us.dict`; the binary's built-in default otherwise. */
  modelDir?: string;
  timeoutMs?: number;
}

/**
 * Offline speech to text with CMU PocketSphinx, whose US English model ships inside the Debian
 * package `pocketsphinx-en-us`: no key, no network. Much less accurate than Whisper, but it
 * keeps voice notes usable on a machine with no cloud access. Audio is decoded to 16 kHz mono
 * WAV first (`opusdec` for Ogg/Opus, `ffmpeg` for anything else when installed).
 *
 * @example
 * if (await PocketsphinxTranscriber.available()) services.transcriber = new PocketsphinxTranscriber();
 */
export class PocketsphinxTranscriber implements Transcriber {
  readonly name = 'pocketsphinx';
  private readonly opts: Required<Omit<PocketsphinxOptions, 'modelDir'>> & Pick<PocketsphinxOptions, 'modelDir'>;

  constructor(opts: PocketsphinxOptions = {}) {
    this.opts = { binary: 'pocketsphinx_continuous', opusdec: 'opusdec', ffmpeg: 'ffmpeg', timeoutMs: 120_000, ...opts };
  }

  /** True when the recogniser and the Opus decoder are installed. */
  static async available(opts: PocketsphinxOptions = {}): Promise<boolean> {
    return (await onPath(opts.binary ?? 'pocketsphinx_continuous')) && (await onPath(opts.opusdec ?? 'opusdec'));
  }

  async transcribe(audio: AudioInput): Promise<Transcript> {
    const dir = await mkdtemp(join(tmpdir(), 'parley-stt-'));
    try {
      const input = join(dir, 'in');
      const wav = join(dir, 'in.wav');
      await writeFile(input, audio.data);
      await this.decode(input, wav, audio.mime);
      const model = this.opts.modelDir
        ? ['-hmm', join(this.opts.modelDir, 'en-us'), '-lm', join(this.opts.modelDir, 'en-us.lm.bin'), '-dict', join(this.opts.modelDir, 'cmudict-en-us.dict')]
        : [];
      const { stdout } = await this.exec(this.opts.binary, ['-infile', wav, '-logfn', '/dev/null', ...model]);
      const text = stdout.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
      return { text, language: 'en' };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async decode(input: string, wav: string, mime: string): Promise<void> {
    const type = mime.split(';')[0]!.trim().toLowerCase();
    if (type === 'audio/ogg' || type === 'audio/opus') {
      await this.exec(this.opts.opusdec, ['--quiet', '--rate', '16000', '--force-wav', input, wav]);
    } else if (await onPath(this.opts.ffmpeg)) {
      await this.exec(this.opts.ffmpeg, ['-nostdin', '-loglevel', 'error', '-i', input, '-ar', '16000', '-ac', '1', wav]);
    } else {
      throw new ProviderError('pocketsphinx', `cannot decode ${type} without ffmpeg`, { permanent: true });
    }
  }

  private async exec(file: string, args: string[]): Promise<{ stdout: string }> {
    try {
      return await run(file, args, { timeout: this.opts.timeoutMs, maxBuffer: 4 * 1024 * 1024 });
    } catch (err) {
      // A broken file or a missing binary will not get better by retrying.
      throw new ProviderError('pocketsphinx', `${file} failed: ${err instanceof Error ? err.message : String(err)}`, { permanent: true, cause: err });
    }
  }
}
