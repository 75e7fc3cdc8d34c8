/**
 * The sole writer's index of conversations that may have an open offer (issue 13), against the
 * SQLite file: a conversation it skips has no row, whoever wrote the table on this connection
 * (the store, raw SQL on the shared handle as the erasure does, a transaction that rolls back,
 * the core store's group commit). The SchedulingRepository contract runs on it too.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlitePersistence } from '../../bin/persistence.js';
import { runSchedulingContract } from '../../test/support/contracts/index.js';
import type { Slot } from './availability.js';
import type { Offer } from './ports.js';
import { SqliteSchedulingStore } from './sqlite-scheduling-store.js';

runSchedulingContract('sqlite, sole writer (open-offer index)', () => openSqlitePersistence({ sqlitePath: ':memory:', now: new Date('2026-03-01T09:00:00.000Z'), soleOwner: true }));

const T0 = new Date('2026-03-01T10:00:00.000Z');
const slot: Slot = { recruiterId: 'rita', start: new Date('2026-03-03T10:00:00.000Z'), end: new Date('2026-03-03T10:45:00.000Z') };
const pick = (conversationId: string): Offer => ({ conversationId, awaiting: 'pick', slots: [slot] });
const zone = (conversationId: string): Offer => ({ conversationId, awaiting: 'zone', slots: [] });
const INSERT = "INSERT INTO scheduling_offers (conversation_id, awaiting, slots, created_at) VALUES (?, 'zone', '[]', 0)";

const open: Database.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

/** A sole-writer store on `db` (a fresh in-memory file by default), and its reads of the offers table. */
function soleWriter(db = new Database(':memory:')) {
  open.push(db);
  const store = new SqliteSchedulingStore(db, { soleWriter: true });
  const reads = () => store.openOffersStats()?.reads ?? 0;
  return { db, store, reads };
}

describe('SqliteSchedulingStore open-offer index (sole writer)', () => {
  it('a conversation without an offer is answered without a read; one with an offer is read each time', async () => {
    const { store, reads } = soleWriter();
    expect(await store.offer('conv_a')).toBeUndefined();
    expect(await store.offer('conv_a')).toBeUndefined();
    expect(reads()).toBe(0);
    await store.putOffer(pick('conv_a'), T0);
    expect(await store.offer('conv_a')).toEqual(pick('conv_a'));
    await store.putOffer(zone('conv_a'), T0);
    expect(await store.offer('conv_a')).toEqual(zone('conv_a'));
    expect(reads()).toBe(2);
    await store.dropOffer('conv_a');
    expect(await store.offer('conv_a')).toBeUndefined();
    expect(reads()).toBe(2);
    expect(store.openOffersStats()?.size).toBe(0);
  });

  it('offers already in the file when the store opens are known (a restart)', async () => {
    const db = new Database(':memory:');
    await new SqliteSchedulingStore(db).putOffer(pick('conv_a'), T0);
    const { store } = soleWriter(db);
    expect(await store.offer('conv_a')).toEqual(pick('conv_a'));
    expect(await store.offer('conv_b')).toBeUndefined();
  });

  it('rows written or deleted by raw SQL on the shared handle (the erasure scans feature tables so) are seen', async () => {
    const { db, store } = soleWriter();
    await store.putOffer(pick('conv_a'), T0);
    db.prepare('DELETE FROM scheduling_offers WHERE rowid = (SELECT rowid FROM scheduling_offers WHERE conversation_id = ?)').run('conv_a');
    expect(await store.offer('conv_a')).toBeUndefined();
    expect(store.openOffersStats()?.size).toBe(0);
    expect(await store.offer('conv_b')).toBeUndefined();
    db.prepare(INSERT).run('conv_b');
    expect(await store.offer('conv_b')).toEqual(zone('conv_b'));
    db.prepare("UPDATE scheduling_offers SET conversation_id = 'conv_c' WHERE conversation_id = 'conv_b'").run();
    expect(await store.offer('conv_c')).toEqual(zone('conv_c'));
    expect(await store.offer('conv_b')).toBeUndefined();
  });

  it('an offer written inside a transaction that rolls back is not there; one deleted inside it comes back', async () => {
    const { db, store } = soleWriter();
    db.exec('BEGIN IMMEDIATE');
    await store.putOffer(pick('conv_a'), T0);
    expect(await store.offer('conv_a')).toEqual(pick('conv_a'));
    db.exec('ROLLBACK');
    expect(await store.offer('conv_a')).toBeUndefined();

    await store.putOffer(pick('conv_b'), T0);
    db.exec('BEGIN IMMEDIATE');
    await store.dropOffer('conv_b');
    // Read inside the transaction: its own delete is seen, but may still roll back.
    expect(await store.offer('conv_b')).toBeUndefined();
    db.exec('ROLLBACK');
    expect(await store.offer('conv_b')).toEqual(pick('conv_b'));

    // The same with the delete by raw SQL (the erasure runs inside the core store's transaction).
    db.exec('BEGIN IMMEDIATE');
    db.prepare('DELETE FROM scheduling_offers WHERE conversation_id = ?').run('conv_b');
    expect(await store.offer('conv_b')).toBeUndefined();
    db.exec('ROLLBACK');
    expect(await store.offer('conv_b')).toEqual(pick('conv_b'));
  });

  it('a delete undone by a savepoint inside a transaction that commits leaves the offer', async () => {
    const { db, store } = soleWriter();
    await store.putOffer(pick('conv_a'), T0);
    db.exec('BEGIN IMMEDIATE');
    db.exec('SAVEPOINT s');
    await store.dropOffer('conv_a');
    expect(await store.offer('conv_a')).toBeUndefined();
    db.exec('ROLLBACK TO s');
    db.exec('RELEASE s');
    expect(await store.offer('conv_a')).toEqual(pick('conv_a'));
    db.exec('COMMIT');
    expect(await store.offer('conv_a')).toEqual(pick('conv_a'));
  });

  it('the core store\'s group commit: a drop made in an open group that rolls back leaves the offer', async () => {
    const persistence = await openSqlitePersistence({ sqlitePath: ':memory:', now: T0, soleOwner: true });
    const db = persistence.embedded!.database;
    try {
      const store = persistence.ports.scheduling;
      await store.putOffer(pick('conv_a'), T0);
      // A kv write opens a group (BEGIN now, COMMIT on the next check phase); the drop joins it.
      const grouped = persistence.store.kvSet('ns', 'k', 1);
      expect(db.inTransaction).toBe(true);
      await store.dropOffer('conv_a');
      expect(await store.offer('conv_a')).toBeUndefined();
      db.exec('ROLLBACK');
      await expect(grouped).rejects.toThrow();
      expect(await store.offer('conv_a')).toEqual(pick('conv_a'));
    } finally {
      // Not `close()`: it waits for the failed group and rethrows its error.
      db.close();
    }
  });

  it('without soleWriter (cluster nodes sharing the file) each look-up reads what another node wrote', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-offers-'));
    try {
      const [a, b] = [new Database(join(dir, 'p.db')), new Database(join(dir, 'p.db'))];
      open.push(a, b);
      const node = new SqliteSchedulingStore(a);
      const other = new SqliteSchedulingStore(b);
      expect(node.openOffersStats()).toBeUndefined();
      expect(await node.offer('conv_a')).toBeUndefined();
      await other.putOffer(pick('conv_a'), T0);
      expect(await node.offer('conv_a')).toEqual(pick('conv_a'));
      await other.dropOffer('conv_a');
      expect(await node.offer('conv_a')).toBeUndefined();
      a.close();
      b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
