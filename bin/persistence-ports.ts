import type { AgendaBackend } from 'agenda';
import type { WebchatSessionStore } from '../channels/webchat/sessions.js';
import type { KeyValueStore, Logger, Store } from '../core/ports/index.js';
import type { SqliteStore } from '../core/store/embedded/sqlite-store.js';
import type { SchedulingRepository } from '../jobs/scheduling/ports.js';
import type { ConsoleInboxStore, ConsoleWorkspaceStore, OperatorStore, PublicApiStore, SearchIndex } from '../operator-console/index.js';

/**
 * Every piece of state a plugin keeps, each behind its port. Plugins, channels and features get
 * these (and the core `Store`), never a concrete store or a database handle.
 */
export interface Ports {
  /** Console accounts (emails unique without case). */
  operators: OperatorStore;
  /** Console notifications and read state, notes, canned responses, list marks. */
  workspace: ConsoleWorkspaceStore;
  /** Console labels, saved filters and operator invites. */
  inbox: ConsoleInboxStore;
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
  /**
   * Embedded mode: this process is the SQLite file's only writer (`npm start` without
   * `REDIS_URL`), so the store may cache conversation and candidate documents (and scheduling
   * knows which conversations may have an open slot offer). Unset for cluster nodes sharing the
   * file and for the CLIs.
   */
  soleOwner?: boolean;
  /** The MongoDB connection string; unset: embedded mode. */
  mongodbUri?: string | undefined;
  now: Date;
  log?: Logger;
}
