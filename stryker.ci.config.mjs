// The mutation pass `npm test` (and so CI) runs: stryker.config.mjs made to fit a few minutes on
// the 2-core CI machine. What it leaves out, and how that changes the score: docs/mutation.md.
// The score is printed, never gated (no `thresholds.break`): the step fails only if Stryker
// cannot run (for instance a core unit test fails on the unmutated code).
import full from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...full,
  // The rule files of each folder: the decisions a user sees (who may take over, what a risk
  // score is made of, what an assessment recommends, when a message may go out and how sends are
  // retried). The rest of the four folders (the engine's plumbing, the interview machine, text
  // parsing) is mutated only by `npm run mutation`: all of it does not fit the CI budget.
  mutate: [
    'core/takeover/rules.ts',
    'core/takeover/takeover-service.ts',
    'core/risk/score.ts',
    'core/risk/factors.ts',
    'core/interview/assessment.ts',
    'core/interview/state.ts',
    'core/engine/outbound-policy.ts',
    'core/engine/retry.ts',
    'core/engine/backoff.ts',
  ],
  // Only the core's unit tests (jest.mutation.config.js): no test/engine-turns.test.ts, so
  // core/engine/engine.ts shows as "no coverage" here.
  jest: { projectType: 'custom', configFile: 'jest.mutation.config.js', enableFindRelatedTests: true },
  // No string-literal mutants ('text' -> ''): most are log lines, error texts and the wording of
  // recruiter-facing reasons, which no rule depends on; a literal in a comparison
  // (`rec === 'yes'`) is still mutated through its condition (true/false, === -> !==).
  mutator: { excludedMutations: ['StringLiteral'] },
  incrementalFile: 'reports/mutation/ci/stryker-incremental.json',
  htmlReporter: { fileName: 'reports/mutation/ci/index.html' },
  jsonReporter: { fileName: 'reports/mutation/ci/mutation.json' },
  tempDirName: '.stryker-tmp-ci',
};
