import { describe, expect, it } from '@jest/globals';
import { backoffDelay } from './backoff.js';
import { InProcessKeyedQueue } from './keyed-queue.js';
import { lowerMessage, splitText } from './lower.js';
import type { ChannelCapabilities } from '../ports/index.js';

describe('InProcessKeyedQueue', () => {
  it('runs jobs with one key in order, one at a time, and different keys in parallel', async () => {
    const q = new InProcessKeyedQueue<{ key: string; n: number }>({ concurrency: 8 });
    const log: string[] = [];
    let activeA = 0;
    let maxActiveA = 0;
    let overlapAcrossKeys = false;
    let active = 0;
    q.process(async ({ key, n }) => {
      active++;
      if (active > 1) overlapAcrossKeys = true;
      if (key === 'a') maxActiveA = Math.max(maxActiveA, ++activeA);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`${key}${n}`);
      if (key === 'a') activeA--;
      active--;
    });
    for (let n = 1; n <= 5; n++) {
      await q.add('a', { key: 'a', n });
      await q.add('b', { key: 'b', n });
    }
    expect(q.depth()).toBe(10);
    await q.drain();
    expect(log.filter((x) => x.startsWith('a'))).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(log.filter((x) => x.startsWith('b'))).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
    expect(maxActiveA).toBe(1);
    expect(overlapAcrossKeys).toBe(true);
    expect(q.depth()).toBe(0);
  });

  it('keeps going after a failing job and caps concurrency', async () => {
    const q = new InProcessKeyedQueue<number>({ concurrency: 2 });
    let active = 0;
    let peak = 0;
    const done: number[] = [];
    q.process(async (n) => {
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, 2));
      active--;
      if (n === 1) throw new Error('boom');
      done.push(n);
    });
    for (let n = 0; n < 6; n++) await q.add(`k${n}`, n);
    await q.drain();
    expect(done.sort()).toEqual([0, 2, 3, 4, 5]);
    expect(peak).toBe(2);
  });
});

describe('backoffDelay', () => {
  const policy = { maxAttempts: 6, baseMs: 500, maxMs: 4000 };
  it.each([
    [1, 0, undefined, 250],
    [1, 1, undefined, 500],
    [2, 1, undefined, 1000],
    [3, 0.5, undefined, 1500],
    [5, 1, undefined, 4000],
    [9, 1, undefined, 4000],
    [1, 1, 3000, 3000],
    [3, 1, 100, 2000],
  ])('attempt %i, random %f, retry-after %p -> %i ms', (attempt, random, retryAfter, expected) => {
    expect(backoffDelay(attempt, policy, random, retryAfter)).toBe(expected);
  });
});

describe('lowerMessage', () => {
  const caps: ChannelCapabilities = { maxTextLength: 4096, buttons: true, maxButtons: 3, lists: false, maxListItems: 0, templates: false, voice: false, typing: false, maxSendsPerSecond: 30 };
  const choices = [{ id: 'a', label: 'Alpha' }, { id: 'b', label: 'Beta' }, { id: 'c', label: 'Gamma' }, { id: 'd', label: 'Delta' }];

  it('keeps buttons the channel can show', () => {
    expect(lowerMessage({ text: 'Pick', choices: choices.slice(0, 3) }, caps)).toEqual([{ text: 'Pick', choices: choices.slice(0, 3) }]);
  });
  it('turns too many choices into numbered text', () => {
    expect(lowerMessage({ text: 'Pick', choices }, caps)).toEqual([{ text: 'Pick\n\n1. Alpha\n2. Beta\n3. Gamma\n4. Delta', choices: undefined }]);
  });
  it('turns choices into numbered text where there are no buttons', () => {
    expect(lowerMessage({ text: 'Go?', choices: choices.slice(0, 2) }, { ...caps, buttons: false })[0]?.text).toBe('Go?\n\n1. Alpha\n2. Beta');
  });
  it('splits long text and keeps the buttons on the last part', () => {
    const parts = lowerMessage({ text: `${'a'.repeat(30)}\n\n${'b'.repeat(30)}`, choices: choices.slice(0, 2) }, { ...caps, maxTextLength: 40 });
    expect(parts).toEqual([{ text: 'a'.repeat(30) }, { text: 'b'.repeat(30), choices: choices.slice(0, 2) }]);
  });
  it('uses a list where buttons do not fit, with the list-row label limit', () => {
    const list = { ...caps, lists: true, maxListItems: 10, maxButtonLabelLength: 3, maxListItemLabelLength: 4 };
    expect(lowerMessage({ text: 'Pick', choices }, list)).toEqual([
      { text: 'Pick\n\n1. Alpha\n2. Beta\n3. Gamma\n4. Delta', choices: [{ id: 'a', label: 'Alp…' }, { id: 'b', label: 'Beta' }, { id: 'c', label: 'Gam…' }, { id: 'd', label: 'Del…' }] },
    ]);
  });
  it('numbers cut labels that would otherwise read the same', () => {
    const same = [{ id: 'x', label: 'Option one' }, { id: 'y', label: 'Option two' }];
    expect(lowerMessage({ text: 'Pick', choices: same }, { ...caps, maxButtonLabelLength: 8 })[0]?.choices).toEqual([{ id: 'x', label: '1. Opti…' }, { id: 'y', label: '2. Opti…' }]);
  });
  it('leaves labels within the limit and their text alone', () => {
    expect(lowerMessage({ text: 'Pick', choices: choices.slice(0, 3) }, { ...caps, maxButtonLabelLength: 5 })).toEqual([{ text: 'Pick', choices: choices.slice(0, 3) }]);
  });
  it('splits text with choices so the last part fits the interactive limit; plain text keeps the full limit', () => {
    const text = `${'a'.repeat(30)}\n\n${'b'.repeat(30)}`;
    const interactive = { ...caps, maxTextLength: 100, maxInteractiveTextLength: 40 };
    expect(lowerMessage({ text, choices: choices.slice(0, 2) }, interactive)).toEqual([{ text: 'a'.repeat(30) }, { text: 'b'.repeat(30), choices: choices.slice(0, 2) }]);
    expect(lowerMessage({ text }, interactive)).toEqual([{ text }]);
  });
});

describe('splitText', () => {
  it.each([
    ['short', 10, ['short']],
    ['one. two. three.', 10, ['one. two.', 'three.']],
    ['abcdefghijklmnop', 5, ['abcde', 'fghij', 'klmno', 'p']],
  ])('%s at %i', (text, max, expected) => {
    const parts = splitText(text, max);
    expect(parts).toEqual(expected);
    expect(parts.every((p) => p.length <= max)).toBe(true);
  });
  it('never exceeds Telegram\'s 4096 characters', () => {
    const parts = splitText('word '.repeat(3000), 4096);
    expect(parts.length).toBe(4);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join(' ').split(/\s+/).filter(Boolean)).toHaveLength(3000);
  });
});
