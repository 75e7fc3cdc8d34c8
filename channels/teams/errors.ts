import { ProviderError, errorMessage } from '../../core/domain/index.js';

/**
 * A Bot Connector failure as a `ProviderError`: 429 and 5xx retryable (Retry-After honoured by
 * the retry rule), 403 (the user blocked the bot, or an admin disabled it) and 404 (the
 * conversation is gone) unreachable, any other 4xx permanent.
 */
export function toTeamsError(err: unknown, method: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = err as { statusCode?: number; status?: number; code?: string; response?: { headers?: { get?(name: string): string | undefined | null } }; message?: string };
  const status = e.statusCode ?? e.status;
  const retryAfter = e.response?.headers?.get?.('retry-after') ?? undefined;
  const retryAfterMs = retryAfter ? parseRetryAfter(retryAfter) : undefined;
  return new ProviderError('teams', `${method} failed${status ? `: HTTP ${status}` : ''}: ${errorMessage(err)}`, {
    method,
    ...(status !== undefined ? { status } : {}),
    ...(e.code ? { providerCode: e.code } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(status === 403 || status === 404 ? { unreachable: true } : {}),
    cause: err,
  });
}

/** Seconds, or an HTTP date. */
export function parseRetryAfter(value: string): number | undefined {
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
