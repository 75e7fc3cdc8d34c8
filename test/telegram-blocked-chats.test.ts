import { describe, expect, it } from '@jest/globals';
import { blockedChats } from '../bin/plugins/telegram.js';
import type { PluginContext } from '../bin/plugins/types.js';

/** A kv store shared by "nodes", counting reads. */
function kv() {
  const rows = new Map<string, unknown>();
  const reads = { get: 0, list: 0 };
  const store = {
    kvGet: async (ns: string, key: string) => (reads.get++, rows.get(`${ns}\u0000${key}`)),
    kvSet: async (ns: string, key: string, value: unknown) => void rows.set(`${ns}\u0000${key}`, value),
    kvDelete: async (ns: string, key: string) => void rows.delete(`${ns}\u0000${key}`),
    kvList: async (ns: string) => (
      reads.list++,
      [...rows].filter(([k]) => k.startsWith(`${ns}\u0000`)).map(([k, value]) => ({ key: k.slice(ns.length + 1), value }))
    ),
  };
  return { store, rows, reads };
}

const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
const ctx = (store: ReturnType<typeof kv>['store'], redis?: string) =>
  ({ store, clock, config: redis ? { REDIS_URL: redis } : {} }) as unknown as Pick<PluginContext, 'store' | 'clock' | 'config'>;

describe('Telegram blocked chats', () => {
  it('embedded: reads the stored set once, honours a block stored before start, and writes through', async () => {
    const shared = kv();
    await shared.store.kvSet('telegram-blocked-chats', '42', { at: 'earlier' });
    const blocked = blockedChats(ctx(shared.store));
    expect(await blocked.has('42')).toBe(true);
    expect(await blocked.has('43')).toBe(false);
    await blocked.add('43');
    expect(await blocked.has('43')).toBe(true);
    expect(shared.rows.has('telegram-blocked-chats\u000043')).toBe(true);
    await blocked.delete('42');
    expect(await blocked.has('42')).toBe(false);
    expect(shared.rows.has('telegram-blocked-chats\u000042')).toBe(false);
    expect(shared.reads).toEqual({ get: 0, list: 1 });
    // A restart reads what the last process stored.
    expect(await blockedChats(ctx(shared.store)).has('43')).toBe(true);
  });

  it('cluster: every question reads the store, so a block added or cleared by another node counts at once', async () => {
    const shared = kv();
    const here = blockedChats(ctx(shared.store, 'redis://cluster'));
    const there = blockedChats(ctx(shared.store, 'redis://cluster'));
    expect(await here.has('7')).toBe(false);
    await there.add('7');
    expect(await here.has('7')).toBe(true);
    await there.delete('7');
    expect(await here.has('7')).toBe(false);
  });
});
