import { HTTP_STATUS, ParleyError, ValidationError } from '../core/domain/index.js';
import type { Ack, ConsoleErrorCode } from './contract.js';

/**
 * A console request that cannot be served: who is asking (401), what they may do (403), how
 * often (429), what they ask for (404), or a clash with another operator (409). A `ParleyError`
 * whose code (from the one map, `ErrorCodes`) gives the HTTP status (`HTTP_STATUS`); the same
 * code travels in Socket.IO acknowledgements.
 *
 * @example
 * throw new ConsoleError('FORBIDDEN', 'Viewers cannot take over conversations');
 */
export class ConsoleError extends ParleyError {
  declare readonly code: Exclude<ConsoleErrorCode, 'INTERNAL'>;
  readonly status: number;
  readonly retryAfterSec: number | undefined;
  constructor(code: Exclude<ConsoleErrorCode, 'INTERNAL'>, message: string, opts: { retryAfterSec?: number; cause?: unknown } = {}) {
    super(code, message, { cause: opts.cause });
    this.status = HTTP_STATUS[code];
    this.retryAfterSec = opts.retryAfterSec;
  }
}

/** Codes an operator may see with the error's own message; anything else reads as INTERNAL. */
const SHOWN = new Set<string>(['UNAUTHORIZED', 'FORBIDDEN', 'RATE_LIMITED', 'VALIDATION', 'NOT_FOUND', 'CONFLICT'] satisfies ConsoleErrorCode[]);

/** How any thrown value reads to an operator: console and Parley errors keep their message. */
export function toFailure(err: unknown): { status: number; code: ConsoleErrorCode; error: string } {
  if (err instanceof ConsoleError) return { status: err.status, code: err.code, error: err.message };
  if (err instanceof ValidationError) return { status: HTTP_STATUS.VALIDATION, code: 'VALIDATION', error: [err.message, ...err.issues].join(': ') };
  if (err instanceof ParleyError && err.code === 'CONFLICT') return { status: HTTP_STATUS.CONFLICT, code: 'CONFLICT', error: 'Someone else changed this conversation at the same time; try again.' };
  if (err instanceof ParleyError && SHOWN.has(err.code)) return { status: HTTP_STATUS[err.code], code: err.code as ConsoleErrorCode, error: err.message };
  return { status: HTTP_STATUS.INTERNAL, code: 'INTERNAL', error: 'Something went wrong on the server.' };
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
