/**
 * Small JSON documents by namespace and key: dedupe keys (alerts, blocked chats), secrets (email
 * reply tokens, the console's legacy secret), pairing and auth state (WhatsApp Web), references
 * (Teams), risk episodes, email threads. Values are plain JSON: dates go in as ISO strings.
 * Embedded: the SQLite `kv` table; distributed: a MongoDB collection with a unique
 * `(namespace, key)` index. The core `Store` includes it, so `ports.kv` is the store itself.
 *
 * @example
 * if ((await kv.kvGet('alerts', dedupeKey)) === undefined) await kv.kvSet('alerts', dedupeKey, { at: now.toISOString() });
 */
export interface KeyValueStore {
  /** The value stored under `(namespace, key)`, undefined when there is none. */
  kvGet<T = unknown>(namespace: string, key: string): Promise<T | undefined>;
  /** Insert or replace: one value per `(namespace, key)`. */
  kvSet(namespace: string, key: string, value: unknown): Promise<void>;
  /** Remove; no error when absent. */
  kvDelete(namespace: string, key: string): Promise<void>;
  /** Every entry of a namespace, ordered by key. */
  kvList(namespace: string): Promise<{ key: string; value: unknown }[]>;
}
