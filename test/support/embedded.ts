import type Database from 'better-sqlite3';
import type { Parley } from '../../bin/app.js';

/**
 * The SQLite handle of an embedded-mode Parley, for tests that assert on rows directly (what was
 * erased, what a crash left). Plugins never get it: they get ports.
 */
export function embeddedDb(parley: Pick<Parley, 'embedded'>): Database.Database {
  if (!parley.embedded) throw new Error('this test needs the embedded (SQLite) store');
  return parley.embedded.database;
}
