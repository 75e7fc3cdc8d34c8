import { describe, expect, it } from '@jest/globals';
import { IngressPressure, INGRESS_BURST } from './ingress-pressure.js';

/** A clock moved by hand, timers fired by hand, and the event loop's I/O passes run by hand. */
function handTime() {
  const t = {
    ms: 1000,
    timers: [] as { at: number; fn: () => void }[],
    afterIo: [] as (() => void)[],
    /** The I/O pass: the deferred decisions run (after whatever the test delivered before). */
    io: () => t.afterIo.splice(0).forEach((fn) => fn()),
    now: () => t.ms,
    schedule: (fn: () => void, ms: number) => {
      const timer = { at: t.ms + ms, fn };
      t.timers.push(timer);
      return () => void (t.timers = t.timers.filter((x) => x !== timer));
    },
    advance(ms: number) {
      t.ms += ms;
      const due = t.timers.filter((x) => x.at <= t.ms);
      t.timers = t.timers.filter((x) => x.at > t.ms);
      for (const x of due) x.fn();
    },
  };
  return t;
}

describe('IngressPressure (issue 13)', () => {
  it('a burst (16 webhooks within 20 ms) raises the signal; fewer, or slower, do not', () => {
    const time = handTime();
    const ingress = new IngressPressure({ now: time.now, schedule: time.schedule, afterIo: (fn) => void time.afterIo.push(fn) });
    // Steady traffic: one webhook every 2 ms (500/s) never has 16 within 20 ms.
    for (let i = 0; i < 50; i++) {
      ingress.arrived();
      time.advance(2);
    }
    expect(ingress.raised).toBe(false);
    time.advance(1000);
    for (let i = 0; i < 15; i++) ingress.arrived();
    expect(ingress.raised).toBe(false);
    ingress.arrived();
    expect(ingress.raised).toBe(true);
    expect(INGRESS_BURST).toEqual({ webhooks: 16, withinMs: 20, holdMs: 20 });
  });

  it('stays raised while webhooks keep arriving and drops holdMs after the last one, telling its listeners once', () => {
    const time = handTime();
    const ingress = new IngressPressure({ now: time.now, schedule: time.schedule, afterIo: (fn) => void time.afterIo.push(fn) });
    let released = 0;
    ingress.onRelease(() => released++);
    for (let i = 0; i < 16; i++) ingress.arrived();
    // Slower than a burst now, but never quiet for 20 ms: still raised, one timer at a time.
    for (let i = 0; i < 10; i++) {
      time.advance(15);
      time.io();
      ingress.arrived();
    }
    expect(ingress.raised).toBe(true);
    expect(released).toBe(0);
    expect(time.timers).toHaveLength(1);
    time.advance(19);
    time.io();
    expect(ingress.raised).toBe(true);
    time.advance(1);
    expect(ingress.raised).toBe(true); // decided after the I/O pass
    time.io();
    expect(ingress.raised).toBe(false);
    expect(released).toBe(1);
    expect(time.timers).toHaveLength(0);
  });

  it('a pause of the whole process is not the end of a burst: webhooks read in the I/O pass after the timer keep it raised', () => {
    const time = handTime();
    const ingress = new IngressPressure({ now: time.now, schedule: time.schedule, afterIo: (fn) => void time.afterIo.push(fn) });
    let released = 0;
    ingress.onRelease(() => released++);
    for (let i = 0; i < 16; i++) ingress.arrived();
    // Off the CPU for 50 ms: the timer fires first, then the loop reads the waiting webhooks.
    time.advance(50);
    ingress.arrived();
    time.io();
    expect(ingress.raised).toBe(true);
    expect(released).toBe(0);
    time.advance(20);
    time.io();
    expect(ingress.raised).toBe(false);
    expect(released).toBe(1);
  });

  it('the middleware notes each request as it arrives', () => {
    const time = handTime();
    const ingress = new IngressPressure({ webhooks: 2, now: time.now, schedule: time.schedule, afterIo: (fn) => void time.afterIo.push(fn) });
    let nexts = 0;
    const call = () => ingress.middleware({} as never, {} as never, () => void nexts++);
    call();
    expect(ingress.raised).toBe(false);
    call();
    expect(ingress.raised).toBe(true);
    expect(nexts).toBe(2);
  });
});
