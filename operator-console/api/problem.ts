import type { Response } from 'express';
import { HTTP_STATUS, ParleyError, ValidationError } from '../../core/domain/index.js';
import type { Logger } from '../../core/ports/index.js';
import { ConsoleError } from '../errors.js';

/** An API error as RFC 9457 problem details (`application/problem+json`). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: string[];
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  412: 'Precondition failed',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  428: 'Precondition required',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** An API error that is not one of the core codes' statuses (412, 422, 428). */
export class ApiError extends ParleyError {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSec?: number,
  ) {
    super(status === 429 ? 'RATE_LIMITED' : status === 404 ? 'NOT_FOUND' : status === 403 ? 'FORBIDDEN' : status === 401 ? 'UNAUTHORIZED' : status === 409 || status === 412 ? 'CONFLICT' : 'VALIDATION', message);
  }
}

/** The problem for a thrown value; server faults read as a generic 500. */
export function toProblem(err: unknown): Problem & { retryAfterSec?: number } {
  let status = 500;
  let code = 'INTERNAL';
  let detail = 'Something went wrong on the server.';
  let errors: string[] | undefined;
  let retryAfterSec: number | undefined;
  if (err instanceof ApiError) {
    ({ status } = err);
    code = err.code;
    detail = err.message;
    retryAfterSec = err.retryAfterSec;
  } else if (err instanceof ValidationError) {
    status = 400;
    code = 'VALIDATION';
    detail = err.message;
    errors = [...err.issues];
  } else if (err instanceof ConsoleError) {
    ({ status } = err);
    code = err.code;
    detail = err.message;
    retryAfterSec = err.retryAfterSec;
  } else if (err instanceof ParleyError && ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED'].includes(err.code)) {
    status = HTTP_STATUS[err.code];
    code = err.code;
    detail = err.message;
  }
  return {
    type: `https://parley.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors?.length ? { errors } : {}),
    ...(retryAfterSec !== undefined ? { retryAfterSec } : {}),
  };
}

export function sendProblem(res: Response, err: unknown, log: Logger): void {
  const { retryAfterSec, ...problem } = toProblem(err);
  if (problem.status >= 500) log.error({ err }, 'api: request failed');
  if (retryAfterSec !== undefined) res.set('Retry-After', String(retryAfterSec));
  if (problem.status === 401) res.set('WWW-Authenticate', 'Bearer realm="parley-api"');
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}
