import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ValidationError } from '../../core/domain/index.js';
import type { Logger } from '../../core/ports/index.js';
import type { AuthService } from '../auth/auth-service.js';
import { ConsoleError, toFailure } from '../errors.js';
import type { Operator } from '../store/types.js';

/** The `Authorization: Bearer <token>` token, if any. */
export function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

/** The JSON error every console endpoint answers with: `{ error: { code, message } }`. */
export function sendError(res: Response, err: unknown, log: Logger): void {
  const failure = toFailure(err);
  if (failure.code === 'INTERNAL') log.error({ err }, 'console: request failed');
  if (err instanceof ConsoleError && err.retryAfterSec !== undefined) res.set('Retry-After', String(err.retryAfterSec));
  if (failure.code === 'UNAUTHORIZED') res.set('WWW-Authenticate', 'Bearer realm="parley-console"');
  res.status(failure.status).json({ error: { code: failure.code, message: failure.error } });
}

/**
 * An endpoint for signed-in operators: the bearer token is checked and the operator re-read
 * (deactivated accounts are refused at once) before `handler` runs; any error becomes JSON.
 */
export function authed(auth: AuthService, log: Logger, handler: (req: Request, res: Response, operator: Operator) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, _next: NextFunction) => {
    const run = async () => {
      const { operator } = await auth.authenticate(bearerToken(req));
      await handler(req, res, operator);
    };
    run().catch((err: unknown) => sendError(res, err, log));
  };
}

/** A route parameter as a string (Express 5 types allow arrays for wildcard routes). */
export function param(req: Request, name: string): string {
  const value = req.params[name];
  return Array.isArray(value) ? value.join('/') : String(value ?? '');
}

const parseJson = express.json({ limit: '100kb' });

/**
 * JSON bodies for console routes only (other features' webhooks under /api/v1 keep their raw
 * bodies for signature checks). A malformed body gets the console's JSON error.
 */
export function jsonBody(log: Logger): RequestHandler {
  return (req, res, next) => {
    parseJson(req, res, (err?: unknown) => {
      if (err) sendError(res, new ValidationError('The request body is not valid JSON (at most 100 kB)', [], { cause: err }), log);
      else next();
    });
  };
}
