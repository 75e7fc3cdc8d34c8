import type Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { newId } from '../../core/domain/index.js';
import { migrateModule } from '../../core/store/embedded/index.js';
import { API_MIGRATIONS } from './migrations.js';

/** What a key (or an operator's role) may do: read < write < admin. */
export const API_SCOPES = ['read', 'write', 'admin'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** True when `held` covers `needed` (admin covers write covers read). */
export function scopeCovers(held: ApiScope, needed: ApiScope): boolean {
  return API_SCOPES.indexOf(held) >= API_SCOPES.indexOf(needed);
}

export interface ApiKey {
  id: string;
  name: string;
  scope: ApiScope;
  /** The key's first characters, shown in lists to tell keys apart. */
  prefix: string;
  createdBy: string;
  createdAt: Date;
  lastUsedAt?: Date;
  revokedAt?: Date;
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

const KEY_PREFIX = 'pk_';

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * API keys for integrations, in the embedded SQLite file. A key is `pk_<id>_<secret>`, shown once
 * at creation; only its SHA-256 is stored (keys are 256-bit random, so a fast hash is enough).
 *
 * @example
 * const keys = new ApiKeyStore(store.database);
 * const { key, apiKey } = keys.create({ name: 'ATS sync', scope: 'write', createdBy: 'cli' }, new Date());
 * keys.verify(key, new Date())?.scope === 'write';
 */
export class ApiKeyStore {
  constructor(private readonly db: Database.Database) {
    migrateModule(db, 'api', API_MIGRATIONS);
  }

  create(input: { name: string; scope: ApiScope; createdBy: string }, now: Date): { key: string; apiKey: ApiKey } {
    const id = newId('key');
    const key = `${KEY_PREFIX}${id.replace(/[^a-zA-Z0-9]/g, '')}_${randomBytes(32).toString('base64url')}`;
    const prefix = key.slice(0, KEY_PREFIX.length + 10);
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO api_keys (id, name, scope, prefix, hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(id, input.name, input.scope, prefix, hashKey(key), input.createdBy, now.getTime());
    })();
    return { key, apiKey: this.get(id) as ApiKey };
  }

  get(id: string): ApiKey | undefined {
    const row = this.db.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as KeyRow | undefined;
    return row && revive(row);
  }

  list(): ApiKey[] {
    return (this.db.prepare('SELECT * FROM api_keys ORDER BY created_at, id').all() as KeyRow[]).map(revive);
  }

  /** Revoke at once; false when there is no such key or it was already revoked. */
  revoke(id: string, now: Date): boolean {
    let changed = 0;
    this.db.transaction(() => {
      changed = this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now.getTime(), id).changes;
    })();
    return changed > 0;
  }

  /** The key's record when `key` is a current (not revoked) key; its last-used time is updated. */
  verify(key: string, now: Date): ApiKey | undefined {
    if (!key.startsWith(KEY_PREFIX)) return undefined;
    const row = this.db.prepare('SELECT * FROM api_keys WHERE hash = ?').get(hashKey(key)) as KeyRow | undefined;
    if (!row || row.revoked_at !== null) return undefined;
    // At most one write a second per key.
    if (row.last_used_at === null || now.getTime() - row.last_used_at >= 1000) {
      this.db.transaction(() => {
        this.db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(now.getTime(), row.id);
      })();
      row.last_used_at = now.getTime();
    }
    return revive(row);
  }
}

function revive(row: KeyRow): ApiKey {
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
