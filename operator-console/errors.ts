import { ParleyError, ValidationError } from '../core/domain/index.js';
import type { Ack, ConsoleErrorCode } from './contract.js';

/**
 * A console request that cannot be served: who is asking (401), what they may do (403), how
 * often (429), what they ask for (404), or a clash with another operator (409). `status` is the
 * HTTP status; the same code travels in Socket.IO acknowledgements.
 *
 * @example
 * throw new ConsoleError('FORBIDDEN', 'Viewers cannot take over conversations');
 */
export class ConsoleError extends Error {
  readonly status: number;
  readonly retryAfterSec: number | undefined;
  constructor(
    readonly code: Exclude<ConsoleErrorCode, 'INTERNAL'>,
    message: string,
    opts: { retryAfterSec?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'ConsoleError';
    this.status = STATUS[code];
    this.retryAfterSec = opts.retryAfterSec;
  }
}

const STATUS: Record<Exclude<ConsoleErrorCode, 'INTERNAL'>, number> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  VALIDATION: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

/** How any thrown value reads to an operator: console and Parley errors keep their message. */
export function toFailure(err: unknown): { status: number; code: ConsoleErrorCode; error: string } {
  if (err instanceof ConsoleError) return { status: err.status, code: err.code, error: err.message };
  if (err instanceof ValidationError) return { status: 400, code: 'VALIDATION', error: [err.message, ...err.issues].join(': ') };
  if (err instanceof ParleyError && err.code === 'NOT_FOUND') return { status: 404, code: 'NOT_FOUND', error: err.message };
  if (err instanceof ParleyError && err.code === 'CONFLICT') return { status: 409, code: 'CONFLICT', error: 'Someone else changed this conversation at the same time; try again.' };
  return { status: 500, code: 'INTERNAL', error: 'Something went wrong on the server.' };
}

/** A failed acknowledgement for a thrown value. */
export function failAck<T>(err: unknown): Ack<T> {
  const { code, error } = toFailure(err);
  return { ok: false, code, error };
}

/** True for errors operators cause (bad input, no permission); others are logged as server faults. */
export function isExpected(err: unknown): boolean {
  return err instanceof ConsoleError || err instanceof ValidationError;
}
