import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { CV_EXTENSION, CV_MIME, MAX_CV_BYTES, sniffCv, WEBCHAT_CV_REF } from '../../core/cv/index.js';
import type { Engine } from '../../core/engine/index.js';
import type { Clock, Logger } from '../../core/ports/index.js';
import { SlidingWindowLimiter } from './limits.js';
import { hashSecret, type WebchatSessionStore } from './sessions.js';

/** Where the chat page and the widget post a CV. */
export const CV_UPLOAD_PATH = '/chat/cv';

const UPLOADS_PER_WINDOW = 5;
const UPLOAD_WINDOW_MS = 10 * 60_000;
const SECRET = /^[A-Za-z0-9_-]{16,128}$/;

export interface CvUploadDeps {
  engine: () => Engine;
  sessions: WebchatSessionStore;
  clock: Clock;
  log: Logger;
  /** Files are kept under `<dataDir>/cv/`, linked from the message (retention and erasure delete them). */
  dataDir: string;
  /** Sessions idle longer than this are refused, as the socket does. */
  sessionTtlDays: number;
  maxBytes?: number;
}

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
  const limiter = new SlidingWindowLimiter(UPLOADS_PER_WINDOW, UPLOAD_WINDOW_MS);
  const raw = express.raw({ type: () => true, limit: maxBytes });
  app.post(CV_UPLOAD_PATH, (req: Request, res: Response, next: NextFunction) => {
    raw(req, res, (err?: unknown) => {
      if (!err) return next();
      const status = (err as { status?: number }).status === 413 ? 413 : 400;
      res.status(status).json({ error: status === 413 ? `The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.` : 'The upload could not be read.' });
    });
  }, (req: Request, res: Response) => {
    upload(req, res, deps, limiter).catch((err: unknown) => {
      deps.log.error({ err }, 'webchat: CV upload failed');
      if (!res.headersSent) res.status(500).json({ error: 'Parley could not take your file right now. Please try again.' });
    });
  });
}

async function upload(req: Request, res: Response, deps: CvUploadDeps, limiter: SlidingWindowLimiter): Promise<void> {
  const secret = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
  const session = SECRET.test(secret) ? await deps.sessions.find(hashSecret(secret)) : undefined;
  const now = deps.clock.now();
  if (!session || session.lastSeenAt.getTime() < now.getTime() - deps.sessionTtlDays * 86_400_000) {
    res.status(401).json({ error: 'Start the chat first, then send your CV.' });
    return;
  }
  if (!limiter.take(session.publicId, Date.now())) {
    res.status(429).json({ error: 'Too many files. Please wait a few minutes.' });
    return;
  }
  const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const format = sniffCv(data);
  if (!format) {
    deps.log.warn({ publicId: session.publicId, bytes: data.length, declared: req.get('content-type') }, 'webchat: upload refused, not a PDF or DOCX');
    res.status(415).json({ error: "That file isn't a PDF or Word (.docx) document." });
    return;
  }
  const sha256 = createHash('sha256').update(data).digest('hex');
  const storedPath = await keep(deps.dataDir, `${session.publicId}-${sha256.slice(0, 16)}${CV_EXTENSION[format]}`, data);
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

async function keep(dataDir: string, name: string, data: Buffer): Promise<string> {
  const dir = join(dataDir, 'cv');
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
  return path;
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
