import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The embedded database's file name inside the data folder. */
export const DATABASE_FILE = 'parley.db';

/**
 * Make the data folder private to the user running Parley, before anything is written: the
 * folder is created (or tightened) to mode 0700, the SQLite database is created empty with mode
 * 0600 (SQLite gives its -wal and -shm files the database's mode), and existing top-level files
 * (database, WAL, secrets) are tightened to 0600. It holds candidates' messages, operators'
 * password hashes and the console's signing secret. Returns the database path.
 *
 * @example
 * const dbPath = secureDataDir(config.dataDir);
 * const store = SqliteStore.open(dbPath);
 */
export function secureDataDir(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const dbPath = join(dataDir, DATABASE_FILE);
  // 'a' creates it if missing (an empty file is a valid empty SQLite database) and never truncates.
  closeSync(openSync(dbPath, 'a', 0o600));
  for (const name of readdirSync(dataDir)) {
    const path = join(dataDir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isFile() && (stat.mode & 0o077) !== 0) chmodSync(path, stat.mode & 0o600);
  }
  return dbPath;
}
