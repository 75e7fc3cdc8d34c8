import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Engine } from '../../core/engine/index.js';
import type { Clock, Logger } from '../../core/ports/index.js';
import { SlidingWindowLimiter } from './limits.js';
import { hashSecret, type WebchatSession, type WebchatSessionStore } from './sessions.js';

const SECRET = /^[A-Za-z0-9_-]{16,128}$/;

/** What a web chat upload route needs (the CV and voice routes add their own). */
export interface WebchatUploadDeps {
  engine: () => Engine;
  sessions: WebchatSessionStore;
  clock: Clock;
  log: Logger;
  /** The data folder the route keeps its files under. */
  dataDir: string;
  /** Sessions idle longer than this are refused, as the socket does. */
  sessionTtlDays: number;
  /** Larger bodies are refused with 413 (each route has its default). */
  maxBytes?: number;
}

/** What the candidate reads when an upload is refused before the route's own checks. */
export interface SessionUploadMessages {
  /** 413: the body is over `maxBytes`. */
  tooLarge: string;
  /** 400: the body could not be read. */
  unreadable: string;
  /** 401: no secret, an unknown one, or an idle session. */
  noSession: string;
  /** 429: the session's uploads in the window are used up. */
  tooMany: string;
  /** 500 (or `errorStatus`): the route failed. */
  failed: string;
}

/** An authenticated upload: the session it belongs to, its bytes, and the time it was taken. */
export interface SessionUpload {
  req: Request;
  res: Response;
  session: WebchatSession;
  data: Buffer;
  now: Date;
}

export interface SessionUploadRoute {
  path: string;
  sessions: WebchatSessionStore;
  clock: Clock;
  log: Logger;
  /** Sessions idle longer than this are refused, as the socket does. */
  sessionTtlDays: number;
  maxBytes: number;
  /** Uploads per session taken within `windowMs`. */
  perWindow: number;
  windowMs: number;
  messages: SessionUploadMessages;
  /** Logged with the error when `handle` throws. */
  failureLog: string;
  /** The status of a failed upload; 500 unless given. */
  errorStatus?: (err: unknown) => number;
  /** The route's own checks and work, once the body is read and the session is known. */
  handle: (upload: SessionUpload) => Promise<void>;
}

/**
 * A web chat upload route: the raw body up to `maxBytes` (413 above it), authenticated by the
 * session secret the socket handed the browser (`Authorization: Bearer <secret>`, 401 without a
 * live session) and limited per session (429). An upload never starts a chat.
 *
 * @example
 * mountSessionUpload(app, { path: '/chat/cv', ..., handle: async ({ res, session, data }) => { res.status(201).json({ ok: true }) } })
 */
export function mountSessionUpload(app: Express, route: SessionUploadRoute): void {
  const limiter = new SlidingWindowLimiter(route.perWindow, route.windowMs);
  const raw = express.raw({ type: () => true, limit: route.maxBytes });
  app.post(
    route.path,
    (req: Request, res: Response, next: NextFunction) => {
      raw(req, res, (err?: unknown) => {
        if (!err) return next();
        const status = (err as { status?: number }).status === 413 ? 413 : 400;
        res.status(status).json({ error: status === 413 ? route.messages.tooLarge : route.messages.unreadable });
      });
    },
    (req: Request, res: Response) => {
      authenticate(req, res, route, limiter).catch((err: unknown) => {
        route.log.error({ err }, route.failureLog);
        if (!res.headersSent) res.status(route.errorStatus?.(err) ?? 500).json({ error: route.messages.failed });
      });
    },
  );
}

async function authenticate(req: Request, res: Response, route: SessionUploadRoute, limiter: SlidingWindowLimiter): Promise<void> {
  const secret = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
  const session = SECRET.test(secret) ? await route.sessions.find(hashSecret(secret)) : undefined;
  const now = route.clock.now();
  if (!session || session.lastSeenAt.getTime() < now.getTime() - route.sessionTtlDays * 86_400_000) {
    res.status(401).json({ error: route.messages.noSession });
    return;
  }
  if (!limiter.take(session.publicId, Date.now())) {
    res.status(429).json({ error: route.messages.tooMany });
    return;
  }
  const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  await route.handle({ req, res, session, data, now });
}

/** Writes `data` to `<dir>/<name>` through a temporary file (a reader never sees half a file); returns the path. */
export async function keepUpload(dir: string, name: string, data: Buffer): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
  return path;
}
