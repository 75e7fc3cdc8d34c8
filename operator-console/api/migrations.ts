import type { Migration } from '../../core/store/embedded/index.js';

/**
 * The public API's own tables in the embedded SQLite file (module `api` in `schema_migrations`):
 * API keys (hashed), idempotent POST replies, webhook subscriptions, the webhook outbox
 * (one delivery per subscription and event) and its cursor over the core's `events` table.
 * Append only: never edit a shipped step.
 */
export const API_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'api keys, idempotency keys, webhook subscriptions, deliveries and cursor',
    sql: `
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        scope TEXT NOT NULL,
        prefix TEXT NOT NULL,
        -- sha256 of the whole key; the key itself is shown once and never stored.
        hash TEXT NOT NULL UNIQUE,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        revoked_at INTEGER
      );

      CREATE TABLE api_idempotency (
        principal TEXT NOT NULL,
        key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        status INTEGER NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (principal, key)
      );

      CREATE TABLE webhook_subscriptions (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        secret TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        description TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE webhook_deliveries (
        id TEXT PRIMARY KEY,
        subscription_id TEXT NOT NULL,
        -- The stable event id a receiver deduplicates on (the domain event's id).
        event_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_status_code INTEGER,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        delivered_at INTEGER,
        UNIQUE (subscription_id, event_id)
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
      CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries(subscription_id, created_at);

      -- The last core event (events.seq) turned into deliveries.
      CREATE TABLE webhook_cursor (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'ATS webhooks in: received events (idempotency) and ATS candidate ids',
    sql: `
      CREATE TABLE ats_events (
        source TEXT NOT NULL,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (source, event_id)
      );
      CREATE TABLE ats_candidates (
        source TEXT NOT NULL,
        ats_id TEXT NOT NULL,
        candidate_id TEXT NOT NULL,
        conversation_id TEXT,
        PRIMARY KEY (source, ats_id)
      );
    `,
  },
];
