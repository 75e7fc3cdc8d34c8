import { SqliteWebchatSessionStore } from '../channels/webchat/index.js';
import { SqliteStore } from '../core/store/embedded/sqlite-store.js';
import { SqliteAgendaBackend } from '../jobs/agenda/sqlite-backend.js';
import { SqliteSchedulingStore } from '../jobs/scheduling/sqlite-scheduling-store.js';
import { SqliteConsoleStore, SqliteInboxStore, SqliteOperatorStore, SqliteSearchIndex, sqlitePublicApiStore } from '../operator-console/index.js';
import type { Persistence, PersistenceOptions, Ports } from './persistence-ports.js';

// The types live apart so the MongoDB module (loaded from here) can use them without a cycle.
export type { Persistence, PersistenceOptions, Ports } from './persistence-ports.js';

/**
 * Opens the store and every port for the configured mode: MongoDB when `mongodbUri` is set
 * (the seam for the MongoDB adapters), else the embedded SQLite file (the default).
 *
 * @example
 * const p = await openPersistence({ sqlitePath: dbPath, mongodbUri: process.env.MONGODB_URI, now: new Date() });
 * await p.ports.operators.count();
 * await p.close();
 */
export async function openPersistence(opts: PersistenceOptions): Promise<Persistence> {
  if (opts.mongodbUri) {
    // mongoose and the MongoDB adapters are loaded only in this mode.
    const { openMongoPersistence } = await import('./persistence-mongo.js');
    return openMongoPersistence(opts.mongodbUri, { ...(opts.log ? { log: opts.log } : {}) });
  }
  opts.log?.info({ store: 'sqlite', path: opts.sqlitePath }, 'store: embedded SQLite');
  return openSqlitePersistence(opts);
}

/** Embedded mode: one SQLite file holds the core's tables and every feature's (per-module migrations). */
export async function openSqlitePersistence(opts: PersistenceOptions): Promise<Persistence> {
  const store = SqliteStore.open(opts.sqlitePath, { soleOwner: opts.soleOwner === true });
  const db = store.database;
  const operators = new SqliteOperatorStore(db);
  const workspace = new SqliteConsoleStore(db);
  const sessions = new SqliteWebchatSessionStore(db, opts.now);
  if (sessions.legacy) opts.log?.info(sessions.legacy, 'web chat: conversations moved to public ids (old session ids kept only hashed), empty ones removed');
  const ports: Ports = {
    operators,
    workspace,
    inbox: new SqliteInboxStore(db),
    // After SqliteConsoleStore: the index reads its notes table.
    search: new SqliteSearchIndex(db),
    publicApi: sqlitePublicApiStore(db),
    // The process that owns the file alone knows which conversations may have an open offer (issue 13).
    scheduling: new SqliteSchedulingStore(db, { soleWriter: opts.soleOwner === true }),
    webchatSessions: sessions,
    kv: store,
    jobs: new SqliteAgendaBackend(db),
  };
  return { kind: 'sqlite', store, ports, embedded: store, close: () => store.close() };
}
