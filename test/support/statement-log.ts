/**
 * Record the SQL text of every statement better-sqlite3 runs in this process (run, get, all,
 * iterate), as `bench/sql-counter.ts` counts them, for tests that check which statements a store
 * path takes. Patches the driver's statement prototype until `restore()`. `file`: only those of the
 * database opened on that file.
 */
import Database from 'better-sqlite3';

export function countStatements(opts: { file?: string } = {}): { take: () => string[]; restore: () => void } {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, unknown>;
  probe.close();
  const seen: string[] = [];
  const originals = (['run', 'get', 'all', 'iterate'] as const).map((method) => {
    const original = proto[method] as (this: Database.Statement, ...args: unknown[]) => unknown;
    proto[method] = function (this: Database.Statement, ...args: unknown[]) {
      // `file`: only the statements of the database opened on that file (other apps in this process aside).
      if (opts.file === undefined || this.database.name === opts.file) seen.push(this.source.replace(/\s+/g, ' ').trim());
      return original.apply(this, args);
    };
    return [method, original] as const;
  });
  return {
    take: () => seen.splice(0),
    restore: () => originals.forEach(([method, original]) => (proto[method] = original)),
  };
}

/** Count `prepare()` calls made through one handle (every other property is the handle's own). */
export function countingPrepares(db: Database.Database): { db: Database.Database; prepares: () => number } {
  let n = 0;
  const counted = new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (sql: string) => {
          n++;
          return target.prepare(sql);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { db: counted, prepares: () => n };
}
