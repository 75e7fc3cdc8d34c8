/**
 * Counts what every better-sqlite3 handle in this process runs: statement executions (run, get,
 * all, iterate, exec) and `prepare()` calls. Bench only: it patches the driver's prototypes once,
 * so the stores the app opens itself are counted without any hook in production code.
 */
import Database from 'better-sqlite3';

export interface SqlCounts {
  statements: number;
  prepares: number;
  /** Executions per SQL text (first 80 characters), for finding the hot ones. */
  bySql: Map<string, number>;
}

const counts: SqlCounts = { statements: 0, prepares: 0, bySql: new Map() };
let installed = false;
let detailed = false;
let withCaller = false;
const restore: (() => void)[] = [];

function note(sql: string): void {
  counts.statements++;
  if (!detailed) return;
  const key = sql.replace(/\s+/g, ' ').slice(0, 80) + (withCaller ? `  <- ${caller()}` : '');
  counts.bySql.set(key, (counts.bySql.get(key) ?? 0) + 1);
}

/** The first frames outside the driver, this file and the stores: who asked for the statement. */
function caller(): string {
  Error.stackTraceLimit = 40;
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  const ours = frames.filter((f) => !/node_modules|sql-counter|node:|core\/store\/embedded|agenda\/sqlite|<anonymous>/.test(f));
  return ours.slice(0, 2).map((f) => f.trim().replace(/^at /, '').replace(/\(?file:\/\/[^)]*\/main\//, '').replace(/\)$/, '')).join(' < ') || '?';
}

/**
 * Patch the driver (once). `detail` also keeps executions per SQL text; `callers` splits them by
 * the code that asked (slow: a stack trace per statement).
 */
export function installSqlCounter(opts: { detail?: boolean; callers?: boolean } = {}): void {
  detailed = opts.detail ?? detailed;
  withCaller = opts.callers ?? withCaller;
  if (installed) return;
  installed = true;
  const probe = new Database(':memory:');
  const statementProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, unknown>;
  probe.close();
  for (const method of ['run', 'get', 'all', 'iterate'] as const) {
    const original = statementProto[method] as (this: Database.Statement, ...args: unknown[]) => unknown;
    restore.push(() => (statementProto[method] = original));
    statementProto[method] = function (this: Database.Statement, ...args: unknown[]) {
      note(this.source);
      return original.apply(this, args);
    };
  }
  const dbProto = Database.prototype as unknown as Record<string, unknown>;
  const prepare = dbProto.prepare as (this: Database.Database, sql: string) => unknown;
  const exec = dbProto.exec as (this: Database.Database, sql: string) => unknown;
  restore.push(() => Object.assign(dbProto, { prepare, exec }));
  dbProto.prepare = function (this: Database.Database, sql: string) {
    counts.prepares++;
    if (detailed) {
      const key = `prepare: ${sql.replace(/\s+/g, ' ').slice(0, 71)}`;
      counts.bySql.set(key, (counts.bySql.get(key) ?? 0) + 1);
    }
    return prepare.call(this, sql);
  };
  dbProto.exec = function (this: Database.Database, sql: string) {
    note(sql);
    return exec.call(this, sql);
  };
}

/** Put the driver back as it was (later benchmarks run unpatched). */
export function uninstallSqlCounter(): void {
  restore.splice(0).forEach((undo) => undo());
  installed = false;
}

/** A snapshot of the counts so far (subtract two to count a window). */
export function sqlCounts(): { statements: number; prepares: number; bySql: Map<string, number> } {
  return { statements: counts.statements, prepares: counts.prepares, bySql: new Map(counts.bySql) };
}

/** The hottest statements between two snapshots, per `perMessage` inbound messages. */
export function hottest(before: SqlCounts, after: SqlCounts, messages: number, top = withCaller ? 80 : 40): string[] {
  return [...after.bySql]
    .map(([sql, n]) => [sql, n - (before.bySql.get(sql) ?? 0)] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([sql, n]) => `${(n / messages).toFixed(2).padStart(6)}  ${sql}`);
}
