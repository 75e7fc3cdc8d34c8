import type Database from 'better-sqlite3';

/** Every statement the hot path uses, prepared once. */
export function prepareStatements(db: Database.Database) {
  return {
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    savepoint: db.prepare('SAVEPOINT parley_write'),
    release: db.prepare('RELEASE parley_write'),
    rollbackTo: db.prepare('ROLLBACK TO parley_write'),
    conversationById: db.prepare('SELECT doc FROM conversations WHERE id = ?'),
    conversationByRef: db.prepare('SELECT doc FROM conversations WHERE channel = ? AND external_id = ?'),
    upsertConversation: db.prepare(
      `INSERT INTO conversations (id, channel, external_id, candidate_id, stage, mode, needs_human, version, last_activity_at, doc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET candidate_id = excluded.candidate_id, stage = excluded.stage, mode = excluded.mode,
         needs_human = excluded.needs_human, version = excluded.version, last_activity_at = excluded.last_activity_at, doc = excluded.doc`,
    ),
    updateConversationActivity: db.prepare('UPDATE conversations SET last_activity_at = ?, doc = ? WHERE id = ?'),
    countByStage: db.prepare('SELECT stage, COUNT(*) AS n FROM candidates GROUP BY stage'),
    candidateById: db.prepare('SELECT doc FROM candidates WHERE id = ?'),
    candidateByPhone: db.prepare('SELECT doc FROM candidates WHERE phone = ? ORDER BY created_at LIMIT 1'),
    candidateByEmail: db.prepare('SELECT doc FROM candidates WHERE lower(email) = lower(?) ORDER BY created_at LIMIT 1'),
    allCandidates: db.prepare('SELECT doc FROM candidates ORDER BY created_at'),
    upsertCandidate: db.prepare(
      `INSERT INTO candidates (id, phone, email, stage, created_at, doc) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET phone = excluded.phone, email = excluded.email, stage = excluded.stage, doc = excluded.doc`,
    ),
    deleteMessage: db.prepare('DELETE FROM messages WHERE id = ?'),
    messageById: db.prepare('SELECT doc FROM messages WHERE id = ?'),
    inboundByProviderId: db.prepare("SELECT doc FROM messages WHERE direction = 'in' AND channel = ? AND provider_message_id = ?"),
    outboundByProviderId: db.prepare(
      "SELECT doc FROM messages WHERE direction = 'out' AND channel = ? AND provider_message_id = ? ORDER BY seq DESC LIMIT 1",
    ),
    messagesNewestFirst: db.prepare('SELECT doc FROM messages WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?'),
    pendingInbound: db.prepare("SELECT doc FROM messages WHERE direction = 'in' AND status = 'pending' ORDER BY seq"),
    unsentOutbound: db.prepare("SELECT doc FROM messages WHERE direction = 'out' AND status IN ('queued', 'sending') ORDER BY seq"),
    statusCounts: db.prepare('SELECT status, COUNT(*) AS n FROM messages WHERE direction = ? GROUP BY status'),
    kvGet: db.prepare('SELECT value FROM kv WHERE namespace = ? AND key = ?'),
    kvSet: db.prepare(
      'INSERT INTO kv (namespace, key, value) VALUES (?, ?, ?) ON CONFLICT(namespace, key) DO UPDATE SET value = excluded.value',
    ),
    kvDelete: db.prepare('DELETE FROM kv WHERE namespace = ? AND key = ?'),
    kvList: db.prepare('SELECT key, value FROM kv WHERE namespace = ? ORDER BY key'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
