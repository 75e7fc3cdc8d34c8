// Mutation check over the core's rules (`npm run mutation`): StrykerJS changes one thing at a time
// in core/engine, core/interview, core/risk and core/takeover (a condition, an operator, a
// constant) and reruns the tests that cover it; a change no test notices "survives" and names a
// rule nothing defends. The score is printed, never gated (see .ci/run). Reports: reports/mutation/.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  // Jest runs native ESM here, as `npm run jest` does.
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // Only the fast tests that drive these folders: their own unit tests and the in-memory
    // engine tests (the test adapter); the full-app and browser suites are too slow per mutant.
    config: {
      testMatch: [
        '<rootDir>/core/engine/**/*.test.ts',
        '<rootDir>/core/interview/**/*.test.ts',
        '<rootDir>/core/risk/**/*.test.ts',
        '<rootDir>/core/takeover/**/*.test.ts',
        '<rootDir>/test/engine-turns.test.ts',
      ],
    },
    enableFindRelatedTests: false,
  },
  mutate: ['core/engine/**/*.ts', 'core/interview/**/*.ts', 'core/risk/**/*.ts', 'core/takeover/**/*.ts', '!**/*.test.ts', '!**/index.ts'],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants) would rerun every test each time: skipped.
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 5000,
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false, reportScoreTable: true },
  ignorePatterns: ['dist', 'dist.*', 'data', 'coverage', 'reports', 'test/.tmp', 'bench', 'operator-console/public', '.stryker-tmp*'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
