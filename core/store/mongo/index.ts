export * from './mongo-store.js';
export { type IndexSpec, ensureIndexes, CORE_INDEXES } from './indexes.js';
export { inTransaction, isDuplicateKey, supportsTransactions, DUPLICATE_KEY } from './transactions.js';
export { type MongoDoc, toPlain, encodeValue, decodeValue, candidateFrom, eventFrom, nextSeq } from './documents.js';
export { collectionOf } from './collections.js';
