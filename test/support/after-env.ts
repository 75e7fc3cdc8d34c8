/**
 * Per-test-file teardown. nock patches Node's `http`/`net` on import, and under native ESM every
 * test file gets its own copy of nock while the Jest worker shares one `net` module: without
 * this, each file that used nock leaves its interceptor layered over the next file's (stack
 * overflows, ECONNRESET on loopback, leaked sockets). Restoring after each file undoes it.
 */
import { afterAll } from '@jest/globals';

afterAll(async () => {
  const { default: nock } = await import('nock');
  nock.cleanAll();
  nock.restore();
});
