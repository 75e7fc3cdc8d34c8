import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Express } from 'express';
import { CV_EXTENSION, CV_MIME, MAX_CV_BYTES, sniffCv, WEBCHAT_CV_REF } from '../../core/cv/index.js';
import { keepUpload, mountSessionUpload, type SessionUpload, type WebchatUploadDeps } from './session-upload.js';

/** Where the chat page and the widget post a CV. */
export const CV_UPLOAD_PATH = '/chat/cv';

const UPLOADS_PER_WINDOW = 5;
const UPLOAD_WINDOW_MS = 10 * 60_000;

/** Files are kept under `<dataDir>/cv/`, linked from the message (retention and erasure delete them). */
export type CvUploadDeps = WebchatUploadDeps;

/**
 * `POST /chat/cv`: a web chat candidate's CV (PDF or DOCX, the raw bytes as the body), authenticated
 * by the session secret the socket handed the browser (`Authorization: Bearer <secret>`). The type
 * is sniffed from the bytes (a `.pdf` name or `Content-Type` counts for nothing); over the size
 * limit is 413, another format 415. An accepted file is stored and becomes an inbound web chat
 * message, so the same CV reader as every channel reads it and the bot answers on the socket.
 * The session must exist (its first message was accepted): an upload never starts a chat.
 *
 * @example
 * fetch('/chat/cv', { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'x-file-name': 'cv.pdf' }, body: file })
 */
export function mountCvUpload(app: Express, deps: CvUploadDeps): void {
  const maxBytes = deps.maxBytes ?? MAX_CV_BYTES;
  mountSessionUpload(app, {
    path: CV_UPLOAD_PATH,
    sessions: deps.sessions,
    clock: deps.clock,
    log: deps.log,
    sessionTtlDays: deps.sessionTtlDays,
    maxBytes,
    perWindow: UPLOADS_PER_WINDOW,
    windowMs: UPLOAD_WINDOW_MS,
    messages: {
      tooLarge: `The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.`,
      unreadable: 'The upload could not be read.',
      noSession: 'Start the chat first, then send your CV.',
      tooMany: 'Too many files. Please wait a few minutes.',
      failed: 'Parley could not take your file right now. Please try again.',
    },
    failureLog: 'webchat: CV upload failed',
    handle: (upload) => takeCv(upload, deps),
  });
}

async function takeCv({ req, res, session, data, now }: SessionUpload, deps: CvUploadDeps): Promise<void> {
  const format = sniffCv(data);
  if (!format) {
    deps.log.warn({ publicId: session.publicId, bytes: data.length, declared: req.get('content-type') }, 'webchat: upload refused, not a PDF or DOCX');
    res.status(415).json({ error: "That file isn't a PDF or Word (.docx) document." });
    return;
  }
  const sha256 = createHash('sha256').update(data).digest('hex');
  const storedPath = await keepUpload(join(deps.dataDir, 'cv'), `${session.publicId}-${sha256.slice(0, 16)}${CV_EXTENSION[format]}`, data);
  const name = fileName(req.get('x-file-name'), format);
  const result = await deps.engine().receive({
    ref: { channel: 'webchat', externalId: session.publicId },
    // The same file twice is one message (a double click, a retry after a lost answer).
    providerMessageId: `${session.publicId}:cv:${sha256}`,
    sender: { id: session.publicId },
    kind: 'media',
    text: `(sent a CV: ${name})`,
    media: { providerRef: `${WEBCHAT_CV_REF}${sha256}`, mime: CV_MIME[format], size: data.length, sha256, storedPath },
    receivedAt: now,
  });
  res.status(201).json({ ok: true, id: result.messageId, format, ...(result.duplicate ? { duplicate: true } : {}) });
}

/** A display name only: percent-decoded, path and control characters dropped, capped. */
function fileName(header: string | undefined, format: 'pdf' | 'docx'): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(header ?? '');
  } catch {
    decoded = '';
  }
  const name = decoded.replace(/^.*[\\/]/, '').replace(/[\p{Cc}<>]/gu, '').trim().slice(0, 120);
  return name || `cv${CV_EXTENSION[format]}`;
}
