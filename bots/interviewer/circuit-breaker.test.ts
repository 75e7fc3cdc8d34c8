import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../core/ports/clock.js';
import { CircuitBreaker, CircuitOpenError, type BreakerState } from './circuit-breaker.js';

/** One scripted step: advance the clock, then act, then expect. */
type Step =
  | { act: 'fail' | 'succeed'; advanceMs?: number; expect: BreakerState; failures?: number }
  | { act: 'acquire'; advanceMs?: number; granted: boolean; expect: BreakerState };

function runScript(steps: readonly Step[]): void {
  const clock = new ManualClock(new Date('2026-01-01T09:00:00Z'));
  const breaker = new CircuitBreaker({ now: () => clock.now().getTime() });
  steps.forEach((step, i) => {
    clock.advance(step.advanceMs ?? 0);
    const where = `step ${i} (${step.act})`;
    if (step.act === 'acquire') {
      expect([where, breaker.tryAcquire()]).toEqual([where, step.granted]);
    } else if (step.act === 'fail') {
      breaker.recordFailure();
    } else {
      breaker.recordSuccess();
    }
    expect([where, breaker.state]).toEqual([where, step.expect]);
    if ('failures' in step && step.failures !== undefined) expect([where, breaker.failures]).toEqual([where, step.failures]);
  });
}

const fourFailures: Step[] = [1, 2, 3, 4].map((n) => ({ act: 'fail', expect: 'closed', failures: n }));

describe('CircuitBreaker transitions', () => {
  it.each<[string, Step[]]>([
    ['stays closed below the threshold', [...fourFailures, { act: 'acquire', granted: true, expect: 'closed' }]],
    ['a success resets the failure count', [...fourFailures, { act: 'succeed', expect: 'closed', failures: 0 }, { act: 'fail', expect: 'closed', failures: 1 }]],
    ['opens on the 5th consecutive failure and refuses calls', [...fourFailures, { act: 'fail', expect: 'open', failures: 5 }, { act: 'acquire', granted: false, expect: 'open' }]],
    ['still open 1 ms before 60 s', [...fourFailures, { act: 'fail', expect: 'open' }, { act: 'acquire', advanceMs: 59_999, granted: false, expect: 'open' }]],
    [
      'half-open at 60 s lets exactly one trial through',
      [
        ...fourFailures,
        { act: 'fail', expect: 'open' },
        { act: 'acquire', advanceMs: 60_000, granted: true, expect: 'half-open' },
        { act: 'acquire', granted: false, expect: 'half-open' },
      ],
    ],
    [
      'a successful trial closes the circuit',
      [
        ...fourFailures,
        { act: 'fail', expect: 'open' },
        { act: 'acquire', advanceMs: 60_000, granted: true, expect: 'half-open' },
        { act: 'succeed', expect: 'closed', failures: 0 },
        { act: 'acquire', granted: true, expect: 'closed' },
      ],
    ],
    [
      'a failed trial re-opens for another 60 s',
      [
        ...fourFailures,
        { act: 'fail', expect: 'open' },
        { act: 'acquire', advanceMs: 60_000, granted: true, expect: 'half-open' },
        { act: 'fail', expect: 'open', failures: 6 },
        { act: 'acquire', advanceMs: 59_999, granted: false, expect: 'open' },
        { act: 'acquire', advanceMs: 1, granted: true, expect: 'half-open' },
      ],
    ],
  ])('%s', (_name, steps) => runScript(steps));
});

describe('CircuitBreaker observable state', () => {
  it('records when it opened and clears it on close', () => {
    const clock = new ManualClock(new Date('2026-01-01T09:00:00Z'));
    const breaker = new CircuitBreaker({ now: () => clock.now().getTime(), failureThreshold: 2, openMs: 1000 });
    expect(breaker.openedAt).toBeUndefined();
    breaker.recordFailure();
    clock.advance(500);
    breaker.recordFailure();
    expect(breaker.openedAt).toBe(Date.parse('2026-01-01T09:00:00.500Z'));
    clock.advance(1000);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordSuccess();
    expect(breaker.openedAt).toBeUndefined();
  });

  it('rejects nonsense thresholds', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ openMs: -1 })).toThrow(RangeError);
  });
});

describe('CircuitBreaker.run', () => {
  it('records outcomes and refuses with CircuitOpenError when open', async () => {
    const clock = new ManualClock(new Date('2026-01-01T09:00:00Z'));
    const breaker = new CircuitBreaker({ now: () => clock.now().getTime(), failureThreshold: 1 });
    await expect(breaker.run(() => Promise.resolve(42))).resolves.toBe(42);
    await expect(breaker.run(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(breaker.state).toBe('open');
    let called = false;
    const refused = breaker.run(() => {
      called = true;
      return Promise.resolve(1);
    });
    await expect(refused).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(refused).rejects.toMatchObject({ retryAtMs: Date.parse('2026-01-01T09:01:00Z') });
    expect(called).toBe(false);
  });
});
