import { createHash } from 'node:crypto';

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

/** Every key starts so (and operator tokens never do). */
export const KEY_PREFIX = 'pk_';

/** The SHA-256 (hex) a key is stored and found by. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
