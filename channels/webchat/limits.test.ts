import { describe, expect, it } from '@jest/globals';
import { SlidingWindowLimiter } from './limits.js';

describe('SlidingWindowLimiter', () => {
  it('lets at most `max` events through in any window, and counts again as the oldest leave it', () => {
    const limiter = new SlidingWindowLimiter(3, 1000);
    const take = (at: number) => limiter.take('a', at);
    expect([take(0), take(100), take(200), take(300)]).toEqual([true, true, true, false]);
    // The refused event at 300 was not counted: at 1000 the one at 0 has left the window.
    expect(take(999)).toBe(false);
    expect(take(1000)).toBe(true);
    // In the window now: 100, 200, 1000.
    expect(take(1099)).toBe(false);
    expect(take(1100)).toBe(true);
    expect(take(1150)).toBe(false);
    // Another key has its own window.
    expect(limiter.take('b', 1150)).toBe(true);
  });

  it('with thousands of events in a window (a shared address, a high limit) still refuses the one over the limit', () => {
    const limiter = new SlidingWindowLimiter(5000, 10_000);
    for (let i = 0; i < 5000; i++) expect(limiter.take('nat', i)).toBe(true);
    expect(limiter.take('nat', 9_999)).toBe(false);
    // 10 s after the first 100: 100 places free again, not more.
    for (let i = 0; i < 100; i++) expect(limiter.take('nat', 10_099)).toBe(true);
    expect(limiter.take('nat', 10_099)).toBe(false);
  });
});
