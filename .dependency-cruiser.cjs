/** Import boundaries from ARCHITECTURE.md: dependencies point one way, into core; only bin wires. */
module.exports = {
  forbidden: [
    {
      name: 'core-is-independent',
      comment: 'core/ must not import channels, bots, jobs, operator-console or bin',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: '^(channels|bots|jobs|operator-console|bin)/' },
    },
    {
      name: 'only-bin-wires',
      comment: 'channels, bots, jobs and operator-console import core, never each other or bin',
      severity: 'error',
      from: { path: '^(channels|bots|jobs|operator-console)/([^/]+)' },
      to: { path: '^(channels|bots|jobs|operator-console|bin)/', pathNot: '^$1/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|\\.test\\.ts$|__fixtures__|/public/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
