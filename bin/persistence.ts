import type { AgendaBackend } from 'agenda';
import { SqliteWebchatSessionStore, type WebchatSessionStore } from '../channels/webchat/index.js';
import type { KeyValueStore, Logger, Store } from '../core/ports/index.js';
import { SqliteStore } from '../core/store/embedded/sqlite-store.js';
import { SqliteAgendaBackend } from '../jobs/agenda/sqlite-backend.js';
import { SqliteSchedulingStore } from '../jobs/scheduling/sqlite-scheduling-store.js';
import type { SchedulingRepository } from '../jobs/scheduling/ports.js';
import { SqliteConsoleStore, SqliteOperatorStore, SqliteSearchIndex, sqlitePublicApiStore, type ConsoleWorkspaceStore, type OperatorStore, type PublicApiStore, type SearchIndex } from '../operator-console/index.js';

/**
 * Every piece of state a plugin keeps, each behind its port. Plugins, channels and features get
 * these (and the core `Store`), never a concrete store or a database handle.
 */
export interface Ports {
  /** Console accounts (emails unique without case). */
  operators: OperatorStore;
  /** Console notifications and read state, notes, canned responses, list marks. */
  workspace: ConsoleWorkspaceStore;
  /** Full-text search over messages, candidates and notes. */
  search: SearchIndex;
  /** The public API's keys, idempotency keys, webhook outbox, ATS events and list queries. */
  publicApi: PublicApiStore;
  /** Recruiters' availability, bookings (one per slot) and slot offers. */
  scheduling: SchedulingRepository;
  /** Web chat sessions by secret hash. */
  webchatSessions: WebchatSessionStore;
  /** Small JSON documents: dedupe keys, secrets, pairing and auth state, email threads. */
  kv: KeyValueStore;
  /** Agenda's job repository and notification channel (REDIS_URL replaces it in the jobs plugin). */
  jobs: AgendaBackend;
}

/** The store and the ports of one deployment mode, opened together and closed together. */
export interface Persistence {
  readonly kind: 'sqlite' | 'mongodb';
  readonly store: Store;
  readonly ports: Ports;
  /** Embedded mode only: the SQLite store itself, for diagnostics and tests. Never handed to a plugin. */
  readonly embedded?: SqliteStore;
  close(): Promise<void>;
}

export interface PersistenceOptions {
  /** The SQLite file (embedded mode). */
  sqlitePath: string;
  /** The MongoDB connection string; unset: embedded mode. */
  mongodbUri?: string | undefined;
  now: Date;
  log?: Logger;
}

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
  const store = SqliteStore.open(opts.sqlitePath);
  const db = store.database;
  const operators = new SqliteOperatorStore(db);
  const workspace = new SqliteConsoleStore(db);
  const sessions = new SqliteWebchatSessionStore(db, opts.now);
  if (sessions.legacy) opts.log?.info(sessions.legacy, 'web chat: conversations moved to public ids (old session ids kept only hashed), empty ones removed');
  const ports: Ports = {
    operators,
    workspace,
    // After SqliteConsoleStore: the index reads its notes table.
    search: new SqliteSearchIndex(db),
    publicApi: sqlitePublicApiStore(db),
    scheduling: new SqliteSchedulingStore(db),
    webchatSessions: sessions,
    kv: store,
    jobs: new SqliteAgendaBackend(db),
  };
  return { kind: 'sqlite', store, ports, embedded: store, close: () => store.close() };
}
