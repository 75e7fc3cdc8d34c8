import type Database from 'better-sqlite3';
import { InMemoryNotificationChannel, type AgendaBackend, type NotificationChannel } from 'agenda';
import { SqliteJobRepository } from './sqlite-job-repository.js';

/**
 * Agenda's backend for embedded mode: jobs in the embedded SQLite file, and an in-process
 * notification channel so a job saved for "now" runs at once instead of on the next poll.
 * The database belongs to the store, so disconnecting never closes it.
 *
 * @example
 * const agenda = new Agenda({ backend: new SqliteAgendaBackend(store.database) });
 */
export class SqliteAgendaBackend implements AgendaBackend {
  readonly name = 'SQLite';
  readonly repository: SqliteJobRepository;
  readonly notificationChannel: NotificationChannel = new InMemoryNotificationChannel();
  readonly ownsConnection = false;

  constructor(db: Database.Database) {
    this.repository = new SqliteJobRepository(db);
  }

  async connect(): Promise<void> {
    await this.repository.connect();
  }

  async disconnect(): Promise<void> {
    // The store owns the database handle and closes it on shutdown.
  }
}
