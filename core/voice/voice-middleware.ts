import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, type ChannelId, type MediaRef, type Message } from '../domain/index.js';
import type { BackoffPolicy } from '../engine/backoff.js';
import { retry } from '../engine/retry.js';
import type { Middleware, TurnContext } from '../engine/context.js';
import type { ChannelAdapter, Transcriber, Transcript } from '../ports/index.js';
import { oggOpusDurationSec } from './ogg.js';

/** OpenAI's upload limit, and a sane ceiling for any engine. */
export const MAX_VOICE_BYTES = 25 * 1024 * 1024;
export const DEFAULT_MAX_VOICE_SEC = 300;

export interface VoiceOptions {
  /** Read on every voice note, so a plugin created later can still provide one. */
  transcriber: () => Transcriber | undefined;
  /** The adapter of a channel (its `fetchMedia` downloads the audio). Unknown channels are passed on. */
  adapters: ReadonlyMap<ChannelId, ChannelAdapter> | ((channel: ChannelId) => Pick<ChannelAdapter, 'fetchMedia'> | undefined);
  /** Audio is kept under `<dataDir>/audio/`. */
  dataDir: string;
  maxDurationSec?: number;
  maxBytes?: number;
  /** Transcription attempts before asking the candidate to type (default 3). */
  attempts?: number;
  backoff?: Omit<BackoffPolicy, 'maxAttempts'>;
  sleep?: (ms: number) => Promise<void>;
}

/** What the bot says when a voice note cannot become text. Polite, and never a dead end. */
export const voiceTexts = {
  noTranscriber:
    "Thanks for the voice note! I can't listen to voice messages here yet, so could you type your answer instead? Your recording is saved for our recruiters.",
  failed: "Sorry, I couldn't make out that voice note. Could you type your answer instead? Your recording is saved, so nothing is lost.",
  tooLong: (maxSec: number) =>
    `That voice note is longer than ${formatDuration(maxSec)}, which is more than I can take. Could you type your answer, or send a shorter voice note?`,
  unavailable: "Sorry, I couldn't download that voice note. Could you type your answer instead, or send it again?",
} as const;

const EXTENSIONS: Record<string, string> = {
  'audio/ogg': '.ogg',
  'audio/opus': '.opus',
  'audio/mpeg': '.mp3',
  'audio/mp4': '.m4a',
  'audio/x-m4a': '.m4a',
  'audio/aac': '.aac',
  'audio/amr': '.amr',
  'audio/wav': '.wav',
  'audio/x-wav': '.wav',
  'audio/webm': '.webm',
};

type Outcome = { ok: true } | { ok: false; reply: string; error: string };

/**
 * The voice-note pipeline for every channel: fetch the audio through the conversation's adapter,
 * check size and duration, keep it under `<dataDir>/audio/` with its SHA-256, transcribe it
 * (with retries) and make the transcript the message text, so everything after this middleware
 * reads a voice note like typed text. When that is not possible the candidate is asked, politely,
 * to type instead; the audio is kept and nothing is dropped. Idempotent: a message whose audio is
 * already stored is passed on untouched, so registering it twice is harmless.
 *
 * @example
 * const voice = voiceMiddleware({ transcriber: () => services.transcriber, adapters, dataDir: config.dataDir });
 * // plugin.middleware = { preprocess: [voice] }
 */
export function voiceMiddleware(opts: VoiceOptions): Middleware {
  const lookup = typeof opts.adapters === 'function' ? opts.adapters : (ch: ChannelId) => (opts.adapters as ReadonlyMap<ChannelId, ChannelAdapter>).get(ch);
  return async (ctx, next) => {
    const media = ctx.message.media;
    // Opted-out candidates are silenced further down the chain; do no work for them here.
    if (!media || !isVoiceNote(ctx.message) || media.storedPath || media.transcript || ctx.candidate.optedOut) return next();
    // A channel this instance does not know is left to whichever voice middleware does.
    const adapter = lookup(ctx.message.channel);
    if (!adapter) return next();
    const outcome = await processVoiceNote(ctx, media, adapter, opts);
    if (outcome.ok) return next();
    ctx.emit({ type: 'TranscriptionFailed', messageId: ctx.message.id, error: outcome.error });
    ctx.log.warn({ messageId: ctx.message.id, error: outcome.error }, 'voice note not transcribed');
    // In human mode the operator hears the recording; the bot stays silent.
    if (ctx.conversation.mode === 'bot') ctx.reply(outcome.reply);
  };
}

/** A voice note, or an audio file sent as a document. */
export function isVoiceNote(message: Pick<Message, 'direction' | 'kind' | 'media'>): boolean {
  if (message.direction !== 'in' || !message.media) return false;
  return message.kind === 'voice' || (message.media.mime ?? '').startsWith('audio/');
}

async function processVoiceNote(ctx: TurnContext, media: MediaRef, adapter: Pick<ChannelAdapter, 'fetchMedia'>, opts: VoiceOptions): Promise<Outcome> {
  const maxSec = opts.maxDurationSec ?? DEFAULT_MAX_VOICE_SEC;
  const maxBytes = opts.maxBytes ?? MAX_VOICE_BYTES;
  if ((media.durationSec ?? 0) > maxSec || (media.size ?? 0) > maxBytes) return { ok: false, reply: voiceTexts.tooLong(maxSec), error: 'voice note over the size or duration limit' };
  const fetchMedia = adapter.fetchMedia?.bind(adapter);
  if (!fetchMedia) return { ok: false, reply: voiceTexts.unavailable, error: `channel ${ctx.message.channel} cannot fetch media` };
  let fetched;
  try {
    fetched = await withRetries(() => fetchMedia(ctx.conversation.ref, media), opts);
  } catch (err) {
    return { ok: false, reply: voiceTexts.unavailable, error: `fetch failed: ${errorMessage(err)}` };
  }
  if (fetched.data.length > maxBytes) return { ok: false, reply: voiceTexts.tooLong(maxSec), error: `voice note is ${fetched.data.length} bytes` };
  const mime = media.mime ?? fetched.mime;
  const stored: MediaRef = {
    ...media,
    mime,
    size: fetched.data.length,
    storedPath: await keepAudio(opts.dataDir, ctx.message.id, mime, fetched.data),
    sha256: createHash('sha256').update(fetched.data).digest('hex'),
  };
  const durationSec = media.durationSec ?? oggOpusDurationSec(fetched.data);
  if (durationSec !== undefined) stored.durationSec = durationSec;
  ctx.message = { ...ctx.message, media: stored };
  if (durationSec !== undefined && durationSec > maxSec) return { ok: false, reply: voiceTexts.tooLong(maxSec), error: `voice note is ${Math.round(durationSec)} s long` };
  const transcriber = opts.transcriber();
  if (!transcriber) return { ok: false, reply: voiceTexts.noTranscriber, error: 'no transcriber configured' };
  let transcript: Transcript;
  try {
    transcript = await withRetries(() => transcriber.transcribe({ data: fetched.data, mime, filename: `voice${extensionFor(mime)}` }), opts);
  } catch (err) {
    return { ok: false, reply: voiceTexts.failed, error: `${transcriber.name}: ${errorMessage(err)}` };
  }
  const text = transcript.text.trim();
  if (!text) return { ok: false, reply: voiceTexts.failed, error: `${transcriber.name}: empty transcript` };
  applyTranscript(ctx, stored, { ...transcript, text });
  return { ok: true };
}

function applyTranscript(ctx: TurnContext, stored: MediaRef, transcript: Transcript): void {
  const durationSec = stored.durationSec ?? transcript.durationSec;
  const media: MediaRef = {
    ...stored,
    ...(durationSec !== undefined ? { durationSec } : {}),
    transcript: {
      text: transcript.text,
      ...(transcript.language ? { language: transcript.language } : {}),
      ...(transcript.confidence !== undefined ? { confidence: transcript.confidence } : {}),
    },
  };
  ctx.message = { ...ctx.message, text: transcript.text.slice(0, 16_000), media };
  ctx.emit({
    type: 'VoiceNoteTranscribed',
    messageId: ctx.message.id,
    ...(durationSec !== undefined ? { durationSec } : {}),
    ...(transcript.language ? { language: transcript.language } : {}),
  });
}

/** Write atomically, named after the message: a turn re-run after a crash rewrites the same file. */
async function keepAudio(dataDir: string, messageId: string, mime: string, data: Buffer): Promise<string> {
  const dir = join(dataDir, 'audio');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${messageId}${extensionFor(mime)}`);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
  return path;
}

function extensionFor(mime: string): string {
  return EXTENSIONS[mime.split(';')[0]!.trim().toLowerCase()] ?? '.bin';
}

async function withRetries<T>(work: () => Promise<T>, opts: VoiceOptions): Promise<T> {
  const attempts = opts.attempts ?? 3;
  const policy = { baseMs: 500, maxMs: 5_000, ...opts.backoff, maxAttempts: attempts };
  return retry(work, { policy, ...(opts.sleep ? { sleep: opts.sleep } : {}) });
}

function formatDuration(sec: number): string {
  return sec % 60 === 0 ? `${sec / 60} minute${sec === 60 ? '' : 's'}` : `${sec} seconds`;
}
