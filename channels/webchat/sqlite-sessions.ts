import type Database from 'better-sqlite3';
import { migrateModule } from '../../core/store/embedded/index.js';
import { hashSecret, newPublicId, type WebchatSession, type WebchatSessionStore } from './sessions.js';

const MIGRATIONS = [
  {
    version: 1,
    name: 'webchat sessions',
    sql: `
      CREATE TABLE webchat_sessions (
        secret_hash TEXT PRIMARY KEY,
        public_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        rotate INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX webchat_sessions_public ON webchat_sessions(public_id);
      CREATE INDEX webchat_sessions_seen ON webchat_sessions(last_seen_at);
    `,
  },
];
const LEGACY_STEP = { version: 2, name: 'web chat conversations keyed by public ids' };

interface SessionRow {
  public_id: string;
  created_at: number;
  last_seen_at: number;
  rotate: number;
}

/** Web chat sessions in the embedded SQLite file (table `webchat_sessions`). */
export class SqliteWebchatSessionStore implements WebchatSessionStore {
  private readonly q: ReturnType<typeof statements>;
  /** What the one-time migration did (undefined when it had run before). */
  readonly legacy: LegacyMigration | undefined;

  /** Creates the table and, once, moves conversations from before public ids to them (see `migrateLegacySessions`). */
  constructor(
    private readonly db: Database.Database,
    now = new Date(),
  ) {
    migrateModule(db, 'webchat', MIGRATIONS);
    this.legacy = runOnce(db, () => migrateLegacySessions(db, now));
    this.q = statements(db);
  }

  async find(secretHash: string): Promise<WebchatSession | undefined> {
    const row = this.q.find.get(secretHash) as SessionRow | undefined;
    return row && { publicId: row.public_id, createdAt: new Date(row.created_at), lastSeenAt: new Date(row.last_seen_at), rotate: row.rotate === 1 };
  }

  async create(secretHash: string, s: WebchatSession): Promise<void> {
    this.q.insert.run(secretHash, s.publicId, s.createdAt.getTime(), s.lastSeenAt.getTime(), s.rotate ? 1 : 0);
  }

  async touch(secretHash: string, at: Date): Promise<void> {
    this.q.touch.run(at.getTime(), secretHash);
  }

  async rotate(oldHash: string, newHash: string, at: Date): Promise<void> {
    this.q.rotate.run(newHash, at.getTime(), oldHash);
  }

  async delete(secretHash: string): Promise<void> {
    this.q.delete.run(secretHash);
  }

  async deleteIdleSince(before: Date): Promise<number> {
    return this.q.deleteIdle.run(before.getTime()).changes;
  }
}

function statements(db: Database.Database) {
  return {
    find: db.prepare('SELECT public_id, created_at, last_seen_at, rotate FROM webchat_sessions WHERE secret_hash = ?'),
    insert: db.prepare('INSERT INTO webchat_sessions (secret_hash, public_id, created_at, last_seen_at, rotate) VALUES (?, ?, ?, ?, ?)'),
    touch: db.prepare('UPDATE webchat_sessions SET last_seen_at = ? WHERE secret_hash = ?'),
    rotate: db.prepare('UPDATE webchat_sessions SET secret_hash = ?, last_seen_at = ?, rotate = 0 WHERE secret_hash = ?'),
    delete: db.prepare('DELETE FROM webchat_sessions WHERE secret_hash = ?'),
    deleteIdle: db.prepare('DELETE FROM webchat_sessions WHERE last_seen_at < ?'),
  };
}

export interface LegacyMigration {
  /** Conversations now keyed by a public id (their old session id kept only as a hash). */
  rekeyed: number;
  /** Empty conversations (no message, no turn) removed with their candidates. */
  removed: number;
}

function runOnce(db: Database.Database, step: () => LegacyMigration): LegacyMigration | undefined {
  const done = db.prepare('SELECT 1 FROM schema_migrations WHERE module = ? AND version = ?').get('webchat', LEGACY_STEP.version);
  if (done) return undefined;
  // IMMEDIATE and checked again inside: two processes starting on one file run the step once.
  return db.transaction(() => {
    if (db.prepare('SELECT 1 FROM schema_migrations WHERE module = ? AND version = ?').get('webchat', LEGACY_STEP.version)) return undefined;
    const result = step();
    db.prepare('INSERT INTO schema_migrations (module, version, name, applied_at) VALUES (?, ?, ?, ?)').run('webchat', LEGACY_STEP.version, LEGACY_STEP.name, Date.now());
    return result;
  }).immediate();
}

/**
 * Before public ids, a web chat conversation's external id was the browser's session secret, and
 * every operator saw it. For each such conversation: a new public id replaces it (external id,
 * the candidate's `authorId` and message provider ids), and the old secret is kept only as a
 * hash marked for rotation, so the candidate's browser resumes once and gets a new secret.
 * Conversations nobody ever wrote in (opened chat pages) are removed with their candidates.
 */
export function migrateLegacySessions(db: Database.Database, now: Date): LegacyMigration {
  const rows = db.prepare("SELECT id, external_id, candidate_id, version FROM conversations WHERE channel = 'webchat'").all() as {
    id: string;
    external_id: string;
    candidate_id: string;
    version: number;
  }[];
  const hasMessages = db.prepare('SELECT 1 FROM messages WHERE conversation_id = ? LIMIT 1');
  const otherConversations = db.prepare('SELECT 1 FROM conversations WHERE candidate_id = ? LIMIT 1');
  const insertSession = db.prepare('INSERT OR IGNORE INTO webchat_sessions (secret_hash, public_id, created_at, last_seen_at, rotate) VALUES (?, ?, ?, ?, 1)');
  const rekeyConversation = db.prepare("UPDATE conversations SET external_id = ?, doc = json_set(doc, '$.ref.externalId', ?) WHERE id = ?");
  const rekeyAuthor = db.prepare("UPDATE messages SET doc = json_set(doc, '$.authorId', ?) WHERE conversation_id = ? AND direction = 'in' AND json_extract(doc, '$.authorId') = ?");
  const rekeyProviderIds = db.prepare(
    `UPDATE messages SET provider_message_id = @pub || substr(provider_message_id, length(@old) + 1),
       doc = json_set(doc, '$.providerMessageId', @pub || substr(provider_message_id, length(@old) + 1))
     WHERE conversation_id = @id AND direction = 'in' AND substr(provider_message_id, 1, length(@old) + 1) = @old || ':'`,
  );
  const result: LegacyMigration = { rekeyed: 0, removed: 0 };
  for (const row of rows) {
    if (row.version === 0 && !hasMessages.get(row.id)) {
      db.prepare('DELETE FROM events WHERE conversation_id = ?').run(row.id);
      db.prepare('DELETE FROM conversations WHERE id = ?').run(row.id);
      if (!otherConversations.get(row.candidate_id)) {
        db.prepare('DELETE FROM events WHERE candidate_id = ?').run(row.candidate_id);
        db.prepare('DELETE FROM candidates WHERE id = ?').run(row.candidate_id);
      }
      result.removed++;
      continue;
    }
    const publicId = newPublicId();
    insertSession.run(hashSecret(row.external_id), publicId, now.getTime(), now.getTime());
    rekeyConversation.run(publicId, publicId, row.id);
    rekeyAuthor.run(publicId, row.id, row.external_id);
    rekeyProviderIds.run({ pub: publicId, old: row.external_id, id: row.id });
    result.rekeyed++;
  }
  return result;
}
