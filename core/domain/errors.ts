/** Every error code Parley raises, in one place. */
export const ErrorCodes = {
  CONFIG_INVALID: 'CONFIG_INVALID',
  VALIDATION: 'VALIDATION',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PROVIDER: 'PROVIDER',
  CHANNEL_UNAVAILABLE: 'CHANNEL_UNAVAILABLE',
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  STORE: 'STORE',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Base class: every Parley error has a `code` and may carry a `cause`. */
export class ParleyError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that failed validation (a payload, a config value, a question bank file). */
export class ValidationError extends ParleyError {
  constructor(message: string, readonly issues: readonly string[] = [], options?: { cause?: unknown }) {
    super(ErrorCodes.VALIDATION, message, options);
  }
}

export class NotFoundError extends ParleyError {
  constructor(what: string, id: string) {
    super(ErrorCodes.NOT_FOUND, `${what} ${id} not found`);
  }
}

/** A versioned snapshot was written by someone else since it was read. */
export class ConcurrencyError extends ParleyError {
  constructor(what: string, id: string, expected: number) {
    super(ErrorCodes.CONFLICT, `${what} ${id} changed since version ${expected}`);
  }
}

/**
 * A provider call failed. `retryAfterMs` is honoured by the outbound queue; `permanent`
 * errors are not retried (bad recipient, bot blocked, template rejected).
 *
 * @example
 * throw new ProviderError('telegram', 'Too Many Requests', { status: 429, retryAfterMs: 3000 });
 */
export class ProviderError extends ParleyError {
  readonly provider: string;
  readonly status: number | undefined;
  readonly providerCode: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly permanent: boolean;
  /** The recipient can no longer be reached on this channel (blocked the bot, left). */
  readonly unreachable: boolean;
  constructor(
    provider: string,
    message: string,
    opts: {
      status?: number;
      providerCode?: string;
      retryAfterMs?: number;
      permanent?: boolean;
      unreachable?: boolean;
      cause?: unknown;
    } = {},
  ) {
    super(ErrorCodes.PROVIDER, `${provider}: ${message}`, { cause: opts.cause });
    this.provider = provider;
    this.status = opts.status;
    this.providerCode = opts.providerCode;
    this.retryAfterMs = opts.retryAfterMs;
    this.unreachable = opts.unreachable ?? false;
    this.permanent = opts.permanent ?? (opts.unreachable === true || (opts.status !== undefined && opts.status >= 400 && opts.status < 500 && opts.status !== 429 && opts.status !== 408));
  }
}

export class ShuttingDownError extends ParleyError {
  constructor() {
    super(ErrorCodes.SHUTTING_DOWN, 'Parley is shutting down');
  }
}

/** Message of any thrown value, for logs and stored error fields. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
