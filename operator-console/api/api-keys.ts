import { randomBytes } from 'node:crypto';
import { newId } from '../../core/domain/index.js';
import { hashKey, KEY_PREFIX, type ApiKey, type ApiScope } from './keys.js';
import type { ApiKeyRepository } from './ports.js';

/**
 * API keys for integrations, over the `ApiKeyRepository` port. A key is `pk_<id>_<secret>`, shown
 * once at creation; only its SHA-256 is stored (keys are 256-bit random, so a fast hash is enough).
 *
 * @example
 * const keys = new ApiKeys(ports.publicApi.keys);
 * const { key } = await keys.create({ name: 'ATS sync', scope: 'write', createdBy: 'cli' }, new Date());
 * (await keys.verify(key, new Date()))?.scope === 'write';
 */
export class ApiKeys {
  constructor(private readonly repo: ApiKeyRepository) {}

  async create(input: { name: string; scope: ApiScope; createdBy: string }, now: Date): Promise<{ key: string; apiKey: ApiKey }> {
    const id = newId('key');
    const key = `${KEY_PREFIX}${id.replace(/[^a-zA-Z0-9]/g, '')}_${randomBytes(32).toString('base64url')}`;
    const apiKey: ApiKey = { id, name: input.name, scope: input.scope, prefix: key.slice(0, KEY_PREFIX.length + 10), createdBy: input.createdBy, createdAt: now };
    await this.repo.insert(apiKey, hashKey(key));
    return { key, apiKey };
  }

  get(id: string): Promise<ApiKey | undefined> {
    return this.repo.get(id);
  }

  /** Oldest first. */
  list(): Promise<ApiKey[]> {
    return this.repo.list();
  }

  /** Revoke at once; false when there is no such key or it was already revoked. */
  revoke(id: string, now: Date): Promise<boolean> {
    return this.repo.revoke(id, now);
  }

  /** The key's record when `key` is a current (not revoked) key; its last-used time is updated. */
  async verify(key: string, now: Date): Promise<ApiKey | undefined> {
    if (!key.startsWith(KEY_PREFIX)) return undefined;
    const found = await this.repo.findByHash(hashKey(key));
    if (!found || found.revokedAt) return undefined;
    // At most one write a second per key.
    if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() >= 1000) {
      await this.repo.touch(found.id, now);
      return { ...found, lastUsedAt: now };
    }
    return found;
  }
}
