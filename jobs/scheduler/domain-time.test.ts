import { describe, expect, it } from '@jest/globals';
import { ManualClock, silentLogger } from '../../core/ports/index.js';
import { decideRun, skewShift } from './domain-time.js';
import { DomainTimeline } from './timeline.js';

const H = 3_600_000;

describe('domain time', () => {
  it.each([
    [0, 0, 1000, 0],
    [0, 999, 1000, 0],
    [0, 1001, 1000, -1001],
    [0, 3 * H, 1000, -3 * H], // the domain clock jumped ahead: jobs come due sooner
    [5 * H, 2 * H, 1000, 3 * H], // it went back: later
    [-500, -1700, 1000, 1200], // a frozen test clock falls behind real time
  ])('applied skew %i, observed %i, tolerance %i -> move jobs by %i', (applied, observed, tolerance, shift) => {
    expect(skewShift(applied, observed, tolerance)).toBe(shift);
  });

  it.each([
    [undefined, '2026-01-01T09:00:00Z', true],
    ['2026-01-01T09:00:00Z', '2026-01-01T09:00:00Z', true],
    ['2026-01-01T08:00:00Z', '2026-01-01T09:00:00Z', true],
    ['2026-01-01T09:00:01Z', '2026-01-01T09:00:00Z', false],
  ])('a job due %s handed over at %s runs: %s', (due, now, runs) => {
    const decision = decideRun(due ? new Date(due) : undefined, new Date(now));
    expect(decision.run).toBe(runs);
    if (!decision.run) expect(decision.deferTo).toEqual(new Date(due!));
  });
});

describe('DomainTimeline', () => {
  function timeline(clock: ManualClock, stored: { skew?: number }, real: { now: number }) {
    const shifts: number[] = [];
    const t = new DomainTimeline({
      clock,
      store: { get: async () => stored.skew, set: async (v) => void (stored.skew = v) },
      shift: async (delta) => (shifts.push(delta), 1),
      log: silentLogger,
      toleranceMs: 1000,
      now: () => real.now,
    });
    return { t, shifts };
  }

  it('maps domain to real time, persists the skew, and moves jobs when the clock jumps', async () => {
    const real = { now: Date.parse('2026-11-23T00:00:00Z') };
    const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
    const stored: { skew?: number } = {};
    const { t, shifts } = timeline(clock, stored, real);
    await t.load();
    const skew = clock.now().getTime() - real.now;
    expect(stored.skew).toBe(skew);
    expect(t.toReal(new Date('2026-03-02T10:00:00Z')).getTime()).toBe(real.now + H);
    expect(t.version).toBe(0);

    clock.advance(H);
    await t.sync();
    expect(shifts).toEqual([-H]);
    expect(t.version).toBe(1);
    expect(t.toReal(new Date('2026-03-02T10:00:00Z')).getTime()).toBe(real.now);
    expect(stored.skew).toBe(skew + H);

    real.now += 500; // within tolerance: nothing moves
    await t.sync();
    expect(shifts).toEqual([-H]);
  });

  it('after a restart, realigns jobs written under the stored skew', async () => {
    const real = { now: Date.parse('2026-11-23T00:00:00Z') };
    const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
    const stored = { skew: clock.now().getTime() - real.now - 2 * H }; // written when the clock was 2 h behind
    const { t, shifts } = timeline(clock, stored, real);
    await t.load();
    expect(shifts).toEqual([-2 * H]);
  });

  it('never realigns in the middle of a write that computed real times', async () => {
    const real = { now: 0 };
    const clock = new ManualClock(new Date(0));
    const order: string[] = [];
    const t = new DomainTimeline({ clock, store: { get: async () => 0, set: async () => undefined }, shift: async () => (order.push('shift'), 0), log: silentLogger, toleranceMs: 10, now: () => real.now });
    await t.load();
    let release!: () => void;
    const write = t.withSkew(async (toReal) => {
      order.push(`write ${toReal(new Date(100)).getTime()}`);
      await new Promise<void>((r) => (release = r));
      order.push('write done');
    });
    clock.advance(H);
    const sync = t.sync();
    await new Promise((r) => setTimeout(r, 10));
    release();
    await Promise.all([write, sync]);
    expect(order).toEqual(['write 100', 'write done', 'shift']);
  });
});
