import type Database from 'better-sqlite3';
import { ftsQuery, MATCH_END, MATCH_START, type SearchHit, type SearchHitKind, type SearchIndex } from './search-index.js';

/**
 * SQLite FTS5 index in the connection's `temp` schema, kept current by TEMP triggers on the
 * core `messages` and `candidates` tables and the console's `console_notes`, so every write on
 * this connection (the server's only one) updates it in the same transaction, erasure included
 * (erased texts are reindexed as the placeholder; `secure-delete` drops the old words from the
 * index). It is derived data: built from the tables when the server starts, never written to
 * the database file, so backups, VACUUM and the erasure scan of feature tables never see it.
 */
export class SqliteSearchIndex implements SearchIndex {
  private readonly query: Database.Statement<[{ q: string; limit: number }]>;

  constructor(private readonly db: Database.Database) {
    build(db);
    // One statement over the three tables, each cut to the best `limit` before snippets are
    // made; bm25 ranks (lower is better) are comparable enough across them for a short list,
    // and people matches come first.
    this.query = db.prepare(`
      SELECT kind, conversation_id, ref, snip FROM (
        SELECT * FROM (
          SELECT 'candidate' AS kind, (SELECT c.id FROM main.conversations c WHERE c.candidate_id = p.candidate_id ORDER BY c.last_activity_at DESC LIMIT 1) AS conversation_id,
                 NULL AS ref, snippet(console_search_people, 1, '${MATCH_START}', '${MATCH_END}', '…', 12) AS snip, rank - 100 AS score
            FROM temp.console_search_people p WHERE console_search_people MATCH $q ORDER BY rank LIMIT $limit)
        UNION ALL
        SELECT * FROM (
          SELECT 'note', n.conversation_id, n.note_id, snippet(console_search_notes, 2, '${MATCH_START}', '${MATCH_END}', '…', 12), rank
            FROM temp.console_search_notes n WHERE console_search_notes MATCH $q ORDER BY rank LIMIT $limit)
        UNION ALL
        SELECT * FROM (
          SELECT 'message', m.conversation_id, (SELECT id FROM main.messages WHERE seq = m.rowid), snippet(console_search_messages, 1, '${MATCH_START}', '${MATCH_END}', '…', 12), rank
            FROM temp.console_search_messages m WHERE console_search_messages MATCH $q ORDER BY rank LIMIT $limit)
      ) WHERE conversation_id IS NOT NULL ORDER BY score LIMIT $limit`) as Database.Statement<[{ q: string; limit: number }]>;
  }

  search(text: string, opts: { limit?: number } = {}): Promise<SearchHit[]> {
    const q = ftsQuery(text);
    if (!q) return Promise.resolve([]);
    const limit = Math.min(200, Math.max(1, opts.limit ?? 50));
    const rows = this.query.all({ q, limit }) as { kind: SearchHitKind; conversation_id: string; ref: string | null; snip: string }[];
    return Promise.resolve(rows.map((r) => ({ kind: r.kind, conversationId: r.conversation_id, ...(r.ref ? { ref: r.ref } : {}), snippet: r.snip })));
  }
}

const TEXT = `json_extract(NEW.doc, '$.text')`;
const PERSON = (row: string) => `trim(coalesce(json_extract(${row}.doc, '$.name'), '') || ' ' || coalesce(json_extract(${row}.doc, '$.email'), '') || ' ' || coalesce(json_extract(${row}.doc, '$.phone'), '') || ' ' || coalesce(replace(json_extract(${row}.doc, '$.phone'), '+', ''), ''))`;

/** Creates the temp tables and triggers (idempotent per connection) and fills them. */
function build(db: Database.Database): void {
  const exists = db.prepare("SELECT 1 FROM temp.sqlite_master WHERE name = 'console_search_messages'").get();
  if (exists) return;
  const tokenizer = `tokenize = 'unicode61 remove_diacritics 2'`;
  db.exec(`
    CREATE VIRTUAL TABLE temp.console_search_messages USING fts5(conversation_id UNINDEXED, body, ${tokenizer});
    CREATE VIRTUAL TABLE temp.console_search_people USING fts5(candidate_id UNINDEXED, body, ${tokenizer});
    CREATE VIRTUAL TABLE temp.console_search_notes USING fts5(note_id UNINDEXED, conversation_id UNINDEXED, body, ${tokenizer});
    INSERT INTO temp.console_search_messages(console_search_messages, rank) VALUES ('secure-delete', 1);
    INSERT INTO temp.console_search_people(console_search_people, rank) VALUES ('secure-delete', 1);
    INSERT INTO temp.console_search_notes(console_search_notes, rank) VALUES ('secure-delete', 1);

    CREATE TEMP TRIGGER console_search_message_insert AFTER INSERT ON main.messages WHEN coalesce(${TEXT}, '') <> '' BEGIN
      INSERT INTO temp.console_search_messages(rowid, conversation_id, body) VALUES (NEW.seq, NEW.conversation_id, ${TEXT});
    END;
    CREATE TEMP TRIGGER console_search_message_update AFTER UPDATE OF doc ON main.messages
      WHEN json_extract(OLD.doc, '$.text') IS NOT json_extract(NEW.doc, '$.text') BEGIN
      DELETE FROM temp.console_search_messages WHERE rowid = OLD.seq;
      INSERT INTO temp.console_search_messages(rowid, conversation_id, body) SELECT NEW.seq, NEW.conversation_id, ${TEXT} WHERE coalesce(${TEXT}, '') <> '';
    END;
    CREATE TEMP TRIGGER console_search_message_delete AFTER DELETE ON main.messages BEGIN
      DELETE FROM temp.console_search_messages WHERE rowid = OLD.seq;
    END;

    CREATE TEMP TRIGGER console_search_person_insert AFTER INSERT ON main.candidates BEGIN
      INSERT INTO temp.console_search_people(candidate_id, body) SELECT NEW.id, ${PERSON('NEW')} WHERE ${PERSON('NEW')} <> '';
    END;
    CREATE TEMP TRIGGER console_search_person_update AFTER UPDATE ON main.candidates WHEN ${PERSON('OLD')} IS NOT ${PERSON('NEW')} BEGIN
      DELETE FROM temp.console_search_people WHERE candidate_id = OLD.id;
      INSERT INTO temp.console_search_people(candidate_id, body) SELECT NEW.id, ${PERSON('NEW')} WHERE ${PERSON('NEW')} <> '';
    END;
    CREATE TEMP TRIGGER console_search_person_delete AFTER DELETE ON main.candidates BEGIN
      DELETE FROM temp.console_search_people WHERE candidate_id = OLD.id;
    END;

    CREATE TEMP TRIGGER console_search_note_insert AFTER INSERT ON main.console_notes BEGIN
      INSERT INTO temp.console_search_notes(note_id, conversation_id, body) VALUES (NEW.id, NEW.conversation_id, NEW.text);
    END;
    CREATE TEMP TRIGGER console_search_note_update AFTER UPDATE OF text ON main.console_notes BEGIN
      DELETE FROM temp.console_search_notes WHERE note_id = OLD.id;
      INSERT INTO temp.console_search_notes(note_id, conversation_id, body) VALUES (NEW.id, NEW.conversation_id, NEW.text);
    END;
    CREATE TEMP TRIGGER console_search_note_delete AFTER DELETE ON main.console_notes BEGIN
      DELETE FROM temp.console_search_notes WHERE note_id = OLD.id;
    END;
  `);
  db.exec(`
    INSERT INTO temp.console_search_messages(rowid, conversation_id, body)
      SELECT seq, conversation_id, json_extract(doc, '$.text') FROM main.messages WHERE coalesce(json_extract(doc, '$.text'), '') <> '';
    INSERT INTO temp.console_search_people(candidate_id, body)
      SELECT id, body FROM (SELECT id, ${PERSON('c')} AS body FROM main.candidates AS c) WHERE body <> '';
    INSERT INTO temp.console_search_notes(note_id, conversation_id, body) SELECT id, conversation_id, text FROM main.console_notes;
  `);
}
