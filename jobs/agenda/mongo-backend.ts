import { MongoBackend } from '@agendajs/mongo-backend';
import type { AgendaBackend } from 'agenda';
import type { Connection } from 'mongoose';
import { ErrorCodes, ParleyError } from '../../core/domain/index.js';

/** Agenda's collection in MONGODB_URI mode (named like the SQLite table, so erasure skips it). */
export const AGENDA_COLLECTION = 'agenda_jobs';

/**
 * Agenda's MongoDB backend (`@agendajs/mongo-backend`, written for Agenda 6.2.6 as installed) on
 * the store's own connection: jobs live in the same database as everything else, and Agenda's
 * lock fields (`lockedAt`, claimed with findOneAndUpdate) make a job run on one node at a time.
 * It has no notification channel: nodes poll (Agenda's `processEvery`). The connection belongs
 * to the store, so disconnecting the backend never closes it.
 *
 * @example
 * const backend = createMongoAgendaBackend(store.connection);
 */
export function createMongoAgendaBackend(conn: Connection): AgendaBackend {
  const db = conn.db;
  if (!db) throw new ParleyError(ErrorCodes.STORE, 'MongoDB connection is not open');
  return new MongoBackend({ mongo: db, collection: AGENDA_COLLECTION });
}
