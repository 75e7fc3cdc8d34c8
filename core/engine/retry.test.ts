import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { ConcurrencyError, ProviderError } from '../domain/index.js';
import { COMMIT_RETRY, isRetryable, nextRetryDelay, parseRetryAfter, providerRetryAfter, retry } from './retry.js';

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

describe('nextRetryDelay: bounds and options', () => {
  it('waits a retry-after exactly at the allowed maximum', () => {
    const err = new ProviderError('openai', 'slow down', { status: 429, retryAfterMs: 10_000 });
    expect(nextRetryDelay(err, 1, { policy, random, maxRetryAfterMs: 10_000 })).toBe(10_000);
    expect(nextRetryDelay(err, 1, { policy, random, maxRetryAfterMs: 9_999 })).toBeUndefined();
  });

  it('reads the wait through a custom retryAfterMs', () => {
    expect(nextRetryDelay(new Error('slow'), 1, { policy, random, retryAfterMs: () => 5000 })).toBe(5000);
    expect(nextRetryDelay(new Error('slow'), 1, { policy, random, retryAfterMs: () => 5000, maxRetryAfterMs: 4000 })).toBeUndefined();
  });

  it('retries a 429 and 5xx, not a permanent 4xx', () => {
    expect(isRetryable(new ProviderError('meta', 'slow down', { status: 429 }))).toBe(true);
    expect(isRetryable(new ProviderError('meta', 'bad gateway', { status: 502 }))).toBe(true);
    expect(isRetryable(new Error('ECONNRESET'))).toBe(true);
    expect(isRetryable(new ProviderError('meta', 'bad request', { status: 400 }))).toBe(false);
    expect(providerRetryAfter(new ProviderError('meta', 'slow down', { status: 429, retryAfterMs: 700 }))).toBe(700);
    expect(providerRetryAfter({ retryAfterMs: 700 })).toBeUndefined();
  });

  it('jitters within [half, all] of the exponential delay by default (no random given)', () => {
    for (let k = 0; k < 20; k++) {
      const d = nextRetryDelay(new Error('x'), 3, { policy })!;
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
  });
});

describe('retry: what the loop does', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('tells onRetry the attempt, the pause and the error', async () => {
    const err = new ProviderError('slack', 'unavailable', { status: 503 });
    const told: unknown[] = [];
    await retry(async (attempt) => {
      if (attempt === 1) throw err;
      return 'ok';
    }, { policy, random, sleep: async () => {}, onRetry: (info) => told.push(info) });
    expect(told).toEqual([{ attempt: 1, delayMs: 100, err }]);
  });

  it('does not retry a permanent error: one call, no pause', async () => {
    let calls = 0;
    const pauses: number[] = [];
    const failing = retry(async () => {
      calls++;
      throw new ProviderError('twilio', 'bad number', { status: 400, permanent: true });
    }, { policy, random, sleep: async (ms) => void pauses.push(ms) });
    await expect(failing).rejects.toThrow('bad number');
    expect(calls).toBe(1);
    expect(pauses).toEqual([]);
  });

  it('gives up at once, without pausing, when its owner stopped during the attempt', async () => {
    let calls = 0;
    const pauses: number[] = [];
    const told: number[] = [];
    const stopped = retry(async () => {
      calls++;
      throw new Error('down');
    }, { policy, random, active: () => false, sleep: async (ms) => void pauses.push(ms), onRetry: ({ attempt }) => told.push(attempt) });
    await expect(stopped).rejects.toThrow('down');
    expect(calls).toBe(1);
    expect(pauses).toEqual([]);
    expect(told).toEqual([]);
  });

  it('re-runs a lost commit at once, without sleeping, up to 5 times', async () => {
    let calls = 0;
    const pauses: number[] = [];
    const failing = retry(async () => {
      calls++;
      throw new ConcurrencyError('message', 'm1', 3);
    }, { policy: COMMIT_RETRY, random, sleep: async (ms) => void pauses.push(ms) });
    await expect(failing).rejects.toThrow('message m1 changed since version 3');
    expect(calls).toBe(5);
    expect(pauses).toEqual([]);
  });

  it('waits on a real timer by default', async () => {
    jest.useFakeTimers();
    let calls = 0;
    const done = retry(async () => {
      calls++;
      if (calls === 1) throw new Error('once');
      return 'ok';
    }, { policy, random });
    await jest.advanceTimersByTimeAsync(99);
    expect(calls).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    await expect(done).resolves.toBe('ok');
  });
});

describe('parseRetryAfter: what is not a wait', () => {
  const now = Date.parse('2026-03-02T10:00:00Z');
  it.each([
    ['no headers', undefined],
    ['a plain object', { 'retry-after': '3' }],
  ])('%s -> undefined', (_name, headers) => {
    expect(parseRetryAfter(headers, now)).toBeUndefined();
  });

  it('trims a header-like object that does not (only fetch\'s Headers trims values itself)', () => {
    const headers = { get: (name: string) => (name === 'retry-after' ? ' 3 ' : null) };
    expect(parseRetryAfter(headers, now)).toBe(3000);
  });

  it.each([
    ['spaces around seconds', { 'retry-after': ' 3 ' }, 3000],
    ['two-digit seconds', { 'retry-after': '12' }, 12_000],
    ['two decimals', { 'retry-after': '1.25' }, 1250],
    ['a negative retry-after-ms falls back to retry-after', { 'retry-after-ms': '-5', 'retry-after': '2' }, 2000],
    ['an unreadable retry-after-ms falls back to retry-after', { 'retry-after-ms': 'soon', 'retry-after': '2' }, 2000],
    ['retry-after-ms 0', { 'retry-after-ms': '0', 'retry-after': '2' }, 0],
    ['seconds with a unit', { 'retry-after': '3 s' }, undefined],
    ['a word before seconds', { 'retry-after': 'a3' }, undefined],
    ['blank', { 'retry-after': '  ' }, undefined],
  ])('%s', (_name, headers, expected) => {
    expect(parseRetryAfter(new Headers(headers), now)).toBe(expected);
  });
});
