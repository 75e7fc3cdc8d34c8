import type Database from 'better-sqlite3';
import type { Candidate, DomainEvent } from '../../core/domain/index.js';
import { migrateModule } from '../../core/store/embedded/index.js';
import { reviveCandidate, reviveEvent } from '../../core/store/index.js';
import type { ApiKey, ApiScope } from './keys.js';
import { API_MIGRATIONS } from './migrations.js';
import type { ApiKeyRepository, AtsLink, AtsStore, AuditFilter, CandidateFilter, IdempotencyStore, IdempotentReply, PublicApiQueries, PublicApiStore } from './ports.js';
import { SqliteWebhookStore } from './sqlite-webhook-store.js';

/**
 * The public API's ports in the embedded SQLite file (module `api`: keys, idempotency, webhook
 * subscriptions and outbox, ATS events and links). The console's tables must exist first (the
 * candidate list filters on its marks).
 *
 * @example
 * const api = sqlitePublicApiStore(store.database);
 * await api.keys.list();
 */
export function sqlitePublicApiStore(db: Database.Database): PublicApiStore {
  migrateModule(db, 'api', API_MIGRATIONS);
  return { keys: new SqliteApiKeyRepository(db), idempotency: new SqliteIdempotencyStore(db), webhooks: new SqliteWebhookStore(db), ats: new SqliteAtsStore(db), queries: new SqlitePublicApiQueries(db) };
}

interface KeyRow {
  id: string;
  name: string;
  scope: ApiScope;
  prefix: string;
  hash: string;
  created_by: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

function reviveKey(row: KeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    prefix: row.prefix,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    ...(row.last_used_at !== null ? { lastUsedAt: new Date(row.last_used_at) } : {}),
    ...(row.revoked_at !== null ? { revokedAt: new Date(row.revoked_at) } : {}),
  };
}

/** API keys (table `api_keys`, the hash unique). */
export class SqliteApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: Database.Database) {}

  async insert(k: ApiKey, hash: string): Promise<void> {
    this.db
      .prepare('INSERT INTO api_keys (id, name, scope, prefix, hash, created_by, created_at, last_used_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(k.id, k.name, k.scope, k.prefix, hash, k.createdBy, k.createdAt.getTime(), k.lastUsedAt?.getTime() ?? null, k.revokedAt?.getTime() ?? null);
  }

  async get(id: string): Promise<ApiKey | undefined> {
    const row = this.db.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as KeyRow | undefined;
    return row && reviveKey(row);
  }

  async findByHash(hash: string): Promise<ApiKey | undefined> {
    const row = this.db.prepare('SELECT * FROM api_keys WHERE hash = ?').get(hash) as KeyRow | undefined;
    return row && reviveKey(row);
  }

  async list(): Promise<ApiKey[]> {
    return (this.db.prepare('SELECT * FROM api_keys ORDER BY created_at, id').all() as KeyRow[]).map(reviveKey);
  }

  async revoke(id: string, now: Date): Promise<boolean> {
    return this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now.getTime(), id).changes > 0;
  }

  async touch(id: string, now: Date): Promise<void> {
    this.db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(now.getTime(), id);
  }
}

/** Idempotent replies (table `api_idempotency`, keyed by principal and key). */
export class SqliteIdempotencyStore implements IdempotencyStore {
  constructor(private readonly db: Database.Database) {}

  async get(principal: string, key: string): Promise<IdempotentReply | undefined> {
    const row = this.db.prepare('SELECT fingerprint, status, body, created_at FROM api_idempotency WHERE principal = ? AND key = ?').get(principal, key) as
      | { fingerprint: string; status: number; body: string; created_at: number }
      | undefined;
    return row && { fingerprint: row.fingerprint, status: row.status, body: row.body, createdAt: new Date(row.created_at) };
  }

  async put(principal: string, key: string, r: IdempotentReply): Promise<void> {
    this.db.prepare('INSERT OR REPLACE INTO api_idempotency (principal, key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(principal, key, r.fingerprint, r.status, r.body, r.createdAt.getTime());
  }
}

/** ATS events received (table `ats_events`) and ATS candidate links (`ats_candidates`). */
export class SqliteAtsStore implements AtsStore {
  constructor(private readonly db: Database.Database) {}

  async claimEvent(source: string, eventId: string, type: string, now: Date): Promise<boolean> {
    return this.db.prepare("INSERT OR IGNORE INTO ats_events (source, event_id, type, status, received_at) VALUES (?, ?, ?, 'processing', ?)").run(source, eventId, type, now.getTime()).changes > 0;
  }

  async finishEvent(source: string, eventId: string): Promise<void> {
    this.db.prepare("UPDATE ats_events SET status = 'done' WHERE source = ? AND event_id = ?").run(source, eventId);
  }

  async releaseEvent(source: string, eventId: string): Promise<void> {
    this.db.prepare('DELETE FROM ats_events WHERE source = ? AND event_id = ?').run(source, eventId);
  }

  async findCandidate(source: string, atsId: string): Promise<AtsLink | undefined> {
    const row = this.db.prepare('SELECT candidate_id, conversation_id FROM ats_candidates WHERE source = ? AND ats_id = ?').get(source, atsId) as { candidate_id: string; conversation_id: string | null } | undefined;
    return row && { candidateId: row.candidate_id, ...(row.conversation_id !== null ? { conversationId: row.conversation_id } : {}) };
  }

  async linkCandidate(source: string, atsId: string, link: AtsLink): Promise<void> {
    this.db.prepare('INSERT OR IGNORE INTO ats_candidates (source, ats_id, candidate_id, conversation_id) VALUES (?, ?, ?, ?)').run(source, atsId, link.candidateId, link.conversationId ?? null);
  }
}

/** The candidate list and the audit log, straight from the core's tables. */
export class SqlitePublicApiQueries implements PublicApiQueries {
  constructor(private readonly db: Database.Database) {}

  async listCandidates(filter: CandidateFilter, afterId: string, limit: number): Promise<Candidate[]> {
    const where = ['id > ?'];
    const args: unknown[] = [afterId];
    const add = (clause: string, ...values: unknown[]) => {
      where.push(clause);
      args.push(...values);
    };
    if (filter.stage) add('stage = ?', filter.stage);
    if (filter.role) add("json_extract(doc, '$.role') = ?", filter.role);
    if (filter.updatedSince) add("json_extract(doc, '$.updatedAt') >= ?", filter.updatedSince.toISOString());
    if (filter.channel) add('id IN (SELECT candidate_id FROM conversations WHERE channel = ?)', filter.channel);
    if (filter.risk) {
      const marks = 'SELECT c.candidate_id FROM conversations c JOIN console_conversation_marks m ON m.conversation_id = c.id WHERE ';
      if (filter.risk === 'at-risk') add(`id IN (${marks}json_extract(m.doc, '$.risk.atRisk') = 1)`);
      else add(`id IN (${marks}json_extract(m.doc, '$.risk.level') = ?)`, filter.risk);
    }
    if (filter.q) {
      const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      add("(json_extract(doc, '$.name') LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\' OR phone LIKE ? ESCAPE '\\')", like, like, like);
    }
    const rows = this.db.prepare(`SELECT doc FROM candidates WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`).all(...args, limit) as { doc: string }[];
    return rows.map((r) => reviveCandidate(r.doc));
  }

  async listAudit(filter: AuditFilter, limit: number): Promise<DomainEvent[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      where.push(clause);
      args.push(value);
    };
    if (filter.candidateId) add('candidate_id = ?', filter.candidateId);
    if (filter.type) add('type = ?', filter.type);
    if (filter.since) add('at >= ?', filter.since.getTime());
    if (filter.until) add('at <= ?', filter.until.getTime());
    if (filter.actor) add("json_extract(doc, '$.actor') = ?", filter.actor);
    const rows = this.db.prepare(`SELECT doc FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`).all(...args, limit) as { doc: string }[];
    return rows.map((r) => reviveEvent(r.doc));
  }
}
