/**
 * Versioned schema migrations for the embedded store. Append only: never edit a shipped step.
 * Rows keep the whole entity as JSON in `doc`; the columns beside it are what we index or filter.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE candidates (
        id TEXT PRIMARY KEY,
        phone TEXT,
        email TEXT,
        stage TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX candidates_phone ON candidates(phone) WHERE phone IS NOT NULL;

      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        external_id TEXT NOT NULL,
        candidate_id TEXT NOT NULL,
        stage TEXT NOT NULL,
        mode TEXT NOT NULL,
        needs_human INTEGER NOT NULL DEFAULT 0,
        version INTEGER NOT NULL,
        last_activity_at INTEGER NOT NULL,
        doc TEXT NOT NULL,
        UNIQUE (channel, external_id)
      );
      CREATE INDEX conversations_candidate ON conversations(candidate_id);
      CREATE INDEX conversations_activity ON conversations(last_activity_at);

      CREATE TABLE messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        conversation_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        direction TEXT NOT NULL,
        status TEXT NOT NULL,
        provider_message_id TEXT,
        created_at INTEGER NOT NULL,
        doc TEXT NOT NULL
      );
      -- Dedupe: one inbound message per (channel, provider message id).
      CREATE UNIQUE INDEX messages_inbound_provider ON messages(channel, provider_message_id)
        WHERE direction = 'in' AND provider_message_id IS NOT NULL;
      CREATE INDEX messages_outbound_provider ON messages(channel, provider_message_id)
        WHERE direction = 'out' AND provider_message_id IS NOT NULL;
      CREATE INDEX messages_conversation ON messages(conversation_id, seq);
      CREATE INDEX messages_status ON messages(direction, status);

      CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        conversation_id TEXT,
        candidate_id TEXT,
        at INTEGER NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX events_conversation ON events(conversation_id, seq);
      CREATE INDEX events_candidate ON events(candidate_id, seq);
      CREATE INDEX events_type ON events(type, at);

      CREATE TABLE kv (
        namespace TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (namespace, key)
      );
    `,
  },
  {
    version: 2,
    name: 'indexes for per-conversation event look-ups and a candidate\'s latest conversation',
    sql: `
      -- A conversation's events of one type in order (the nudge-sent look-up of the nudge job and
      -- of every candidate in the risk sweep): no scan of the type's events, no sort.
      CREATE INDEX events_conversation_type ON events(conversation_id, type, seq);
      -- A candidate's conversations, most recently active first (risk, console): no sort.
      CREATE INDEX conversations_candidate_activity ON conversations(candidate_id, last_activity_at DESC, id);
      DROP INDEX conversations_candidate;
      -- The console list, most recently active first.
      CREATE INDEX conversations_activity_id ON conversations(last_activity_at DESC, id);
      DROP INDEX conversations_activity;
    `,
  },
];
