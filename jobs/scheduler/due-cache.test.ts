import { describe, expect, it } from '@jest/globals';
import { DueCache } from './due-cache.js';

const at = (iso: string) => new Date(iso);

describe('DueCache (a sole writer\'s memory of due times)', () => {
  it('remembers what a look-up found, a waiting job or none, and hands out copies', () => {
    const cache = new DueCache(10);
    expect(cache.get('k')).toBeUndefined();
    const token = cache.begin('k');
    cache.found('k', at('2026-03-02T11:00:00Z'), token);
    cache.settle('k');
    const due = cache.get('k')!;
    due.setTime(0);
    expect(cache.get('k')).toEqual(at('2026-03-02T11:00:00Z'));
    cache.found('none', null, cache.begin('none'));
    cache.settle('none');
    expect(cache.get('none')).toBeNull();
  });

  it('a write updates a tracked key only: keys nobody asked about are not kept', () => {
    const cache = new DueCache(10);
    cache.wrote('risk:c1', at('2026-03-02T11:00:00Z'), cache.begin('risk:c1'));
    cache.settle('risk:c1');
    expect(cache.get('risk:c1')).toBeUndefined();
    cache.found('k', null, cache.begin('k'));
    cache.settle('k');
    cache.wrote('k', at('2026-03-02T11:00:00Z'), cache.begin('k'));
    cache.settle('k');
    expect(cache.get('k')).toEqual(at('2026-03-02T11:00:00Z'));
    cache.wrote('k', null, cache.begin('k'));
    cache.settle('k');
    expect(cache.get('k')).toBeNull();
  });

  it('keeps at most `max` keys, the least recently used going first', () => {
    const cache = new DueCache(2);
    for (const k of ['a', 'b']) {
      cache.found(k, null, cache.begin(k));
      cache.settle(k);
    }
    cache.get('a');
    cache.found('c', null, cache.begin('c'));
    cache.settle('c');
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.size]).toEqual([null, undefined, null, 2]);
  });

  it('knows nothing while a write is in flight, and forgets a key changed during a look-up or a write', () => {
    const cache = new DueCache(10);
    cache.found('k', null, cache.begin('k'));
    cache.settle('k');
    const write = cache.begin('k');
    expect(cache.get('k')).toBeUndefined();
    // The job started running meanwhile: what the write left may already be gone.
    cache.forget('k');
    cache.wrote('k', at('2026-03-02T11:00:00Z'), write);
    cache.settle('k');
    expect(cache.get('k')).toBeUndefined();

    const lookUp = cache.begin('k');
    const other = cache.begin('k');
    cache.wrote('k', null, other);
    cache.settle('k');
    cache.found('k', at('2026-03-02T11:00:00Z'), lookUp);
    cache.settle('k');
    expect(cache.get('k')).toBeUndefined();
  });

  it('of two overlapping writes, neither is trusted', () => {
    const cache = new DueCache(10);
    cache.found('k', null, cache.begin('k'));
    cache.settle('k');
    const first = cache.begin('k');
    const second = cache.begin('k');
    cache.wrote('k', at('2026-03-02T11:00:00Z'), first);
    cache.wrote('k', at('2026-03-02T12:00:00Z'), second);
    cache.settle('k');
    cache.settle('k');
    expect(cache.get('k')).toBeUndefined();
  });
});
