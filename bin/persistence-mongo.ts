import { MongoWebchatSessionStore } from '../channels/webchat/mongo-sessions.js';
import { MongoStore, redactUri } from '../core/store/mongo/index.js';
import { createMongoAgendaBackend } from '../jobs/agenda/mongo-backend.js';
import { MongoSchedulingStore } from '../jobs/scheduling/mongo-scheduling-store.js';
import { mongoPublicApiStore } from '../operator-console/api/mongo-api-store.js';
import { MongoSearchIndex } from '../operator-console/search/mongo-search-index.js';
import { MongoWorkspaceStore } from '../operator-console/store/mongo-console-store.js';
import { MongoOperatorStore } from '../operator-console/store/mongo-operator-store.js';
import { MongoInboxStore } from '../operator-console/store/mongo-inbox-store.js';
import type { Persistence, PersistenceOptions, Ports } from './persistence-ports.js';

/**
 * Distributed mode (`MONGODB_URI`): the core store and every port on one mongoose connection.
 * Each adapter creates its indexes (unique ones are the dedupe rules) before it is used. Loaded by
 * dynamic import only in this mode, so embedded mode never loads mongoose.
 *
 * Transactions need a replica set (the compose file runs a single-node one); on a standalone
 * server the store works without them and says so at start-up.
 *
 * @example
 * const p = await openMongoPersistence('mongodb://mongo:27017/parley?replicaSet=rs0', { log });
 */
export async function openMongoPersistence(uri: string, opts: Pick<PersistenceOptions, 'log'> & { dbName?: string } = {}): Promise<Persistence> {
  const store = await MongoStore.connect(uri, opts.dbName);
  try {
    const conn = store.connection;
    const ports: Ports = {
      operators: await MongoOperatorStore.open(conn),
      workspace: await MongoWorkspaceStore.open(conn),
      inbox: await MongoInboxStore.open(conn),
      search: new MongoSearchIndex(conn),
      publicApi: await mongoPublicApiStore(conn, store.transactions),
      scheduling: await MongoSchedulingStore.open(conn, store.transactions),
      webchatSessions: await MongoWebchatSessionStore.open(conn),
      kv: store,
      jobs: createMongoAgendaBackend(conn),
    };
    const where = redactUri(uri);
    if (store.transactions) opts.log?.info({ store: 'mongodb', uri: where, transactions: true }, 'store: MongoDB (replica set: a turn commits in one transaction)');
    else opts.log?.warn({ store: 'mongodb', uri: where, transactions: false }, 'store: MongoDB without a replica set: no multi-document transactions (turns still version-guarded and re-runnable); run MongoDB as a replica set in production');
    return { kind: 'mongodb', store, ports, close: () => store.close() };
  } catch (err) {
    await store.close();
    throw err;
  }
}
