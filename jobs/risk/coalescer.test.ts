import { describe, expect, it } from '@jest/globals';
import { Coalescer } from './coalescer.js';

describe('Coalescer', () => {
  it('runs one task per key at a time and folds calls made meanwhile into one re-run', async () => {
    const c = new Coalescer();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let runs = 0;
    const task = async () => {
      const n = ++runs;
      log.push(`start ${n}`);
      if (n === 1) await gate;
      log.push(`end ${n}`);
    };
    const first = c.run('a', task);
    const second = c.run('a', task);
    const third = c.run('a', task);
    const other = c.run('b', async () => void log.push('b'));
    await other;
    expect(log).toEqual(['start 1', 'b']);
    release();
    await Promise.all([first, second, third]);
    expect(log).toEqual(['start 1', 'b', 'end 1', 'start 2', 'end 2']);
    await c.run('a', task);
    expect(runs).toBe(3);
  });

  it('keeps going after a failing run, and reports the failure to its callers', async () => {
    const c = new Coalescer();
    await expect(c.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    let ran = false;
    await c.run('a', async () => void (ran = true));
    expect(ran).toBe(true);
  });
});
