import type { Migration } from '../../core/store/embedded/index.js';

/**
 * The console's own tables in the embedded SQLite file (module `console` in
 * `schema_migrations`). Append only: never edit a shipped step.
 */
export const CONSOLE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'operators, notifications, notes, canned responses, conversation marks',
    sql: `
      CREATE TABLE console_operators (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        last_login_at INTEGER
      );

      CREATE TABLE console_notifications (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        conversation_id TEXT,
        -- NULL: for every operator; otherwise for one.
        operator_id TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX console_notifications_created ON console_notifications(created_at);
      CREATE INDEX console_notifications_dedupe ON console_notifications(conversation_id, kind, created_at);

      CREATE TABLE console_notification_reads (
        notification_id TEXT NOT NULL,
        operator_id TEXT NOT NULL,
        read_at INTEGER NOT NULL,
        PRIMARY KEY (notification_id, operator_id)
      );

      CREATE TABLE console_notes (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL,
        operator_id TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX console_notes_conversation ON console_notes(conversation_id, created_at);

      CREATE TABLE console_canned_responses (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      -- What the list shows without reading every conversation's messages: unread count,
      -- last message preview, latest risk, and the needs-human flag as last seen.
      CREATE TABLE console_conversation_marks (
        conversation_id TEXT PRIMARY KEY,
        unread INTEGER NOT NULL DEFAULT 0,
        needs_human INTEGER NOT NULL DEFAULT 0,
        doc TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'operator token version (bumped on password change, deactivation and logout)',
    sql: `ALTER TABLE console_operators ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 3,
    name: 'labels, saved filters, operator invites',
    sql: `
      CREATE TABLE console_labels (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        color TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE console_saved_filters (
        id TEXT PRIMARY KEY,
        operator_id TEXT NOT NULL,
        name TEXT NOT NULL,
        query TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX console_saved_filters_operator ON console_saved_filters(operator_id, created_at);

      -- One-time links: only the token's SHA-256 is kept.
      CREATE TABLE console_invites (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        email TEXT NOT NULL COLLATE NOCASE,
        role TEXT NOT NULL,
        name TEXT,
        invited_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        accepted_at INTEGER,
        operator_id TEXT
      );
    `,
  },
  {
    version: 4,
    name: 'personal canned responses (seen only by their author)',
    sql: `ALTER TABLE console_canned_responses ADD COLUMN personal INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 5,
    name: 'list marks keep no last-message preview (read from the messages with the marks)',
    sql: `UPDATE console_conversation_marks SET doc = json_remove(doc, '$.lastMessage') WHERE json_extract(doc, '$.lastMessage') IS NOT NULL;`,
  },
];
