/**
 * The MongoDB inbox adapter's declared indexes (no server needed). The ConsoleInboxStore contract
 * itself runs with every port's (test/support/contracts/inbox.ts): on SQLite in
 * test/ports-sqlite.test.ts, on MongoDB in test/ports-mongo.test.ts when MONGODB_URI is set.
 */
import { describe, expect, it } from '@jest/globals';
import { INBOX_INDEXES } from '../operator-console/store/mongo-inbox-store.js';

describe('MongoDB inbox adapter', () => {
  it('declares unique indexes for label names (without case) and invite token hashes', () => {
    expect(INBOX_INDEXES.filter((i) => i.options?.unique).map((i) => `${i.collection}(${Object.keys(i.keys).join(',')})`)).toEqual(['console_labels(nameKey)', 'console_invites(tokenHash)']);
  });
});
