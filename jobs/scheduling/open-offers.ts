import type Database from 'better-sqlite3';

/** What the index did so far (tests and diagnostics). */
export interface OpenOffersStats {
  /** Look-ups answered "no offer" without reading the table. */
  skipped: number;
  /** Look-ups that read the table (the conversation may have an offer). */
  reads: number;
  /** Conversations that may have an open offer. */
  size: number;
}

/** Distinct names per index, so two stores on one connection each keep their own triggers. */
let instances = 0;

/**
 * Which conversations may have an open slot offer, for a process that is the only writer of its
 * SQLite file (embedded mode, no `REDIS_URL`). The scheduling middleware asks for the offer on
 * every inbound text message and almost no conversation has one: a conversation not in this set
 * has none, and the table is not read (issue 13). One that is in it is read as before, so an offer
 * is never served from memory: a wrong answer here can only be "maybe", which the read corrects.
 * Cluster nodes read each time.
 *
 * The set is a superset of the table's conversations:
 * - Loaded once from the table when the store opens.
 * - Every insert or update of a row through this connection adds its conversation (a temporary
 *   trigger calls a connection-local function; no statement of its own): the store's own writes
 *   and any raw SQL on the shared handle, even inside a transaction that later rolls back (a
 *   conversation too many only costs a read).
 * - A conversation leaves only when this process knows its row is gone for good: the store's
 *   own delete made outside a transaction (committed by itself), or a read that found no row and
 *   saw committed state, that is outside a transaction, or inside one that has not deleted that
 *   conversation's row (a delete by the erasure, by the store inside the core store's open group,
 *   or by raw SQL is remembered until this connection is seen outside a transaction again: it may
 *   still roll back).
 * Size: the conversations with an open offer row (answered and declined offers are dropped).
 *
 * Not covered: another process writing the table (the CLIs never touch it; a second `npm start`
 * on the same file is a misconfiguration that breaks more than this). Unlike the core store's
 * document cache there is no `PRAGMA data_version` check per event-loop turn: it would cost the
 * one statement per message this saves.
 */
export class OpenOffers {
  private readonly maybe: Set<string>;
  /** Conversations whose row was deleted inside a transaction, since this connection was last seen outside one. */
  private readonly deleted = new Set<string>();
  private readonly counters = { skipped: 0, reads: 0 };

  constructor(private readonly db: Database.Database) {
    const n = ++instances;
    const added = `parley_open_offers_added_${n}`;
    const removed = `parley_open_offers_removed_${n}`;
    db.function(added, { deterministic: false }, (conversationId: unknown) => {
      this.maybe.add(String(conversationId));
      return null;
    });
    db.function(removed, { deterministic: false }, (conversationId: unknown) => {
      if (this.db.inTransaction) this.deleted.add(String(conversationId));
      return null;
    });
    db.exec(`
      CREATE TEMP TRIGGER IF NOT EXISTS ${added}_insert AFTER INSERT ON main.scheduling_offers BEGIN SELECT ${added}(NEW.conversation_id); END;
      CREATE TEMP TRIGGER IF NOT EXISTS ${added}_update AFTER UPDATE ON main.scheduling_offers BEGIN SELECT ${added}(NEW.conversation_id), ${removed}(OLD.conversation_id); END;
      CREATE TEMP TRIGGER IF NOT EXISTS ${removed}_delete AFTER DELETE ON main.scheduling_offers BEGIN SELECT ${removed}(OLD.conversation_id); END;
    `);
    this.maybe = new Set(db.prepare('SELECT conversation_id FROM scheduling_offers').pluck().all() as string[]);
  }

  /** False: the conversation has no open offer (no need to read). True: read the table. */
  mayHave(conversationId: string): boolean {
    const maybe = this.maybe.has(conversationId);
    this.counters[maybe ? 'reads' : 'skipped']++;
    return maybe;
  }

  /** A read found no row: forget the conversation if that is its committed state. */
  foundNone(conversationId: string): void {
    if (!this.db.inTransaction) this.deleted.clear();
    else if (this.deleted.has(conversationId)) return;
    this.maybe.delete(conversationId);
  }

  /** The store deleted the conversation's row: gone for good when the delete committed by itself. */
  dropped(conversationId: string): void {
    if (this.db.inTransaction) return;
    this.deleted.clear();
    this.maybe.delete(conversationId);
  }

  stats(): OpenOffersStats {
    return { ...this.counters, size: this.maybe.size };
  }
}
