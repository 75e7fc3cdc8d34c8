import type { Connection, mongo } from 'mongoose';
import { ErrorCodes, ParleyError } from '../../domain/index.js';

/**
 * The driver's collection on a mongoose connection, not mongoose's wrapper: the wrapper queues
 * ("buffers") calls while the connection is down and then returns a promise where the driver
 * returns a cursor (`find().sort()` would throw). The driver instead waits for a server up to
 * `serverSelectionTimeoutMS` and fails with a clear error.
 *
 * @example
 * const operators = collectionOf<OperatorDoc>(conn, 'console_operators');
 */
export function collectionOf<T extends mongo.Document>(conn: Connection, name: string): mongo.Collection<T> {
  const db = conn.db;
  if (!db) throw new ParleyError(ErrorCodes.STORE, `MongoDB connection is not open (collection ${name})`);
  return db.collection<T>(name);
}
