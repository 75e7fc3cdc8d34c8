/**
 * Every port's contract suite against the embedded SQLite adapters (a fresh in-memory database
 * per test). The MongoDB adapters run the same suites when MONGODB_URI is set.
 */
import { openSqlitePersistence } from '../bin/persistence.js';
import { runPortContracts } from './support/contracts/index.js';

runPortContracts('sqlite', () => openSqlitePersistence({ sqlitePath: ':memory:', now: new Date('2026-03-01T09:00:00.000Z') }));
