import { GrammyError, HttpError } from 'grammy';
import { ProviderError } from '../../core/domain/index.js';

/**
 * A Bot API failure as a `ProviderError` the outbound queue understands: 429 carries
 * `retry_after`; 403 (the user blocked the bot or deleted their account) marks the candidate
 * unreachable; other 4xx are permanent; 5xx and network failures are retried.
 *
 * @example
 * try { await api.sendMessage(chatId, text) } catch (err) { throw toTelegramError(err) }
 */
export function toTelegramError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof GrammyError) {
    const retryAfter = err.parameters?.retry_after;
    return new ProviderError('telegram', `${err.method}: ${err.description}`, {
      method: err.method,
      payload: err.payload,
      status: err.error_code,
      providerCode: String(err.error_code),
      ...(typeof retryAfter === 'number' ? { retryAfterMs: retryAfter * 1000 } : {}),
      ...(err.error_code === 403 ? { unreachable: true } : {}),
      cause: err,
    });
  }
  if (err instanceof HttpError) return new ProviderError('telegram', err.message, { cause: err });
  return new ProviderError('telegram', err instanceof Error ? err.message : String(err), { cause: err });
}
