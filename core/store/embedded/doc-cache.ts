import type Database from 'better-sqlite3';

/** The tables whose documents the sole owner caches (by primary key `id`). */
export type CachedTable = 'conversations' | 'candidates';

/**
 * Entries kept (both tables together); the least recently used goes first. A document is a few
 * KB (a conversation with its interview state up to some tens): tens of MB at most, and the
 * conversations active at once in one process fit.
 */
export const DOC_CACHE_MAX_ENTRIES = 4096;

/** What the cache did so far (tests and diagnostics). */
export interface DocCacheStats {
  hits: number;
  misses: number;
  /** Times another connection's commit was seen (`PRAGMA data_version` moved): the cache was emptied. */
  foreignCommits: number;
  size: number;
}

/**
 * A read cache of conversation and candidate documents for a store whose process is the file's
 * only writer (embedded mode). It keeps each row's JSON text, so every read revives a fresh object
 * (callers may mutate what they get). Bounded: at most `DOC_CACHE_MAX_ENTRIES` rows, LRU.
 *
 * Kept in step with the file, whoever writes:
 * - Every write to either table through this connection (the store's own upserts, erasure, a
 *   feature's raw SQL on `store.database`, a migration) drops the row: temporary triggers call
 *   `parley_doc_cache_drop` (connection-local; no statement of their own). The store then puts the
 *   document it wrote back (write-through).
 * - Anything put or dropped while a transaction is open is remembered until it ends: the store
 *   calls `rolledBack()` on every rollback it makes (a failing write's savepoint, a failed write
 *   alone, a failed group COMMIT) and every such row leaves the cache; `committed()` forgets them.
 *   Rows read (not written) inside a transaction are never put: they may hold a feature's
 *   uncommitted write that its own savepoint later undoes.
 * - Commits by any other connection (a second process on the file: a CLI, a second `npm start`
 *   by mistake) are seen with `PRAGMA data_version`, which changes exactly when another connection
 *   committed: on a change the whole cache is emptied. It is checked before the first cached read
 *   after each check phase of the event loop (a `setImmediate` clears the mark) and again after
 *   each BEGIN of this connection (a BEGIN may have waited for another writer). Once this
 *   connection holds the write lock nobody else can commit, so one check covers the whole
 *   transaction: `commitTurn`'s version check never decides on a stale row. A cached read is never
 *   older than the start of the current event-loop iteration.
 *
 * Why `data_version` and not `PRAGMA locking_mode = EXCLUSIVE`: in WAL mode the exclusive mode
 * takes an exclusive lock on the file at the first access and keeps it, so every other connection
 * gets SQLITE_BUSY, readers included (tried: a read-only connection and a writer both fail while
 * the owner has only read). That would stop `npm run parley -- operators|api-keys ...`, which are
 * documented to work while the server runs (docs/console.md). The check costs one statement per
 * event-loop iteration that reads a cached row: 0.09 per web chat message in the full-product
 * bench, against the 7.2 row reads it saves (a `PRAGMA data_version` is about half a primary-key
 * read: 1.5 µs against 2.9 µs in memory).
 *
 * It also remembers which conversation id last carried a channel reference (channel, external
 * id), same bound, LRU: a hint that saves the look-up by ref on every inbound message. The store
 * trusts it only after reading that conversation (through this cache) and finding the same ref in
 * it, so a hint left by a rolled-back, deleted or erased conversation just falls back to the file.
 *
 * Not covered: a store write made synchronously inside a feature's `database.transaction(fn)` that
 * then throws (the feature's savepoint undoes it without the store knowing). The store's writes
 * are async calls and no feature makes them inside its transaction function (feature stores hold
 * the database handle, not the store). Nor an `INSERT OR REPLACE` that deletes a row of another id
 * through a UNIQUE column (SQLite fires no delete trigger for it unless `recursive_triggers` is
 * on); nothing writes these tables so.
 */
export class DocCache {
  private readonly entries = new Map<string, string>();
  /** Conversation ids by channel reference (`channel\0externalId`), LRU, bounded like `entries`. */
  private readonly refs = new Map<string, string>();
  /** Keys put or dropped in the open transaction. */
  private readonly touched = new Set<string>();
  private readonly dataVersion: Database.Statement;
  private lastVersion: number;
  private verified = false;
  private resetScheduled = false;
  private readonly counters = { hits: 0, misses: 0, foreignCommits: 0 };

  constructor(
    private readonly db: Database.Database,
    private readonly max = DOC_CACHE_MAX_ENTRIES,
  ) {
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
    this.lastVersion = this.dataVersion.get() as number;
    db.function('parley_doc_cache_drop', { deterministic: false }, (table: unknown, id: unknown) => {
      this.drop(table as CachedTable, String(id));
      return null;
    });
    for (const table of ['conversations', 'candidates'] as const) {
      db.exec(`
        CREATE TEMP TRIGGER IF NOT EXISTS parley_doc_cache_${table}_insert AFTER INSERT ON main.${table} BEGIN SELECT parley_doc_cache_drop('${table}', NEW.id); END;
        CREATE TEMP TRIGGER IF NOT EXISTS parley_doc_cache_${table}_update AFTER UPDATE ON main.${table} BEGIN SELECT parley_doc_cache_drop('${table}', OLD.id), parley_doc_cache_drop('${table}', NEW.id); END;
        CREATE TEMP TRIGGER IF NOT EXISTS parley_doc_cache_${table}_delete AFTER DELETE ON main.${table} BEGIN SELECT parley_doc_cache_drop('${table}', OLD.id); END;
      `);
    }
  }

  /** The cached JSON of a row, if this connection may trust it now. */
  get(table: CachedTable, id: string): string | undefined {
    this.verify();
    const key = keyOf(table, id);
    const doc = this.entries.get(key);
    if (doc === undefined) {
      this.counters.misses++;
      return undefined;
    }
    putLast(this.entries, key, doc);
    this.counters.hits++;
    return doc;
  }

  /**
   * The conversation id last seen with this channel reference, if any. A hint only: the caller
   * reads that conversation (through this cache) and trusts it only if it still carries the ref.
   */
  conversationIdByRef(channel: string, externalId: string): string | undefined {
    this.verify();
    const key = keyOf(channel, externalId);
    const id = this.refs.get(key);
    if (id !== undefined) putLast(this.refs, key, id);
    return id;
  }

  /** Remember which conversation has this channel reference (see `conversationIdByRef`). */
  rememberRef(channel: string, externalId: string, id: string): void {
    putLast(this.refs, keyOf(channel, externalId), id, this.max);
  }

  /** A row just read from the file: kept only outside a transaction (it is committed then). */
  filled(table: CachedTable, id: string, doc: string): void {
    if (this.db.inTransaction) return;
    this.set(keyOf(table, id), doc);
  }

  /** A row this connection just wrote (its triggers dropped the old one). */
  wrote(table: CachedTable, id: string, doc: string): void {
    const key = keyOf(table, id);
    if (this.db.inTransaction) this.touched.add(key);
    this.set(key, doc);
  }

  /** This connection began a transaction: check other connections' commits again before trusting a row. */
  began(): void {
    this.verified = false;
  }

  /** The transaction committed: what it wrote stays. */
  committed(): void {
    this.touched.clear();
  }

  /** A savepoint or the transaction rolled back: nothing it touched may stay. */
  rolledBack(): void {
    for (const key of this.touched) this.entries.delete(key);
    this.touched.clear();
  }

  stats(): DocCacheStats {
    return { ...this.counters, size: this.entries.size };
  }

  private drop(table: CachedTable, id: string): void {
    const key = keyOf(table, id);
    this.entries.delete(key);
    if (this.db.inTransaction) this.touched.add(key);
  }

  private set(key: string, doc: string): void {
    putLast(this.entries, key, doc, this.max);
  }

  private verify(): void {
    if (this.verified) return;
    const version = this.dataVersion.get() as number;
    if (version !== this.lastVersion) {
      this.entries.clear();
      this.refs.clear();
      this.counters.foreignCommits++;
    }
    this.lastVersion = version;
    this.verified = true;
    if (!this.resetScheduled) {
      this.resetScheduled = true;
      setImmediate(() => {
        this.verified = false;
        this.resetScheduled = false;
      });
    }
  }
}

function keyOf(table: string, id: string): string {
  return `${table}\u0000${id}`;
}

/**
 * `key` set to `value` as the most recently used entry (a Map keeps insertion order, so the first
 * key is the least recently used); with `max`, the least recently used entry beyond it is dropped.
 */
function putLast<V>(map: Map<string, V>, key: string, value: V, max = Infinity): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as string);
}
