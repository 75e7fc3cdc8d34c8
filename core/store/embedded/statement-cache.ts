import type Database from 'better-sqlite3';

/**
 * Prepared statements by SQL text, for feature stores on the shared SQLite handle: each text is
 * prepared once, not on every call (issue 13: no `prepare()` on a hot or periodic path). Texts
 * built from id lists vary with the list's length, so the cache is emptied if it ever grows past
 * `max` texts: bounded, and still one prepare per text in steady state.
 *
 * @example
 * const sql = statementCache(db);
 * sql('SELECT * FROM webhook_subscriptions WHERE id = ?').get(id);
 */
export function statementCache(db: Database.Database, max = 256): (sql: string) => Database.Statement {
  const prepared = new Map<string, Database.Statement>();
  return (sql) => {
    let stmt = prepared.get(sql);
    if (!stmt) {
      if (prepared.size >= max) prepared.clear();
      stmt = db.prepare(sql);
      prepared.set(sql, stmt);
    }
    return stmt;
  };
}
