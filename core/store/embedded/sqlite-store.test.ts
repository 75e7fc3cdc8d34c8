import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countStatements } from '../../../test/support/statement-log.js';
import { runStoreContract, inbound } from '../../../test/support/store-contract.js';
import { SqliteStore } from './sqlite-store.js';
import { MIGRATIONS } from './migrations.js';

runStoreContract('embedded SQLite', async () => SqliteStore.open(':memory:'));

/**
 * A store on a file with two pending inbound messages, and a second connection that sees only
 * what is committed (what a kill -9 now would leave).
 */
async function twoOnDisk() {
  const file = join(mkdtempSync(join(tmpdir(), 'parley-store-')), 'parley.db');
  const store = SqliteStore.open(file);
  const a = await store.recordInbound(inbound('s1', 'p1', 'a'), new Date());
  const b = await store.recordInbound(inbound('s2', 'p2', 'b'), new Date());
  const disk = new Database(file, { readonly: true });
  const onDisk = (id: string) => (disk.prepare('SELECT status FROM messages WHERE id = ?').get(id) as { status: string }).status;
  return { file, store, a, b, disk, onDisk };
}

describe('SqliteStore on disk', () => {
  it('migrates once, survives reopening, and keeps data', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-store-')), 'nested', 'parley.db');
    const first = SqliteStore.open(file);
    expect(first.schemaVersion()).toBe(MIGRATIONS.at(-1)?.version);
    const r = await first.recordInbound(inbound('s1', 'p1', 'persist me'), new Date());
    await first.close();
    const second = SqliteStore.open(file);
    expect(second.schemaVersion()).toBe(MIGRATIONS.at(-1)?.version);
    expect(await second.getMessage(r.message.id)).toMatchObject({ text: 'persist me', status: 'pending' });
    await second.close();
  });

  it('an immediate write is committed when the call returns, with the group it joined; a grouped one waits', async () => {
    const { store, a, b, disk, onDisk } = await twoOnDisk();

    const grouped = store.updateMessage(a.message.id, { status: 'processed' }, new Date());
    expect(onDisk(a.message.id)).toBe('pending');
    const immediate = store.updateMessage(b.message.id, { status: 'processed' }, new Date(), [], { immediate: true });
    expect(onDisk(b.message.id)).toBe('processed');
    expect(onDisk(a.message.id)).toBe('processed');
    await Promise.all([grouped, immediate]);

    // The next grouped write opens a new group, committed on its own.
    const later = store.updateMessage(a.message.id, { status: 'failed' }, new Date());
    expect(onDisk(a.message.id)).toBe('processed');
    await later;
    expect(onDisk(a.message.id)).toBe('failed');
    disk.close();
    await store.close();
  });

  it('writes made `soon` in one burst share one transaction, committed before the next event-loop turn (the sent marks, issue 13)', async () => {
    const { file, store, a, b, disk, onDisk } = await twoOnDisk();
    const sql = countStatements({ file });
    try {
      // Scheduled before the writes: a group commit (setImmediate) would run after this and find nothing committed.
      const nextTurn = new Promise<string[]>((resolve) => setImmediate(() => resolve([onDisk(a.message.id), onDisk(b.message.id)])));
      const event = (id: string) => ({ id: `e-${id}`, type: 'MessageSent', at: new Date(), actor: 'bot', conversationId: a.conversation.id, messageId: id, channel: 'webchat' }) as const;
      // Two acknowledgements in the same burst of promise jobs (two replies' sends resolving together).
      const marked: Promise<unknown>[] = [];
      const writes = [a, b].map((r) =>
        Promise.resolve().then(() => {
          marked.push(store.updateMessage(r.message.id, { status: 'sent' }, new Date(), [event(r.message.id)], { soon: true }));
          // Not on disk when the call returns (that is `immediate`).
          expect(onDisk(r.message.id)).toBe('pending');
        }),
      );
      expect(await nextTurn).toEqual(['sent', 'sent']);
      await Promise.all(writes);
      await Promise.all(marked);
      const statements = sql.take();
      expect(statements.filter((s) => /^BEGIN/.test(s))).toHaveLength(1);
      expect(statements.filter((s) => s === 'COMMIT')).toHaveLength(1);
    } finally {
      sql.restore();
      disk.close();
      await store.close();
    }
  });

  it('an immediate write with no group open is its own transaction: committed on return, rolled back whole when it fails', async () => {
    const { store, a, disk, onDisk } = await twoOnDisk();

    const sent = store.updateMessage(a.message.id, { status: 'processed' }, new Date(), [], { immediate: true });
    expect(onDisk(a.message.id)).toBe('processed');
    await sent;
    // The patch runs, then its event fails validation: neither may stay, and the store goes on.
    const bad = { id: 'e-bad', type: 'MessageSent', conversationId: a.conversation.id, at: new Date(Number.NaN) } as never;
    await expect(store.updateMessage(a.message.id, { status: 'failed' }, new Date(), [bad], { immediate: true })).rejects.toHaveProperty('message');
    expect(onDisk(a.message.id)).toBe('processed');
    expect(await store.getMessage(a.message.id)).toMatchObject({ status: 'processed' });
    await store.updateMessage(a.message.id, { status: 'failed' }, new Date(), [], { immediate: true });
    expect(onDisk(a.message.id)).toBe('failed');
    disk.close();
    await store.close();
  });

  it('patches a message in place: patched fields set, an undefined one removed, the rest kept, the columns in step', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-store-')), 'parley.db');
    const store = SqliteStore.open(file);
    const r = await store.recordInbound(inbound('s1', 'p1', 'keep my text'), new Date('2026-03-02T09:00:00Z'));
    await store.updateMessage(r.message.id, { status: 'failed', error: 'boom', attempts: 2, lastAttemptAt: new Date('2026-03-02T09:00:05Z') }, new Date('2026-03-02T09:00:06Z'));
    const patched = await store.updateMessage(r.message.id, { status: 'processed', error: undefined }, new Date('2026-03-02T09:00:07Z'));
    const stored = await store.getMessage(r.message.id);
    expect(stored).toEqual(patched);
    expect(stored).toMatchObject({ text: 'keep my text', status: 'processed', attempts: 2, lastAttemptAt: new Date('2026-03-02T09:00:05Z'), updatedAt: new Date('2026-03-02T09:00:07Z'), createdAt: new Date('2026-03-02T09:00:00Z') });
    expect(stored).not.toHaveProperty('error');
    await store.close();
    const disk = new Database(file, { readonly: true });
    expect(disk.prepare('SELECT status FROM messages WHERE id = ?').get(r.message.id)).toEqual({ status: 'processed' });
    disk.close();
  });
});
