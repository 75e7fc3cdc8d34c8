import type { Connection, mongo } from 'mongoose';

type ClientSession = mongo.ClientSession;

/**
 * Multi-document transactions need a replica set (or a sharded cluster): a standalone `mongod`
 * refuses them. The compose file runs MongoDB as a single-node replica set for this. Detected
 * once at connect time from the `hello` reply (`setName` on a replica set member, `msg:
 * 'isdbgrid'` on mongos).
 */
export async function supportsTransactions(conn: Connection): Promise<boolean> {
  const db = conn.db;
  if (!db) return false;
  const hello = (await db.admin().command({ hello: 1 })) as { setName?: unknown; msg?: unknown };
  return typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
}

/**
 * Run `fn` in one transaction (`session.withTransaction`: committed when `fn` resolves, aborted
 * when it throws, re-run on a transient error such as a write conflict with another node, so `fn`
 * must be safe to repeat). Without transaction support `fn` runs without a session: callers keep
 * their writes convergent (version-guarded, stable ids) so a crash between two writes is repaired
 * by re-running the turn.
 *
 * Inside a transaction a duplicate-key error aborts the whole transaction (SERVER-34059), so
 * writes in `fn` that may meet an existing document use upserts, never "insert and ignore 11000".
 */
export async function inTransaction<T>(conn: Connection, enabled: boolean, fn: (session: ClientSession | undefined) => Promise<T>): Promise<T> {
  if (!enabled) return fn(undefined);
  const session = await conn.startSession();
  try {
    let result: T | undefined;
    await session.withTransaction(async () => {
      result = await fn(session);
    });
    return result as T;
  } finally {
    await session.endSession();
  }
}

/** The driver's duplicate-key code (a unique index refused the write). */
export const DUPLICATE_KEY = 11000;

export function isDuplicateKey(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; writeErrors?: { code?: unknown }[] };
  if (e.code === DUPLICATE_KEY) return true;
  return Array.isArray(e.writeErrors) && e.writeErrors.length > 0 && e.writeErrors.every((w) => w.code === DUPLICATE_KEY);
}
