import { describe, expect, it } from '@jest/globals';
import { ConcurrencyError, ProviderError } from '../domain/index.js';
import { nextRetryDelay, parseRetryAfter, retry } from './retry.js';

const policy = { maxAttempts: 4, baseMs: 100, maxMs: 1000 };
const random = () => 1;

describe('nextRetryDelay: the one retry rule', () => {
  it.each([
    ['a network error, attempt 1', new Error('ECONNRESET'), 1, {}, 100],
    ['a 503, attempt 3', new ProviderError('telegram', 'unavailable', { status: 503 }), 3, {}, 400],
    ['a 429 asking for 3 s', new ProviderError('telegram', 'slow down', { status: 429, retryAfterMs: 3000 }), 1, {}, 3000],
    ['a 429 asking for less than the backoff', new ProviderError('meta', 'slow down', { status: 429, retryAfterMs: 10 }), 2, {}, 200],
    ['a 400 (permanent)', new ProviderError('twilio', 'bad number', { status: 400 }), 1, {}, undefined],
    ['a blocked bot (unreachable)', new ProviderError('telegram', 'blocked', { status: 403, unreachable: true }), 1, {}, undefined],
    ['the last attempt', new Error('ECONNRESET'), 4, {}, undefined],
    ['a retry-after past the allowed wait', new ProviderError('openai', 'slow down', { status: 429, retryAfterMs: 60_000 }), 1, { maxRetryAfterMs: 10_000 }, undefined],
    ['a non-conflict where only conflicts retry', new Error('boom'), 1, { retryable: (e: unknown) => e instanceof ConcurrencyError }, undefined],
  ])('%s -> %p ms', (_name, err, attempt, extra, expected) => {
    expect(nextRetryDelay(err, attempt, { policy, random, ...extra })).toBe(expected);
  });
});

describe('retry', () => {
  it('retries until the work succeeds, pausing by the backoff, and says so before each pause', async () => {
    const pauses: number[] = [];
    const told: number[] = [];
    let calls = 0;
    const value = await retry(
      async (attempt) => {
        calls++;
        if (attempt < 3) throw new ProviderError('slack', 'unavailable', { status: 502 });
        return 'ok';
      },
      { policy, random, sleep: async (ms) => void pauses.push(ms), onRetry: ({ attempt }) => told.push(attempt) },
    );
    expect(value).toBe('ok');
    expect(calls).toBe(3);
    expect(pauses).toEqual([100, 200]);
    expect(told).toEqual([1, 2]);
  });

  it('throws the last error once the attempts are spent', async () => {
    let calls = 0;
    const failing = retry(async () => {
      calls++;
      throw new Error(`failure ${calls}`);
    }, { policy, random, sleep: async () => {} });
    await expect(failing).rejects.toThrow('failure 4');
    expect(calls).toBe(4);
  });

  it('stops when its owner stops, with the last error', async () => {
    let running = true;
    let calls = 0;
    const stopped = retry(async () => {
      calls++;
      throw new Error('down');
    }, { policy: { ...policy, maxAttempts: Infinity }, random, active: () => running, sleep: async () => void (running = calls < 2) });
    await expect(stopped).rejects.toThrow('down');
    expect(calls).toBe(2);
  });
});

describe('parseRetryAfter: one reading of a provider\'s wait', () => {
  const now = Date.parse('2026-03-02T10:00:00Z');
  it.each([
    ['seconds', { 'retry-after': '3' }, 3000],
    ['fractional seconds', { 'retry-after': '1.5' }, 1500],
    ['milliseconds (OpenAI)', { 'retry-after-ms': '250', 'retry-after': '9' }, 250],
    ['an HTTP date', { 'retry-after': 'Mon, 02 Mar 2026 10:00:05 GMT' }, 5000],
    ['a date in the past', { 'retry-after': 'Mon, 02 Mar 2026 09:00:00 GMT' }, 0],
    ['nothing', {}, undefined],
    ['garbage', { 'retry-after': 'soon' }, undefined],
  ])('%s', (_name, headers, expected) => {
    expect(parseRetryAfter(new Headers(headers), now)).toBe(expected);
  });
});
