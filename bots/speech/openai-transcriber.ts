import OpenAI, { APIError, toFile } from 'openai';
import { ProviderError } from '../../core/domain/index.js';
import { parseRetryAfter } from '../../core/engine/retry.js';
import type { AudioInput, Transcriber, Transcript } from '../../core/ports/index.js';

export interface OpenAiTranscriberOptions {
  apiKey: string;
  /** Any OpenAI-compatible server, e.g. `http://localhost:8000/v1`. Defaults to OpenAI. */
  baseURL?: string;
  /** `whisper-1` (default), `gpt-4o-transcribe`, `gpt-4o-mini-transcribe`... */
  model?: string;
  timeoutMs?: number;
}

/**
 * Speech to text with OpenAI's transcription endpoint (`audio.transcriptions.create`). The SDK's
 * own retries are off: the voice pipeline retries any transcriber the same way, honouring
 * `retry-after`. Whisper models return language and per-segment log-probabilities, from which
 * a rough confidence is derived; newer models return text only.
 *
 * @example
 * const t = new OpenAiTranscriber({ apiKey: process.env.OPENAI_API_KEY!, model: 'whisper-1' });
 * const { text, language } = await t.transcribe({ data, mime: 'audio/ogg', filename: 'voice.ogg' });
 */
export class OpenAiTranscriber implements Transcriber {
  readonly name: string;
  private readonly client: OpenAI;
  private readonly model: string;

  constructor(opts: OpenAiTranscriberOptions) {
    this.model = opts.model ?? 'whisper-1';
    this.name = `openai:${this.model}`;
    this.client = new OpenAI({ apiKey: opts.apiKey, ...(opts.baseURL ? { baseURL: opts.baseURL } : {}), maxRetries: 0, timeout: opts.timeoutMs ?? 60_000 });
  }

  async transcribe(audio: AudioInput): Promise<Transcript> {
    const file = await toFile(audio.data, audio.filename ?? 'voice.ogg', { type: audio.mime });
    try {
      if (!this.model.startsWith('whisper')) {
        const res = await this.client.audio.transcriptions.create({ file, model: this.model, response_format: 'json' });
        return { text: res.text };
      }
      const res = await this.client.audio.transcriptions.create({ file, model: this.model, response_format: 'verbose_json' });
      const confidence = segmentConfidence(res.segments?.map((s) => s.avg_logprob) ?? []);
      return {
        text: res.text,
        ...(res.language ? { language: res.language } : {}),
        ...(typeof res.duration === 'number' ? { durationSec: res.duration } : {}),
        ...(confidence !== undefined ? { confidence } : {}),
      };
    } catch (err) {
      throw toProviderError(err);
    }
  }
}

/** Mean per-token probability over the segments, 0..1. */
function segmentConfidence(avgLogprobs: number[]): number | undefined {
  if (avgLogprobs.length === 0) return undefined;
  const mean = avgLogprobs.reduce((a, b) => a + b, 0) / avgLogprobs.length;
  return Math.round(Math.exp(mean) * 1000) / 1000;
}

function toProviderError(err: unknown): ProviderError {
  if (!(err instanceof APIError)) return new ProviderError('openai', err instanceof Error ? err.message : String(err), { cause: err });
  const retryAfter = parseRetryAfter(err.headers, Date.now());
  return new ProviderError('openai', err.message, {
    ...(err.status !== undefined ? { status: err.status } : {}),
    ...(err.code ? { providerCode: err.code } : {}),
    ...(retryAfter ? { retryAfterMs: retryAfter } : {}),
    cause: err,
  });
}
