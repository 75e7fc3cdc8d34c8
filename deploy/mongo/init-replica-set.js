/* global rs, db, quit -- mongosh's shell globals */
// The compose file's MongoDB health check (mongosh --quiet init-replica-set.js): the first run
// initiates a single-node replica set named rs0 (Parley's turn commits use transactions, which
// need one); later runs find it initiated. Exits 0 only once this node is the writable primary.
try {
  rs.status();
} catch (e) {
  if (e.codeName !== 'NotYetInitialized') throw e;
  rs.initiate({ _id: 'rs0', members: [{ _id: 0, host: 'mongo:27017' }] });
}
if (!db.hello().isWritablePrimary) quit(1);
