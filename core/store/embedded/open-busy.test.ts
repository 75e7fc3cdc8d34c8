import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from './sqlite-store.js';

/**
 * Two nodes on one SQLite file (cluster mode on one host): the second opens the file while the
 * first still holds its write lock in rollback mode (switching a fresh file to WAL, or writing
 * before it). SQLite fails that switch at once with SQLITE_BUSY, without waiting (CI saw a node
 * exit with "database is locked" at start-up); the store waits for the lock instead.
 */
const HOLDER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.exec('CREATE TABLE IF NOT EXISTS other_node (x)');
db.exec('BEGIN IMMEDIATE');
db.exec('INSERT INTO other_node VALUES (1)');
process.stdout.write('holding\\n');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[2]));
db.exec('COMMIT');
db.close();
`;

let dir: string | undefined;
let holder: ChildProcess | undefined;

afterEach(() => {
  holder?.kill('SIGKILL');
  holder = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A process that holds the file's write lock (rollback journal) for `ms`, resolved once it does. */
async function holdWriteLock(path: string, ms: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', HOLDER, path, String(ms)], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('holding')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`lock holder exited (${code}) before holding the lock`)));
  });
  return child;
}

describe('SqliteStore.open while another process writes the file', () => {
  it('waits for the other process to commit instead of failing with SQLITE_BUSY, then opens in WAL mode', async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-busy-'));
    const path = join(dir, 'parley.db');
    holder = await holdWriteLock(path, 1500);
    const store = SqliteStore.open(path);
    try {
      expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
      // The other process's committed row is there: the store opened after its commit, not around it.
      expect(store.database.prepare('SELECT COUNT(*) AS n FROM other_node').get()).toEqual({ n: 1 });
      expect(store.schemaVersion()).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  }, 20_000);
});
