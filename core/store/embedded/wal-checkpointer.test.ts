/**
 * Issue 13, WAL checkpoints off the event loop: a store opened as the file's sole owner (the app's
 * embedded mode) leaves checkpoints to a worker thread, keeping its own automatic checkpoint only
 * as a safety net far above what these tests write. So the WAL stays small only if the worker
 * really checkpoints: without it, it grows by every round written.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from './sqlite-store.js';
import type { CheckpointReport, WalCheckpointer } from './wal-checkpointer.js';

const MB = 1024 * 1024;
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'parley-wal-')), 'parley.db');
const walBytes = (file: string) => (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);

/** A checkpoint run after the round's writes, which copied every frame of the WAL. */
async function fullCheckpoint(checkpointer: WalCheckpointer): Promise<CheckpointReport> {
  const report = await checkpointer.checkpointNow();
  expect(report).toMatchObject({ busy: 0 });
  expect(report?.checkpointed).toBe(report?.log);
  return report as CheckpointReport;
}

/** Rounds of ~2 MB each (500 pages): six rounds are 3,000 pages, under the safety net's 10,000. */
async function writeRounds(store: SqliteStore, file: string, rounds: number, between?: () => Promise<unknown>): Promise<number[]> {
  store.database.exec('CREATE TABLE IF NOT EXISTS filler (b BLOB)');
  const insert = store.database.prepare('INSERT INTO filler (b) VALUES (randomblob(?))');
  const sizes: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < 8; i++) insert.run(256 * 1024);
    await between?.();
    sizes.push(walBytes(file));
  }
  return sizes;
}

describe('WAL checkpoints in a worker thread', () => {
  it('a sole-owner store on a file checkpoints from the worker: the WAL stays about one round long', async () => {
    const file = tempFile();
    const store = SqliteStore.open(file, { soleOwner: true });
    try {
      const checkpointer = store.checkpointer as WalCheckpointer;
      expect(checkpointer).toBeDefined();
      await checkpointer.ready;
      // The main connection's own checkpoint waits for 10,000 pages (~40 MB): a safety net only.
      expect(store.database.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
      const reports: CheckpointReport[] = [];
      const sizes = await writeRounds(store, file, 6, async () => reports.push(await fullCheckpoint(checkpointer)));
      // Each round was folded into the file by the worker, and the next round started the WAL over.
      expect(reports).toHaveLength(6);
      expect(reports.every((r) => r.checkpointed > 400)).toBe(true);
      expect(Math.max(...sizes)).toBeLessThan(3 * MB);
      expect(checkpointer.lastError).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('without the worker, the same writes grow the WAL past the safety net only (so the test above can fail)', async () => {
    const file = tempFile();
    const store = SqliteStore.open(file, { soleOwner: true, backgroundCheckpoints: false });
    try {
      expect(store.checkpointer).toBeUndefined();
      store.database.pragma('wal_autocheckpoint = 10000');
      const sizes = await writeRounds(store, file, 6);
      expect(Math.max(...sizes)).toBeGreaterThan(10 * MB);
    } finally {
      await store.close();
    }
  });

  it('is off for a store that is not the sole owner, and for :memory:', async () => {
    const shared = SqliteStore.open(tempFile());
    const memory = SqliteStore.open(':memory:', { soleOwner: true });
    try {
      expect(shared.checkpointer).toBeUndefined();
      expect(memory.checkpointer).toBeUndefined();
      // SQLite's default automatic checkpoint stays.
      expect(shared.database.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    } finally {
      await shared.close();
      await memory.close();
    }
  });

  it('close ends the worker and then the store: the WAL is folded into the file and removed', async () => {
    const file = tempFile();
    const store = SqliteStore.open(file, { soleOwner: true });
    const checkpointer = store.checkpointer as WalCheckpointer;
    await checkpointer.ready;
    await writeRounds(store, file, 1);
    await store.close();
    await checkpointer.stop();
    expect(existsSync(`${file}-wal`)).toBe(false);
    // The data is in the database file.
    const again = SqliteStore.open(file);
    try {
      expect((again.database.prepare('SELECT COUNT(*) AS n FROM filler').get() as { n: number }).n).toBe(8);
    } finally {
      await again.close();
    }
  });
});
