// Mutation check over the core's rules (`npm run mutation`): StrykerJS changes one thing at a time
// in core/engine, core/interview, core/risk and core/takeover (a condition, an operator, a
// constant) and reruns the tests that cover it; a change no test notices "survives" and names a
// rule nothing defends. The score is printed, never gated; too slow for CI (docs/mutation.md).
// Reports: reports/mutation/.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  // Jest runs native ESM here, as `npm run jest` does.
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // Only the fast tests: the core's unit tests and the in-memory engine tests (the test
    // adapter); the full-app and browser suites are too slow per mutant.
    config: {
      testMatch: ['<rootDir>/core/**/*.test.ts', '<rootDir>/test/engine-turns.test.ts'],
    },
    // Each mutant run loads only the test files that import the mutated file (jest
    // --findRelatedTests), not every file above: core/takeover took 7 min 8 s without it (load
    // 8-10), 3 min 23 s with it at load 14 and 1 min 17 s on a quiet machine.
    enableFindRelatedTests: true,
  },
  mutate: ['core/engine/**/*.ts', 'core/interview/**/*.ts', 'core/risk/**/*.ts', 'core/takeover/**/*.ts', '!**/*.test.ts', '!**/index.ts'],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants) would rerun every test each time: skipped.
  ignoreStatic: true,
  concurrency: 2,
  // A mutant that loops forever is killed after the test's own time x1.5 + 2 s (it counts as
  // detected). Each one costs a test-runner restart, so this bounds most of a run's time.
  timeoutMS: 2000,
  timeoutFactor: 1.5,
  // Reruns reuse the last results for code and tests that did not change (the file is local:
  // reports/ is not committed, so a fresh CI checkout starts from scratch).
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false, reportScoreTable: true },
  ignorePatterns: ['dist', 'dist.*', 'data', 'coverage', 'reports', 'test/.tmp', 'bench', 'operator-console/public', '.stryker-tmp*'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
