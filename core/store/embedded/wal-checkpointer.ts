import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the event loop (issue 13). SQLite's automatic checkpoint runs inside the
 * COMMIT that pushes the WAL past `wal_autocheckpoint` pages: it copies the WAL into the database
 * file and syncs both, 5-10 ms on this machine, and with better-sqlite3 that COMMIT blocks the
 * event loop. Traced over 200 new conversations, 14-15 COMMITs took 6.5-9.4 ms this way.
 *
 * A worker thread holds a second connection to the same file and runs `PRAGMA
 * wal_checkpoint(PASSIVE)` every `everyMs` (PASSIVE never waits for the writer, and the writer
 * never waits for it). Once the WAL is fully copied, the next write starts it over from its
 * beginning, so it holds about a second of writes. The main connection keeps an automatic checkpoint as a
 * safety net at 10,000 pages (~40 MB, set by the store): if the worker stops or falls behind,
 * the WAL is still bounded, as before, only later.
 *
 * The worker is plain JavaScript evaluated from a string (no file to resolve under tsx, Jest or
 * the build), and loads the same better-sqlite3 as the store.
 */
export interface WalCheckpointerOptions {
  /** How often the worker checkpoints, in ms (default 1000: fewer syncs than every 250 ms, which cost the Telegram line CPU in one pair of runs). */
  everyMs?: number;
}

/** What one checkpoint reported (SQLite's `wal_checkpoint` row). */
export interface CheckpointReport {
  /** 1 when the checkpoint could not run to completion (a reader or the writer held frames). */
  busy: number;
  /** WAL frames at the time. */
  log: number;
  /** Frames copied into the database file. */
  checkpointed: number;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    return db.pragma('wal_checkpoint(PASSIVE)')[0];
  } catch (err) {
    parentPort.postMessage({ type: 'error', message: String((err && err.message) || err) });
    return undefined;
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m && m.type === 'now') parentPort.postMessage({ type: 'checkpointed', id: m.id, report: checkpoint() });
  if (m === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
parentPort.postMessage({ type: 'ready' });
`;

export class WalCheckpointer {
  private readonly worker: Worker;
  /** `checkpointNow` calls waiting for the worker's answer, by id. */
  private readonly waiting = new Map<number, (report: CheckpointReport | undefined) => void>();
  private asked = 0;
  private stopped: Promise<void> | undefined;
  private readonly exited: Promise<void>;
  /** Resolves once the worker's connection is open (or failed to open). */
  readonly ready: Promise<void>;
  /** The last error the worker reported, if any (the safety net checkpoints meanwhile). */
  lastError: string | undefined;

  constructor(path: string, opts: WalCheckpointerOptions = {}) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver, everyMs: opts.everyMs ?? 1000 } });
    // Never keeps the process alive; `stop` ends it with the store.
    this.worker.unref();
    this.exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.ready = new Promise<void>((resolve) => {
      this.worker.on('message', (m: { type: string; id?: number; report?: CheckpointReport; message?: string }) => {
        if (m.type === 'ready') resolve();
        if (m.type === 'error') this.lastError = m.message;
        if (m.type === 'checkpointed') {
          this.waiting.get(m.id as number)?.(m.report);
          this.waiting.delete(m.id as number);
        }
      });
      this.worker.once('error', (err) => {
        this.lastError = err.message;
        resolve();
      });
      void this.exited.then(resolve);
    });
  }

  /**
   * A checkpoint now, besides the timer's, run after everything committed before this call; resolves
   * with SQLite's report (undefined if it failed or the worker is gone).
   */
  checkpointNow(): Promise<CheckpointReport | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    const id = ++this.asked;
    const answered = new Promise<CheckpointReport | undefined>((resolve) => this.waiting.set(id, resolve));
    this.worker.postMessage({ type: 'now', id });
    return Promise.race([answered, this.exited.then(() => undefined)]);
  }

  /** Close the worker's connection and end the thread (before the store closes its own). */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await this.ready;
      this.worker.postMessage('stop');
      // The worker exits once its port closes; bounded in case it is stuck in a checkpoint.
      const timer = setTimeout(() => void this.worker.terminate(), 5000);
      await this.exited;
      clearTimeout(timer);
    })();
    return this.stopped;
  }
}
