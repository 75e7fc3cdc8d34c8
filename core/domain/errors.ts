/** Every error code Parley raises, in one place. */
export const ErrorCodes = {
  CONFIG_INVALID: 'CONFIG_INVALID',
  VALIDATION: 'VALIDATION',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  RATE_LIMITED: 'RATE_LIMITED',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PROVIDER: 'PROVIDER',
  CHANNEL_UNAVAILABLE: 'CHANNEL_UNAVAILABLE',
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  STORE: 'STORE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * The HTTP status of each code, in one place (the console's REST answers and Socket.IO
 * acknowledgements, webhooks). A provider failing is our upstream failing: 502.
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  CONFIG_INVALID: 500,
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PROVIDER: 502,
  CHANNEL_UNAVAILABLE: 503,
  SHUTTING_DOWN: 503,
  STORE: 503,
  INTERNAL: 500,
};

/** The HTTP status for any thrown value: its code's, or 500. */
export function httpStatusOf(err: unknown): number {
  return err instanceof ParleyError ? HTTP_STATUS[err.code] : 500;
}

/**
 * Every outside service Parley calls, one spelling each. WhatsApp's providers are named as in
 * `ConversationRef.provider` (`meta`, `twilio`, `baileys`); `whatsapp` is the channel itself
 * (no provider configured for a reference).
 */
export const PROVIDERS = ['telegram', 'meta', 'twilio', 'baileys', 'whatsapp', 'email', 'slack', 'openai', 'pocketsphinx', 'teams'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** Keys whose values are personal data (message text, phone numbers, names, addresses). */
const PERSONAL_KEYS = /^(text|body|caption|phone|email|name|first_name|last_name|username|from|to|chat_id|wa_id|raw|sender|recipient|contacts|profile|address|subject|html)$/i;
const MAX_STRING = 200;

/**
 * A provider request or response with the personal data taken out, safe to keep on an error and
 * to log: personal keys become `[redacted]`, long strings are cut, depth and arrays are bounded.
 *
 * @example
 * redactPayload({ chat_id: 42, text: 'my phone is +49...', parse_mode: 'HTML' })
 * // { chat_id: '[redacted]', text: '[redacted]', parse_mode: 'HTML' }
 */
export function redactPayload(payload: unknown, depth = 0): unknown {
  if (payload === null || payload === undefined || typeof payload === 'number' || typeof payload === 'boolean') return payload;
  if (typeof payload === 'string') return payload.length > MAX_STRING ? `${payload.slice(0, MAX_STRING)}… (${payload.length} chars)` : payload;
  if (depth >= 6) return '[…]';
  if (Array.isArray(payload)) return payload.slice(0, 10).map((v) => redactPayload(v, depth + 1));
  if (Buffer.isBuffer(payload)) return `[${payload.length} bytes]`;
  if (typeof payload !== 'object') return String(payload);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) out[key] = PERSONAL_KEYS.test(key) && value !== undefined ? '[redacted]' : redactPayload(value, depth + 1);
  return out;
}

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
 * A provider call failed. `retryAfterMs` is honoured by the retry rule; `permanent` errors are not
 * retried (bad recipient, bot blocked, template rejected). `method` names the call that failed
 * and `payload` keeps what was sent, redacted (`redactPayload`), like grammY's `GrammyError`.
 *
 * @example
 * throw new ProviderError('telegram', 'Too Many Requests', { method: 'sendMessage', payload: { chat_id: 42, text }, status: 429, retryAfterMs: 3000 });
 */
export class ProviderError extends ParleyError {
  readonly provider: ProviderName;
  readonly method: string | undefined;
  /** The request, personal data removed. */
  readonly payload: unknown;
  readonly status: number | undefined;
  readonly providerCode: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly permanent: boolean;
  /** The recipient can no longer be reached on this channel (blocked the bot, left). */
  readonly unreachable: boolean;
  constructor(
    provider: ProviderName,
    message: string,
    opts: {
      method?: string;
      payload?: unknown;
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
    this.method = opts.method;
    this.payload = opts.payload === undefined ? undefined : redactPayload(opts.payload);
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
