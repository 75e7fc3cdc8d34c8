import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Express } from 'express';
import type { Server } from 'socket.io';
import { ValidationError, type ConversationRef, type MediaRef } from '../../core/domain/index.js';
import type { FetchedMedia } from '../../core/ports/index.js';
import { oggOpusDurationSec } from '../../core/voice/index.js';
import { WEBCHAT_NAMESPACE } from './contract.js';
import { keepUpload, mountSessionUpload, type SessionUpload, type WebchatUploadDeps } from './session-upload.js';

/** Where the chat page posts a recorded voice note. */
export const VOICE_UPLOAD_PATH = '/chat/voice';
/** ~6 minutes of Opus at the recorder's 32 kbit/s. */
export const MAX_WEBCHAT_VOICE_BYTES = 1_500_000;
const REF_PREFIX = 'webchat-voice:';
const UPLOADS_PER_WINDOW = 10;
const UPLOAD_WINDOW_MS = 60_000;
const CLIENT_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const EBML = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);

/** The recording's type from its bytes (the declared type counts for nothing): Ogg/Opus or WebM. */
export function sniffAudio(data: Buffer): 'audio/ogg' | 'audio/webm' | undefined {
  if (data.length >= 36 && data.subarray(0, 4).toString('latin1') === 'OggS' && data.subarray(0, 128).includes('OpusHead')) return 'audio/ogg';
  if (data.length >= 32 && data.subarray(0, 4).equals(EBML) && data.subarray(0, 64).includes('webm')) return 'audio/webm';
  return undefined;
}

/** Uploads are kept under `<dataDir>/audio/webchat/` (the audio retention deletes them). */
export interface VoiceUploadDeps extends WebchatUploadDeps {
  /** The longest voice note taken, in seconds (`VOICE_MAX_DURATION_SEC`). */
  maxDurationSec: number;
}

/**
 * `POST /chat/voice`: a voice note recorded in the chat page (the raw bytes as the body,
 * `Authorization: Bearer <session secret>`, `X-Client-Message-Id`, and `X-Duration-Sec` from the
 * recorder). Ogg/Opus or WebM/Opus sniffed from the bytes, else 415; over the size or duration
 * limit 413. It becomes an inbound web chat voice message, so the voice middleware fetches,
 * keeps and transcribes it as on every channel, and the bot answers on the socket. The session
 * must exist (the chat was started with a typed message); an upload never starts a chat.
 */
export function mountVoiceUpload(app: Express, deps: VoiceUploadDeps): void {
  mountSessionUpload(app, {
    path: VOICE_UPLOAD_PATH,
    sessions: deps.sessions,
    clock: deps.clock,
    log: deps.log,
    sessionTtlDays: deps.sessionTtlDays,
    maxBytes: deps.maxBytes ?? MAX_WEBCHAT_VOICE_BYTES,
    perWindow: UPLOADS_PER_WINDOW,
    windowMs: UPLOAD_WINDOW_MS,
    messages: {
      tooLarge: 'That voice note is too long to send. Please record a shorter one.',
      unreadable: 'The voice note could not be read.',
      noSession: 'Say hello first, then send your voice note.',
      tooMany: 'Too many voice notes. Please wait a minute.',
      failed: 'Parley could not take your voice note right now. Please try again.',
    },
    failureLog: 'webchat: voice upload failed',
    errorStatus: (err) => (err instanceof ValidationError ? 400 : 500),
    handle: (upload) => takeVoiceNote(upload, deps),
  });
}

async function takeVoiceNote({ req, res, session, data, now }: SessionUpload, deps: VoiceUploadDeps): Promise<void> {
  const mime = sniffAudio(data);
  if (!mime) {
    res.status(415).json({ error: "That recording isn't Opus audio (Ogg or WebM)." });
    return;
  }
  // Ogg says how long it is; WebM from MediaRecorder does not, so the recorder's count is used.
  const declared = Number(req.get('x-duration-sec'));
  const durationSec = mime === 'audio/ogg' ? oggOpusDurationSec(data) : Number.isFinite(declared) && declared >= 0 ? declared : undefined;
  if (durationSec !== undefined && durationSec > deps.maxDurationSec) {
    res.status(413).json({ error: `That voice note is longer than ${deps.maxDurationSec} seconds. Please record a shorter one.` });
    return;
  }
  const sha256 = createHash('sha256').update(data).digest('hex');
  const clientId = req.get('x-client-message-id') ?? '';
  const name = `${session.publicId}-${sha256.slice(0, 24)}${mime === 'audio/ogg' ? '.ogg' : '.webm'}`;
  await keepUpload(join(deps.dataDir, 'audio', 'webchat'), name, data);
  const result = await deps.engine().receive({
    ref: { channel: 'webchat', externalId: session.publicId },
    // A retried upload (lost answer, double tap) is one message.
    providerMessageId: `${session.publicId}:${CLIENT_ID.test(clientId) ? clientId : `voice:${sha256}`}`,
    sender: { id: session.publicId },
    kind: 'voice',
    text: '',
    media: { providerRef: `${REF_PREFIX}${name}`, mime, size: data.length, ...(durationSec !== undefined ? { durationSec } : {}) },
    receivedAt: now,
  });
  res.status(201).json({ ok: true, id: result.messageId, ...(result.duplicate ? { duplicate: true } : {}) });
}

/**
 * The web chat's side of the voice pipeline, over the `/webchat` rooms (so it works from any
 * node): `fetchMedia` reads an uploaded note for the voice middleware, `showTranscript` tells the
 * page what its note said, `sendVoice` plays a spoken question (voice replies) under its text.
 */
export class WebchatVoice {
  constructor(
    private readonly io: Server,
    private readonly dataDir: string,
  ) {}

  async fetchMedia(_ref: ConversationRef, media: MediaRef): Promise<FetchedMedia> {
    const name = this.uploadName(media);
    if (!name) throw new ValidationError(`not a web chat voice note: ${media.providerRef}`);
    return { data: await readFile(join(this.dataDir, 'audio', 'webchat', name)), mime: media.mime ?? 'audio/webm' };
  }

  /**
   * Once the voice middleware kept its own copy with the message (which erasure and retention
   * delete), the upload is not needed: remove it, so no copy outlives the message.
   */
  async uploaded(media: MediaRef): Promise<void> {
    const name = this.uploadName(media);
    if (name && media.storedPath) await rm(join(this.dataDir, 'audio', 'webchat', name), { force: true });
  }

  private uploadName(media: MediaRef): string | undefined {
    const name = media.providerRef.startsWith(REF_PREFIX) ? media.providerRef.slice(REF_PREFIX.length) : '';
    // Names are made by the upload route; anything else is refused, never read.
    return /^wc_[A-Za-z0-9_-]{1,64}-[0-9a-f]{24}\.(ogg|webm)$/.test(name) ? name : undefined;
  }

  showTranscript(ref: ConversationRef, messageId: string, text: string): void {
    this.io.of(WEBCHAT_NAMESPACE).to(`webchat:${ref.externalId}`).emit('transcript', { messageId, text });
  }

  async sendVoice(ref: ConversationRef, audio: { data: Buffer; mime: string; durationSec?: number; text: string; messageId?: string }): Promise<void> {
    this.io.of(WEBCHAT_NAMESPACE).to(`webchat:${ref.externalId}`).emit('voice', { ...(audio.messageId ? { messageId: audio.messageId } : {}), mime: audio.mime, audio: audio.data, ...(audio.durationSec !== undefined ? { durationSec: audio.durationSec } : {}) });
  }
}
