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
      name: 'features-use-ports',
      comment:
        'plugins, channels, jobs, the console and bots get state through ports (bin/persistence.ts), never the embedded store: only SQLite adapters (sqlite-*.ts) and their migrations import core/store/embedded',
      severity: 'error',
      from: { path: '^(bin/plugins|channels|jobs|operator-console|bots)/', pathNot: '(^|/)(sqlite-[^/]*|migrations)\\.ts$' },
      to: { path: '^core/store/embedded/' },
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
