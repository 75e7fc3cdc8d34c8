// Mutation check over the core's rules (`npm run mutation`): StrykerJS changes one thing at a time
// in core/engine, core/interview, core/risk and core/takeover (a condition, an operator, a
// constant) and reruns the tests that cover it; a change no test notices "survives" and names a
// rule nothing defends. The score is printed, never gated. `npm test` runs a lighter pass of the
// same check (stryker.ci.config.mjs); docs/mutation.md says what each one measures.
// Reports: reports/mutation/.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  // Jest runs native ESM here, as `npm run jest` does.
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'],
  jest: {
    projectType: 'custom',
    // The core's unit tests, without the per-file nock set-up, and a 2 s test timeout
    // (jest.mutation.config.js says why).
    configFile: 'jest.mutation.config.js',
    // The full run adds test/engine-turns.test.ts (the in-memory app through the test adapter):
    // it is the only test that reaches core/engine/engine.ts, and it costs ~0.6 s per mutant run.
    // The CI pass (stryker.ci.config.mjs) leaves it out.
    config: {
      // All of the project: findRelatedTests follows engine-turns' imports through bin/ and the
      // channels to the core file under test.
      roots: ['<rootDir>'],
      testMatch: ['<rootDir>/core/**/*.test.ts', '<rootDir>/test/engine-turns.test.ts'],
    },
    // Each mutant run loads only the test files that import the mutated file (jest
    // --findRelatedTests), not every core test file.
    enableFindRelatedTests: true,
  },
  mutate: ['core/engine/**/*.ts', 'core/interview/**/*.ts', 'core/risk/**/*.ts', 'core/takeover/**/*.ts', '!**/*.test.ts', '!**/index.ts'],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants) would rerun every test each time: skipped.
  ignoreStatic: true,
  concurrency: 2,
  // Stryker stops a mutant run after the covering tests' own time x1.5 + 3 s + the runner's
  // start-up overhead, and restarts that test runner (it counts as detected, "timeout"). A mutant
  // that makes a test wait forever fails that test after Jest's 2 s testTimeout first, with no
  // restart; one that loops forever synchronously is stopped by Stryker's hit limit.
  timeoutMS: 3000,
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
