// Jest for the mutation check only (stryker.config.mjs, docs/mutation.md): Stryker calls Jest once
// per mutant, so everything a run loads is paid thousands of times.
// - Only the core's unit tests (roots: core/): test/engine-turns.test.ts (the in-memory app) costs
//   ~0.6 s to load per run, six times the unit tests it sits next to.
// - No per-file nock setup/teardown (test/support/setup-env.ts, after-env.ts): the core's unit
//   tests never import nock. The global setup (TZ=UTC, no OpenAI key) stays: it is cheap.
// - testTimeout 2 s instead of 30 s: a mutant that makes a test wait forever fails that test in
//   2 s (counted as killed) instead of waiting for Stryker's own timeout, which also restarts the
//   test-runner process.
// - No core/store tests: neither Stryker config mutates the store, and two of its tests start a
//   second node process (a lock holder, a second writer) that can take longer than the 2 s test
//   timeout on a loaded CI machine. A test failing Stryker's dry run fails `npm test`.
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  roots: ['<rootDir>/core'],
  testMatch: ['<rootDir>/core/**/*.test.ts'],
  setupFiles: [],
  setupFilesAfterEnv: [],
  testPathIgnorePatterns: [...base.testPathIgnorePatterns, '<rootDir>/core/store/'],
  testTimeout: 2000,
};
